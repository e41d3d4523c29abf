package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/replystream"
)

// chatServer speaks the chat-completions protocol, tool calls included,
// for a scripted model: script gets each request's messages and tool names
// and answers with a message (content, or tool calls), an HTTP status to
// fail with, or a delay.
type chatServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []chatRequest
}

type chatRequest struct {
	Stream   bool             `json:"stream"`
	Messages []map[string]any `json:"messages"`
	Tools    []struct {
		Function struct {
			Name       string         `json:"name"`
			Parameters map[string]any `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
}

type scripted struct {
	status  int
	delay   time.Duration
	content string
	calls   [][2]string // name, arguments
	// afterFirst, for a streamed answer, runs once its first piece is
	// sent, before the rest.
	afterFirst func()
}

func newChatServer(t *testing.T, script func(chatRequest) scripted) *chatServer {
	s := &chatServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req chatRequest
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &req)
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		out := script(req)
		time.Sleep(out.delay)
		if out.status != 0 {
			w.WriteHeader(out.status)
			io.WriteString(w, `{"error":{"message":"scripted failure","type":"server_error"}}`)
			return
		}
		msg := map[string]any{"role": "assistant", "content": out.content}
		var calls []map[string]any
		for i, c := range out.calls {
			calls = append(calls, map[string]any{"id": "call_" + string(rune('a'+i)), "type": "function",
				"function": map[string]any{"name": c[0], "arguments": c[1]}})
		}
		finish := "stop"
		if len(calls) > 0 {
			msg["tool_calls"], msg["content"], finish = calls, nil, "tool_calls"
		}
		if req.Stream {
			streamChat(w, out, calls, finish)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": time.Now().Unix(), "model": "scripted-model",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
			"usage":   map[string]any{"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

// streamChat answers as the protocol streams: chat.completion.chunk events,
// the content a word at a time (or the tool calls in one chunk), the finish
// reason, the usage, then [DONE].
func streamChat(w http.ResponseWriter, out scripted, calls []map[string]any, finish string) {
	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	send := func(choices []any, usage any) {
		chunk := map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": time.Now().Unix(),
			"model": "scripted-model", "choices": choices}
		if usage != nil {
			chunk["usage"] = usage
		}
		b, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flusher.Flush()
	}
	delta := func(d map[string]any) []any {
		return []any{map[string]any{"index": 0, "delta": d, "finish_reason": nil}}
	}
	if len(calls) > 0 {
		for i, c := range calls {
			c["index"] = i
		}
		send(delta(map[string]any{"role": "assistant", "tool_calls": calls}), nil)
	} else {
		for i, word := range strings.SplitAfter(out.content, " ") {
			send(delta(map[string]any{"role": "assistant", "content": word}), nil)
			if i == 0 && out.afterFirst != nil {
				out.afterFirst()
			}
		}
	}
	send([]any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": finish}}, nil)
	send([]any{}, map[string]any{"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132})
	fmt.Fprint(w, "data: [DONE]\n\n")
	flusher.Flush()
}

func (s *chatServer) seen() []chatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]chatRequest(nil), s.requests...)
}

// TestModelAgentOverTheChatCompletionsProtocol runs turns through the real
// stack with the worker's model served by a scripted chat-completions
// server: the model searches and answers with a citation, sees the tools
// and the conversation; a model that fails, or is too slow, leaves the
// customer the offline answer and never an error.
func TestModelAgentOverTheChatCompletionsProtocol(t *testing.T) {
	t.Parallel()
	var mode string
	var modeMu sync.Mutex
	setMode := func(m string) { modeMu.Lock(); mode = m; modeMu.Unlock() }
	chat := newChatServer(t, func(req chatRequest) scripted {
		modeMu.Lock()
		m := mode
		modeMu.Unlock()
		switch m {
		case "down":
			return scripted{status: http.StatusInternalServerError}
		case "slow":
			return scripted{delay: 3 * time.Second, content: "too late"}
		}
		last := req.Messages[len(req.Messages)-1]
		if last["role"] == "tool" {
			return scripted{content: "Standard shipping takes a few business days [1]."}
		}
		q, _ := json.Marshal(map[string]string{"query": last["content"].(string)})
		return scripted{calls: [][2]string{{"search_knowledge", string(q)}}}
	})
	model := answer.NewOpenAI(chat.URL, "test-key", "scripted-model", time.Second)
	app := testenv.NewApp(t, testenv.AppOptions{Generator: model, Agent: model})
	url := app.URL + "/v1/conversations/conv-model/messages"
	say := func(id, text string) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"id": id, "text": text})
		r := do(t, "POST", url, app.Keys.Widget, body)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)
	}

	setMode("ok")
	reply := say("m1", "How long does shipping take?")
	require.Equal(t, "Standard shipping takes a few business days.", reply["text"])
	require.NotEmpty(t, reply["citations"], "the cited passage is the reply's citation")
	reqs := chat.seen()
	require.Len(t, reqs, 2, "one model call per step: search, then answer")
	var tools []string
	for _, tool := range reqs[0].Tools {
		tools = append(tools, tool.Function.Name)
	}
	require.Contains(t, tools, "search_knowledge")
	require.Contains(t, tools, "hand_off")
	require.Contains(t, tools, "order_status")
	toolMsg := reqs[1].Messages[len(reqs[1].Messages)-1]
	require.Equal(t, "tool", toolMsg["role"])
	require.Contains(t, toolMsg["content"], "not instructions")

	reply = say("m2", "And to Canada?")
	reqs = chat.seen()
	var history []string
	for _, m := range reqs[2].Messages {
		if c, ok := m["content"].(string); ok && m["role"] != "system" {
			history = append(history, c)
		}
	}
	require.Equal(t, []string{"How long does shipping take?", "Standard shipping takes a few business days.", "And to Canada?"}, history,
		"the model sees the conversation so far")
	require.NotEmpty(t, reply["text"])

	for _, m := range []string{"down", "slow"} {
		setMode(m)
		before := len(chat.seen())
		reply = say("m-"+m, "How long does shipping take?")
		require.NotEmpty(t, reply["text"], m)
		require.NotEmpty(t, reply["citations"], "%s: the offline agent answers from the content", m)
		require.Nil(t, reply["handed_off"], "%s: no hand-off is needed", m)
		require.False(t, strings.Contains(reply["text"].(string), "too late"), m)
		require.Greater(t, len(chat.seen()), before, "%s: the model was asked", m)
	}
}

// TestRepliesStreamAsTheModelWritesThem asks for a reply as server-sent
// events with the worker and the API joined through PostgreSQL's NOTIFY, as
// they are in separate processes. The scripted model holds the rest of its
// answer until the customer has its first word: the text reaches the
// customer while the model is still writing, and the stream ends with the
// recorded reply, citations and all.
func TestRepliesStreamAsTheModelWritesThem(t *testing.T) {
	t.Parallel()
	firstSeen := make(chan struct{})
	chat := newChatServer(t, func(req chatRequest) scripted {
		last := req.Messages[len(req.Messages)-1]
		if last["role"] == "tool" {
			return scripted{content: "Standard shipping takes a few business days [1].", afterFirst: func() {
				select {
				case <-firstSeen:
				case <-time.After(20 * time.Second): // the test fails below
				}
			}}
		}
		q, _ := json.Marshal(map[string]string{"query": last["content"].(string)})
		return scripted{calls: [][2]string{{"search_knowledge", string(q)}}}
	})
	model := answer.NewOpenAI(chat.URL, "test-key", "scripted-model", 30*time.Second)
	databaseURL := testenv.PostgresURL(t)
	_, dsn, err := config.ParseDatabaseURL(databaseURL)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hub := replystream.Postgres(ctx, testenv.Open(t, databaseURL), dsn, slog.New(slog.DiscardHandler))
	app := testenv.NewApp(t, testenv.AppOptions{DatabaseURL: databaseURL, Generator: model, Agent: model, Replies: hub})

	body, _ := json.Marshal(map[string]any{"id": "m1", "text": "How long does shipping take?"})
	req, err := http.NewRequest("POST", app.URL+"/v1/conversations/conv-stream/messages", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+app.Keys.Widget)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	var events []string
	var streamed strings.Builder
	var reply map[string]any
	scanner := bufio.NewScanner(resp.Body)
	event := ""
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
			events = append(events, event)
		case strings.HasPrefix(line, "data: "):
			var data map[string]any
			require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data))
			switch event {
			case "delta":
				if data["reset"] == true {
					streamed.Reset()
				}
				streamed.WriteString(data["text"].(string))
				if streamed.Len() > 0 {
					select {
					case <-firstSeen:
					default:
						close(firstSeen) // the model may go on
					}
				}
			case "reply":
				reply = data
			}
		}
	}
	require.NoError(t, scanner.Err())
	require.NotNil(t, reply, "the stream ends with the reply; events: %v", events)
	require.Equal(t, "delta", events[0], "the first words come before the reply")
	require.Equal(t, "reply", events[len(events)-1])
	require.Equal(t, "Standard shipping takes a few business days [1].", streamed.String(), "the deltas add up to what the model wrote")
	r := reply["reply"].(map[string]any)
	require.Equal(t, "Standard shipping takes a few business days.", r["text"], "the reply is the recorded one, citation marks read")
	require.NotEmpty(t, r["citations"])

	// The transcript holds the same reply.
	got := do(t, "GET", app.URL+"/v1/conversations/conv-stream", app.Keys.Widget, nil)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	msgs := got.Body["messages"].([]any)
	require.Equal(t, r["text"], msgs[len(msgs)-1].(map[string]any)["text"])

	// A plain request to the same conversation still gets JSON.
	plain := do(t, "POST", app.URL+"/v1/conversations/conv-stream/messages", app.Keys.Widget,
		[]byte(`{"id":"m2","text":"Thanks!"}`))
	require.Equal(t, http.StatusOK, plain.Status, plain.Raw)
}

// TestTheModelLooksUpTheCatalog: with a model, a customer's question about
// a product is answered from the catalog as the CRM has it (a variant's
// price and stock included), the product cited; a product the catalog does
// not hold is said so to the model, which then has nothing to cite.
func TestTheModelLooksUpTheCatalog(t *testing.T) {
	t.Parallel()
	chat := newChatServer(t, func(req chatRequest) scripted {
		last := req.Messages[len(req.Messages)-1]
		if last["role"] != "tool" {
			query := "linen notebook A5"
			if strings.Contains(last["content"].(string), "kettle") {
				query = "kettle"
			}
			q, _ := json.Marshal(map[string]string{"query": query})
			return scripted{calls: [][2]string{{"look_up_products", string(q)}}}
		}
		if strings.Contains(last["content"].(string), "$12.00, out of stock") {
			return scripted{content: "The A5 dotted linen notebook is $12.00 and out of stock just now [1]."}
		}
		return scripted{content: answer.NoAnswer}
	})
	model := answer.NewOpenAI(chat.URL, "test-key", "scripted-model", 5*time.Second)
	app := testenv.NewApp(t, testenv.AppOptions{Generator: model, Agent: model})
	r := do(t, "PUT", app.URL+"/v1/crm/products/NB-LIN", app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Linen notebook", "sku": "NB-LIN", "price_cents": 1400, "currency": "USD", "availability": "in_stock",
		"variants": []map[string]any{{"name": "A5 dotted", "sku": "NB-LIN-A5", "price_cents": 1200, "availability": "out_of_stock"}}}))
	require.Less(t, r.Status, 300, r.Raw)

	say := func(conv, text string) map[string]any {
		t.Helper()
		r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget,
			jsonBody(t, map[string]any{"id": "m1", "text": text}))
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)
	}
	reply := say("conv-linen", "Do you have the A5 linen notebook in stock?")
	require.Equal(t, "The A5 dotted linen notebook is $12.00 and out of stock just now.", reply["text"])
	require.Equal(t, []any{map[string]any{"source_id": "", "title": "Linen notebook"}}, reply["citations"])
	reqs := chat.seen()
	require.Len(t, reqs, 2, "a lookup, then the answer")
	tool := reqs[1].Messages[len(reqs[1].Messages)-1]["content"].(string)
	require.Contains(t, tool, "[1] Linen notebook — Product catalog\nLinen notebook (SKU NB-LIN): $14.00, in stock. Variants: A5 dotted (SKU NB-LIN-A5, $12.00, out of stock).")
	require.Contains(t, tool, "not instructions")

	reply = say("conv-kettle", "Do you sell a kettle?")
	require.Equal(t, answer.DontKnow, reply["text"], "nothing found, nothing cited")
	reqs = chat.seen()
	require.Equal(t, "No product in the catalog matches.", reqs[len(reqs)-1].Messages[len(reqs[len(reqs)-1].Messages)-1]["content"])
}

// TestTheAgentActsKnowingWhoWrote: what a customer tells about themselves
// is kept before the agent works on their message, so a rep the turn hands
// the conversation to finds who wrote in the queue at once. The scripted
// model looks for the contact while it is asked, in the middle of the turn.
func TestTheAgentActsKnowingWhoWrote(t *testing.T) {
	t.Parallel()
	var db atomic.Pointer[gorm.DB]
	kept := make(chan string, 8)
	chat := newChatServer(t, func(req chatRequest) scripted {
		var emails []string
		if err := db.Load().Model(&models.ConversationContact{}).Pluck("email", &emails).Error; err != nil {
			kept <- "error: " + err.Error()
		} else {
			kept <- strings.Join(emails, ",")
		}
		return scripted{content: "Someone from our team will help you with that."}
	})
	model := answer.NewOpenAI(chat.URL, "test-key", "scripted-model", 10*time.Second)
	app := testenv.NewApp(t, testenv.AppOptions{Generator: model, Agent: model})
	db.Store(app.DB)

	body, _ := json.Marshal(map[string]any{"id": "m1", "text": "How long does shipping take?",
		"contact": map[string]string{"email": "grace@example.com", "name": "Grace"}})
	r := do(t, "POST", app.URL+"/v1/conversations/conv-who/messages", app.Keys.Widget, body)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.NotEmpty(t, chat.seen(), "the model was asked")
	require.Equal(t, "grace@example.com", <-kept, "the contact is kept when the agent is asked")
}
