package rehearse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"

	"github.com/switchboardhq/switchboard/answer"
)

// Exchange is one customer message of a simulated conversation and the
// agent's reply to it.
type Exchange struct {
	Customer string
	Agent    string
}

// CustomerRequest asks a simulated customer for their next message.
type CustomerRequest struct {
	Persona string
	Goal    string
	// Transcript is the conversation so far, oldest first.
	Transcript []Exchange
}

// Customer is a language model that plays a customer, and judges a
// simulated conversation against a plain-language criterion.
type Customer interface {
	// Next returns the customer's next message, or done when the customer
	// has what they came for or would give up.
	Next(ctx context.Context, req CustomerRequest) (message string, done bool, err error)
	// Judge says whether the conversation meets criterion, and why.
	Judge(ctx context.Context, criterion string, transcript []Exchange) (met bool, reason string, err error)
}

// doneWord is what the model says when the customer is done.
const doneWord = "DONE"

// OpenAICustomer plays customers with an OpenAI-compatible chat completions
// API. It does not retry: the activity's retry policy does.
type OpenAICustomer struct {
	client openai.Client
	model  string
}

// NewOpenAICustomer returns a simulated customer played by model at baseURL.
func NewOpenAICustomer(baseURL, apiKey, model string, timeout time.Duration) *OpenAICustomer {
	return &OpenAICustomer{client: answer.NewClient(baseURL, apiKey, timeout), model: model}
}

// Next implements Customer. The model is the customer: its own earlier
// messages are the assistant's, the agent's replies the user's.
func (o *OpenAICustomer) Next(ctx context.Context, req CustomerRequest) (string, bool, error) {
	messages := []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(
		"You are role-playing a customer who writes to a company's customer-support chat. Stay in character.\n" +
			"Who you are: " + req.Persona + "\nWhat you want: " + req.Goal + "\n" +
			"Write only your next message to the support agent: short, as this customer would write it. " +
			"When you have what you wanted, or this customer would give up, reply with exactly " + doneWord + "."),
		openai.UserMessage("(The chat window opens. Write your first message.)"),
	}
	for _, e := range req.Transcript {
		messages = append(messages, openai.AssistantMessage(e.Customer), openai.UserMessage(orNone(e.Agent)))
	}
	text, err := o.complete(ctx, messages)
	if err != nil {
		return "", false, err
	}
	if text == "" || strings.EqualFold(strings.Trim(text, " .!\"'"), doneWord) {
		return "", true, nil
	}
	return text, false, nil
}

// Judge implements Customer: the model answers PASS or FAIL on its first
// line, then why; any other answer is an error.
func (o *OpenAICustomer) Judge(ctx context.Context, criterion string, transcript []Exchange) (bool, string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Criterion: %s\n\nConversation:\n", criterion)
	for _, e := range transcript {
		fmt.Fprintf(&b, "Customer: %s\nAgent: %s\n", e.Customer, orNone(e.Agent))
	}
	text, err := o.complete(ctx, []openai.ChatCompletionMessageParamUnion{
		openai.SystemMessage("You judge a customer-support conversation against a criterion. " +
			"Answer PASS or FAIL on the first line, then say why in one sentence."),
		openai.UserMessage(b.String()),
	})
	if err != nil {
		return false, "", err
	}
	verdict, reason, _ := strings.Cut(text, "\n")
	verdict = strings.ToUpper(strings.Trim(verdict, " .:*"))
	reason = strings.TrimSpace(reason)
	switch {
	case strings.HasPrefix(verdict, "PASS"):
		return true, reason, nil
	case strings.HasPrefix(verdict, "FAIL"):
		return false, reason, nil
	}
	return false, "", fmt.Errorf("the model's verdict %q is neither PASS nor FAIL", verdict)
}

func (o *OpenAICustomer) complete(ctx context.Context, messages []openai.ChatCompletionMessageParamUnion) (string, error) {
	return answer.Complete(ctx, o.client, o.model, messages)
}

// orNone is an agent's reply as the model reads it: an empty one (a person
// has the conversation) said in words.
func orNone(reply string) string {
	if reply == "" {
		return "(no reply: the conversation is with a person now)"
	}
	return reply
}
