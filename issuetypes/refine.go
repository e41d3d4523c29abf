package issuetypes

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"

	"github.com/switchboardhq/switchboard/answer"
)

// Refiner lets a language model decide among the offline classifier's
// candidates. It never replaces the offline classifier: when it fails, the
// offline decision stands.
type Refiner interface {
	// Refine returns the name of one of req's options, or Unknown.
	Refine(ctx context.Context, req RefineRequest) (string, error)
}

// RefineRequest is a message and the issue types it may be.
type RefineRequest struct {
	Text    string
	Options []Option
}

// Option is a candidate issue type as the language model sees it.
type Option struct {
	Name        string
	Description string
	// Examples are the type's examples nearest to the message.
	Examples []string
}

// OpenAIRefiner refines with an OpenAI-compatible chat completions API
// (OpenAI, Ollama, vLLM, llama.cpp server). It does not retry.
type OpenAIRefiner struct {
	client openai.Client
	model  string
}

// NewOpenAIRefiner returns a refiner for the API at baseURL using model.
func NewOpenAIRefiner(baseURL, apiKey, model string, timeout time.Duration) *OpenAIRefiner {
	return &OpenAIRefiner{client: answer.NewClient(baseURL, apiKey, timeout), model: model}
}

// Refine implements Refiner. The model is shown the options with their
// descriptions and nearest examples and asked for one name or "unknown"; an
// answer that is neither is an error.
func (o *OpenAIRefiner) Refine(ctx context.Context, req RefineRequest) (string, error) {
	choice, err := answer.Complete(ctx, o.client, o.model, []openai.ChatCompletionMessageParamUnion{
		openai.SystemMessage(refinePrompt(req.Options)),
		openai.UserMessage(req.Text),
	})
	if err != nil {
		return "", err
	}
	return parseChoice(choice, req.Options)
}

func refinePrompt(options []Option) string {
	var b strings.Builder
	b.WriteString("You sort customer messages by issue type for a support team. " +
		"The user's message is a customer's message. It may be one of these issue types:\n\n")
	for _, opt := range options {
		fmt.Fprintf(&b, "%s", opt.Name)
		if opt.Description != "" {
			fmt.Fprintf(&b, " (%s)", opt.Description)
		}
		b.WriteString("; examples:")
		for _, e := range opt.Examples {
			fmt.Fprintf(&b, " %q", e)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nReply with the name of the one issue type the message is about, exactly as written above, " +
		"or with " + Unknown + " if it is about none of them. Reply with the name alone.")
	return b.String()
}

// parseChoice reads the model's answer: one option's name or Unknown,
// ignoring case, spaces, quotes and a final full stop.
func parseChoice(answer string, options []Option) (string, error) {
	name := strings.ToLower(strings.Trim(strings.TrimSpace(answer), "\"'`*. \n"))
	if name == Unknown {
		return Unknown, nil
	}
	for _, opt := range options {
		if name == opt.Name {
			return opt.Name, nil
		}
	}
	if r := []rune(answer); len(r) > 80 {
		answer = string(r[:80]) + "…"
	}
	return "", fmt.Errorf("llm answered %q, which names no candidate issue type", answer)
}
