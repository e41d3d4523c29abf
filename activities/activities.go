package activities

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/replystream"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/sealed"
)

// Activities holds the dependencies of every activity. Register it once with
// the worker; workflows call its methods through a nil *Activities.
type Activities struct {
	DB        *gorm.DB
	Knowledge *knowledge.Store
	Generator answer.Generator
	// Agent is the model that runs a turn with tools (AgentStep); nil
	// when no model is configured.
	Agent answer.Agent
	// IssueRefiner lets the language model decide among the issue-type
	// candidates (offline only when nil).
	IssueRefiner issuetypes.Refiner
	// Rules caches compiled conditions (a shared default when nil).
	Rules *rules.Cache
	// HTTPClient sends team webhooks (http.DefaultClient when nil).
	HTTPClient *http.Client
	// Secrets opens the secret headers of the company's actions.
	Secrets *sealed.Box
	// ActionsAllowPrivate lets the company's actions call private addresses
	// (SWITCHBOARD_FETCH_PRIVATE, development); otherwise only the hosts on
	// the workspace's allow-list may be private.
	ActionsAllowPrivate bool
	// Replies carries the model's reply, as it writes it, to the customer
	// waiting on the API (no streaming when nil).
	Replies *replystream.Hub

	configs   configCache
	citations citationCounts
	catalogs  catalogCache
}

// Passage is a retrieved chunk, as it crosses Temporal.
type Passage struct {
	SourceID string  `json:"source_id"`
	Title    string  `json:"title"`
	URL      string  `json:"url,omitempty"`
	Heading  string  `json:"heading,omitempty"`
	Text     string  `json:"text"`
	Score    float64 `json:"score"`
}

// RetrieveInput asks for the workspace's passages best matching a query,
// among the sources whose audience includes the conversation's channel type
// ("chat", "email", …) and the contact's tier. A source with no audience
// answers everyone; a restricted one never answers a conversation whose
// channel (tier) is unknown ("").
type RetrieveInput struct {
	WorkspaceID string
	Query       string
	Limit       int
	Channel     string
	Tier        string
	// Answer asks for the reply too, when the worker writes replies
	// in-process (the extractive answerer): a turn then needs no Generate.
	Answer bool
	// Offline asks for the extractive reply even when a model is
	// configured: the fallback of a turn whose model failed.
	Offline bool `json:",omitempty"`
	// VerifiedEmail, when Tier is not known yet (a conversation's first
	// turn, searched alongside LoadContext), is the email the customer
	// proved: Retrieve reads the contact's tier itself and searches for it
	// (RetrieveResult.Tier).
	VerifiedEmail string `json:",omitempty"`
	// Snapshot, in a rehearsal's case, is the content snapshot searched
	// instead of the current content.
	Snapshot string `json:",omitempty"`
}

// RetrieveResult lists passages, best first, and the reply written from
// them when RetrieveInput.Answer asked for it and the worker could write it
// in-process (nil otherwise: call Generate). Passages that came with a reply
// leave out their text, which the reply quotes and cites: the result is
// recorded in the conversation's history.
type RetrieveResult struct {
	Passages []Passage
	Answer   *GenerateResult `json:",omitempty"`
	// Tier is the customer tier the search was for, when Retrieve read it
	// (RetrieveInput.VerifiedEmail).
	Tier string `json:",omitempty"`
}

// Retrieve searches the workspace's knowledge the conversation may be
// answered from (BM25 in Weaviate; hybrid when an embedder is configured).
func (a *Activities) Retrieve(ctx context.Context, in RetrieveInput) (RetrieveResult, error) {
	limit := in.Limit
	if limit <= 0 {
		limit = 5
	}
	req := knowledge.SearchRequest{
		WorkspaceID: in.WorkspaceID, Query: in.Query, Limit: limit,
		Reader: &knowledge.Reader{Channel: in.Channel, Tier: in.Tier}, Snapshot: in.Snapshot,
	}
	// The customer's tier, when it must be read, is read while the search
	// runs; only the check of the hits' audience waits for it.
	var tier string
	var read errgroup.Group
	if in.Tier == "" && in.VerifiedEmail != "" {
		read.Go(func() error {
			err := a.DB.WithContext(ctx).Model(&models.Contact{}).Select("tier").
				Where("workspace_id = ? AND email = ?", in.WorkspaceID, strings.ToLower(in.VerifiedEmail)).
				Limit(1).Scan(&tier).Error
			if err != nil {
				return fmt.Errorf("contact tier: %w", err)
			}
			return nil
		})
		req.Reader = nil
		req.ReaderFrom = func() (knowledge.Reader, error) {
			err := read.Wait()
			return knowledge.Reader{Channel: in.Channel, Tier: tier}, err
		}
	}
	hits, err := a.Knowledge.SearchWith(ctx, req)
	if rerr := read.Wait(); rerr != nil {
		return RetrieveResult{}, rerr
	}
	if err != nil {
		return RetrieveResult{}, err
	}
	out := RetrieveResult{Passages: make([]Passage, len(hits)), Tier: tier}
	for i, h := range hits {
		out.Passages[i] = Passage{
			SourceID: h.SourceID, Title: h.Title, URL: h.URL,
			Heading: h.Heading, Text: h.Text, Score: h.Score,
		}
	}
	if !in.Answer || (!a.localGeneration() && !in.Offline) {
		return out, nil
	}
	if in.Offline && !a.localGeneration() {
		catalog, err := a.catalog(ctx, in.WorkspaceID)
		if err != nil {
			return RetrieveResult{}, err
		}
		ans, err := answer.Extractive{}.Generate(ctx, answer.Request{Question: in.Query, Passages: passagesOf(out.Passages), Catalog: catalog})
		if err != nil {
			return RetrieveResult{}, err
		}
		out.Answer = &GenerateResult{Text: ans.Text, Citations: ans.Citations, Known: ans.Known, Confidence: ans.Confidence}
		return out, nil
	}
	// The extractive answerer does not use the agent's voice, so nothing
	// else needs reading.
	gen, err := a.Generate(ctx, GenerateInput{WorkspaceID: in.WorkspaceID, Question: in.Query, Passages: out.Passages, Voice: &decide.Voice{}})
	if err != nil {
		return RetrieveResult{}, err
	}
	out.Answer = &gen
	for i := range out.Passages {
		out.Passages[i].Text = ""
	}
	return out, nil
}

