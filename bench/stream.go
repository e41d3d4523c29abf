package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/config"
)

// The target for streaming: it adds at most 20 ms to the model's own
// time to first token.
const streamTargetAddedMs = 20.0

// StreamOptions configure RunStream.
type StreamOptions struct {
	// Replies is how many replies are measured, one after another.
	Replies int
	// FirstToken is the scripted model's delay before its first token,
	// and Token its delay between tokens.
	FirstToken, Token time.Duration
	// Tokens is how many tokens each reply has.
	Tokens int
	JSON   bool
}

// ParseStreamFlags parses the flags of `switchboard bench stream`.
func ParseStreamFlags(args []string, errOut io.Writer) (StreamOptions, error) {
	o := StreamOptions{Replies: 30, FirstToken: 400 * time.Millisecond, Token: 15 * time.Millisecond, Tokens: 40}
	fs := flag.NewFlagSet("bench stream", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.Replies, "replies", o.Replies, "replies measured")
	fs.DurationVar(&o.FirstToken, "first-token", o.FirstToken, "the scripted model's time to its first token")
	fs.DurationVar(&o.Token, "token", o.Token, "the scripted model's time between tokens")
	fs.IntVar(&o.Tokens, "tokens", o.Tokens, "tokens in each reply")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("bench stream: unexpected argument %q", fs.Arg(0))
	case o.Replies < 1 || o.Replies > 10_000:
		return o, errors.New("-replies: must be 1 to 10000")
	case o.FirstToken < 0 || o.Token < 0:
		return o, errors.New("-first-token and -token: must not be negative")
	case o.Tokens < 1 || o.Tokens > 2000:
		return o, errors.New("-tokens: must be 1 to 2000")
	}
	return o, nil
}

// StreamReport is what `switchboard bench stream` measured, per reply, all
// times from one clock (the model server and the customer are in this
// process).
type StreamReport struct {
	Database string `json:"database"`
	Replies  int    `json:"replies"`
	// ModelFirstToken is the scripted model's own time to first token,
	// from its request to its first token written.
	ModelFirstToken LatencySummary `json:"model_first_token"`
	// Delivery is from the model writing its first token to the customer
	// reading it: what streaming adds to the model's time to first token.
	Delivery LatencySummary `json:"delivery"`
	// CustomerFirstToken is from the customer's request to the first
	// words read; Reply to the final reply.
	CustomerFirstToken LatencySummary `json:"customer_first_token"`
	Reply              LatencySummary `json:"reply"`
	Met                bool           `json:"target_met"`
}

// RunStream measures streamed replies through the real API, the worker and
// the database between them (NOTIFY on PostgreSQL), with the model played
// by a chat-completions server in this process that waits a fixed time
// before its first token and between tokens. The turn's first model call
// asks for the knowledge search; the second writes the reply.
func RunStream(ctx context.Context, cfg config.Config, out io.Writer, o StreamOptions) error {
	quietLogs(&cfg)
	model := newScriptedModel(o)
	defer model.Close()
	cfg.LLMBaseURL, cfg.LLMAPIKey, cfg.LLMModel, cfg.LLMTimeout = model.URL, "bench", "scripted-model", time.Minute
	if err := cfg.Validate(); err != nil {
		return err
	}
	d, _, keys, err := demoStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	url, stop, err := ownAPI(d, cfg, "switchboard-bench-stream-"+runID())
	if err != nil {
		return err
	}
	defer stop()
	report := StreamReport{Replies: o.Replies}
	if kind, _, err := config.ParseDatabaseURL(cfg.EffectiveDatabaseURL()); err == nil {
		report.Database = kind
	}

	run := runID()
	var modelFirst, delivery, customerFirst, reply []time.Duration
	client := &http.Client{Timeout: benchCallTimeout}
	for i := range o.Replies + 1 { // the first warms up
		conv := fmt.Sprintf("bench-stream-%s-%d", run, i)
		start := time.Now()
		first, end, err := streamMessage(ctx, client, url, keys.Widget, conv, benchQuestions[i%len(benchQuestions)])
		if err != nil {
			return fmt.Errorf("reply %d: %w", i, err)
		}
		asked, wrote := model.lastAnswer()
		if i == 0 {
			continue
		}
		modelFirst = append(modelFirst, wrote.Sub(asked))
		delivery = append(delivery, first.Sub(wrote))
		customerFirst = append(customerFirst, first.Sub(start))
		reply = append(reply, end.Sub(start))
	}
	report.ModelFirstToken = summarize(modelFirst, 0)
	report.Delivery = summarize(delivery, 0)
	report.CustomerFirstToken = summarize(customerFirst, 0)
	report.Reply = summarize(reply, 0)
	report.Met = report.Delivery.P50Ms <= streamTargetAddedMs
	if o.JSON {
		return writeJSON(out, report)
	}
	fmt.Fprintf(out, "bench stream: %d replies of %d tokens, model first token after %v then one per %v, on %s\n",
		o.Replies, o.Tokens, o.FirstToken, o.Token, report.Database)
	row := func(name string, l LatencySummary) {
		fmt.Fprintf(out, "  %-38s p50 %7.1f ms  p95 %7.1f ms\n", name, l.P50Ms, l.P95Ms)
	}
	row("model's own time to first token", report.ModelFirstToken)
	row("first token, model to customer", report.Delivery)
	row("customer's time to first token", report.CustomerFirstToken)
	row("customer's time to the final reply", report.Reply)
	fmt.Fprintf(out, "%s  streaming adds ≤ %.0f ms to the model's time to first token: p50 %.1f ms\n",
		verdict(report.Met), streamTargetAddedMs, report.Delivery.P50Ms)
	return nil
}