// localGeneration reports whether replies are written in-process, without
// a network call (the extractive answerer), so a local activity may write
// them.
func (a *Activities) localGeneration() bool {
	_, ok := a.Generator.(answer.Extractive)
	return ok
}

// GenerateInput is a question and the passages retrieved for it.
type GenerateInput struct {
	WorkspaceID string
	Question    string
	Passages    []Passage
	// Voice is how the agent speaks, as LoadContext read it this turn; nil
	// reads it from the agent settings.
	Voice *decide.Voice
	// History is the conversation so far (bounded), Language the
	// customer's: a model sees them, the extractive answerer does not.
	History  []answer.Turn `json:",omitempty"`
	Language string        `json:",omitempty"`
}

// GenerateResult is the agent's reply.
type GenerateResult struct {
	Text       string
	Citations  []answer.Citation
	Known      bool
	Confidence float64
}

// Generate writes the reply following the workspace's agent settings.
func (a *Activities) Generate(ctx context.Context, in GenerateInput) (GenerateResult, error) {
	voice := in.Voice
	if voice == nil {
		var settings models.AgentSettings
		err := a.DB.WithContext(ctx).Where("workspace_id = ?", in.WorkspaceID).Limit(1).Find(&settings).Error
		if err != nil {
			return GenerateResult{}, fmt.Errorf("load agent settings: %w", err)
		}
		voice = &decide.Voice{AgentName: settings.AgentName, Tone: settings.Tone, Guidelines: settings.Guidelines}
	}
	req := answer.Request{
		Question:   in.Question,
		AgentName:  voice.AgentName,
		Tone:       voice.Tone,
		Guidelines: voice.Guidelines,
		History:    in.History,
		Language:   in.Language,
	}
	req.Passages = passagesOf(in.Passages)
	if a.localGeneration() {
		catalog, err := a.catalog(ctx, in.WorkspaceID)
		if err != nil {
			return GenerateResult{}, err
		}
		req.Catalog = catalog
	}
	ans, err := a.Generator.Generate(ctx, req)
	if err != nil {
		return GenerateResult{}, err
	}
	return GenerateResult{Text: ans.Text, Citations: ans.Citations, Known: ans.Known, Confidence: ans.Confidence}, nil
}

func passagesOf(ps []Passage) []answer.Passage {
	out := make([]answer.Passage, 0, len(ps))
	for _, p := range ps {
		out = append(out, answer.Passage(p))
	}
	return out
}

// AgentStepInput is one step of a turn run by the model: what the model
// sees (see answer.StepRequest).
type AgentStepInput struct {
	WorkspaceID  string
	Instructions answer.Instructions
	History      []answer.Turn
	Question     string
	Steps        []answer.Exchange
	Tools        []answer.Tool
	// Stream is the reply stream the step's text goes to as the model
	// writes it (replystream.Key); "" for none.
	Stream string `json:",omitempty"`
}

// AgentStep asks the model for the turn's next step: tool calls, or the
// reply. Its result, in the history, names the model, the tokens in and
// out, and the calls.
func (a *Activities) AgentStep(ctx context.Context, in AgentStepInput) (answer.Step, error) {
	if a.Agent == nil {
		return answer.Step{}, temporal.NewNonRetryableApplicationError("no model is configured", "NoModel", nil)
	}
	req := answer.StepRequest{
		Instructions: in.Instructions, History: in.History, Question: in.Question, Steps: in.Steps, Tools: in.Tools,
	}
	if a.Replies == nil || in.Stream == "" {
		return a.Agent.Step(ctx, req)
	}
	w := replystream.NewWriter(a.Replies, in.Stream)
	req.Stream = func(text string) {
		if err := w.Write(ctx, text); err != nil {
			activity.GetLogger(ctx).Warn("reply stream", "error", err)
		}
	}
	step, err := a.Agent.Step(ctx, req)
	// The text that waits goes before the step's result, and so before the
	// reply that ends the customer's stream.
	if ferr := w.Flush(ctx); ferr != nil {
		activity.GetLogger(ctx).Warn("reply stream", "error", ferr)
	}
	return step, err
}