// streamMessage sends a message asking for a stream and returns when its
// first words and its final reply were read.
func streamMessage(ctx context.Context, client *http.Client, url, key, conv, text string) (first, end time.Time, err error) {
	body, _ := json.Marshal(map[string]any{"id": "m1", "text": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/conversations/"+conv+"/messages", bytes.NewReader(body))
	if err != nil {
		return first, end, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return first, end, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		return first, end, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	s := bufio.NewScanner(resp.Body)
	for s.Scan() {
		switch s.Text() {
		case "event: delta":
			if first.IsZero() {
				first = time.Now()
			}
		case "event: reply":
			end = time.Now()
		case "event: error":
			return first, end, errors.New("the stream ended with an error")
		}
	}
	switch {
	case s.Err() != nil:
		return first, end, s.Err()
	case first.IsZero():
		return first, end, errors.New("no words came before the reply: the model's answer was not streamed")
	case end.IsZero():
		return first, end, errors.New("the stream ended without the reply")
	}
	return first, end, nil
}

// scriptedModel speaks the chat-completions protocol as a model that, asked
// anything, searches the knowledge, and shown the passages, answers citing
// the first, streaming when asked: its first token after FirstToken, the
// next ones every Token.
type scriptedModel struct {
	*httptest.Server
	o  StreamOptions
	mu sync.Mutex
	// asked and wrote are when the last answering call came in and when
	// its first token was written.
	asked, wrote time.Time
}

func newScriptedModel(o StreamOptions) *scriptedModel {
	m := &scriptedModel{o: o}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	return m
}

func (m *scriptedModel) lastAnswer() (asked, wrote time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.asked, m.wrote
}

func (m *scriptedModel) serve(w http.ResponseWriter, r *http.Request) {
	asked := time.Now()
	var req struct {
		Stream   bool `json:"stream"`
		Messages []struct {
			Role    string `json:"role"`
			Content any    `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	last := req.Messages[len(req.Messages)-1]
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-bench", "object": "chat.completion.chunk",
			"created": asked.Unix(), "model": "scripted-model",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	if !req.Stream {
		// The issue-type refiner asks without streaming, for a name or
		// "unknown": this model knows no issue type.
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-bench", "object": "chat.completion",
			"created": asked.Unix(), "model": "scripted-model",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": "unknown"}}}})
		_, _ = w.Write(b)
		return
	}
	if last.Role != "tool" {
		question, _ := last.Content.(string)
		args, _ := json.Marshal(map[string]string{"query": question})
		send(map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"index": 0, "id": "call_1",
			"type": "function", "function": map[string]any{"name": "search_knowledge", "arguments": string(args)}}}}, nil)
		send(map[string]any{}, "tool_calls")
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	// Answer with the first passage's opening words, citing it.
	passage, _ := last.Content.(string)
	words := strings.Fields(passage)
	time.Sleep(m.o.FirstToken)
	for i := range m.o.Tokens {
		word := "and"
		if len(words) > 0 {
			word = words[i%len(words)]
		}
		if i == m.o.Tokens-1 {
			word += " [1]."
		}
		if i > 0 {
			word = " " + word
			time.Sleep(m.o.Token)
		}
		if i == 0 {
			m.mu.Lock()
			m.asked, m.wrote = asked, time.Now()
			m.mu.Unlock()
		}
		send(map[string]any{"content": word}, nil)
	}
	send(map[string]any{}, "stop")
	fmt.Fprint(w, "data: [DONE]\n\n")
}
