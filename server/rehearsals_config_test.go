package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
)

// rehearsalBundle is an app and the helpers a rehearsal test uses.
type rehearsalBundle struct {
	app *testenv.App
	t   *testing.T
	// wait bounds a rehearsal's run (3 minutes when 0).
	wait time.Duration
}

func (b rehearsalBundle) post(path string, v any) response {
	b.t.Helper()
	body, err := json.Marshal(v)
	require.NoError(b.t, err)
	return do(b.t, "POST", b.app.URL+path, b.app.Keys.Admin, body)
}

// run starts a rehearsal and waits for it to end.
func (b rehearsalBundle) run(req map[string]any) map[string]any {
	b.t.Helper()
	r := b.post("/v1/rehearsals", req)
	require.Equal(b.t, http.StatusAccepted, r.Status, r.Raw)
	id := r.Body["id"].(string)
	var got response
	wait := b.wait
	if wait == 0 {
		wait = 3 * time.Minute
	}
	require.Eventually(b.t, func() bool {
		got = do(b.t, "GET", b.app.URL+"/v1/rehearsals/"+id, b.app.Keys.Auditor, nil)
		return got.Body["status"] != "running"
	}, wait, 250*time.Millisecond)
	require.Equal(b.t, "done", got.Body["status"], got.Raw)
	return got.Body
}

// chat holds a real (not test) conversation of one message.
func (b rehearsalBundle) chat(id, text string) {
	b.t.Helper()
	body, err := json.Marshal(map[string]any{"id": "m1", "text": text})
	require.NoError(b.t, err)
	r := do(b.t, "POST", b.app.URL+"/v1/conversations/"+id+"/messages", b.app.Keys.Widget, body)
	require.Equal(b.t, http.StatusOK, r.Status, r.Raw)
}

func reportOf(run map[string]any) map[string]any { return run["report"].(map[string]any) }

func casesOf(run map[string]any) []map[string]any {
	var out []map[string]any
	for _, c := range reportOf(run)["cases"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

// changedPast is the past conversations a rehearsal reports as changed.
func changedPast(run map[string]any) []string {
	var out []string
	for _, c := range casesOf(run) {
		if c["kind"] == "past" && c["changed"] == true {
			out = append(out, c["conversation"].(string))
		}
	}
	slices.Sort(out)
	return out
}

// failedScenarios is the scenarios a rehearsal reports as failed, by name.
func failedScenarios(run map[string]any) []string {
	var out []string
	for _, c := range casesOf(run) {
		if c["kind"] == "scenario" && c["passed"] != true && c["skipped"] == nil {
			out = append(out, c["name"].(string))
		}
	}
	return out
}

func caseNamed(t *testing.T, run map[string]any, key, value string) map[string]any {
	t.Helper()
	for _, c := range casesOf(run) {
		if c[key] == value {
			return c
		}
	}
	t.Fatalf("no case with %s %q in %v", key, value, run)
	return nil
}

// The issue's tests of a rehearsal, on one app: a scenario suite passes on
// the published configuration and fails on a draft rule that breaks one
// case, naming it; past conversations under a draft rule that hands off
// shipping questions are reported changed, exactly those; draft agent
// settings and a draft set of issue types are tried without being saved,
// and the report says what was tried; a simulated scenario without a
// language model is skipped, never passed; and all of it writes nothing to
// the CRM, the outbox, the credit ledger, analytics or reps' queues.
func TestRehearsalOfDraftConfigurations(t *testing.T) {
	t.Parallel()
	b := rehearsalBundle{app: testenv.NewApp(t, testenv.AppOptions{}), t: t}
	app := b.app
	count := func(model any) int64 {
		var n int64
		require.NoError(t, app.DB.Model(model).Count(&n).Error)
		return n
	}

	// Real conversations: two about shipping, two about other things.
	b.chat("conv-ship-1", "How long does standard shipping take?")
	b.chat("conv-ship-2", "What does express shipping cost?")
	b.chat("conv-zebra", "I have a question about zebra stripes")
	b.chat("conv-notebook", "Is the A5 notebook made of recycled paper?")
	require.Eventually(t, func() bool {
		var n int64
		app.DB.Model(&models.Message{}).Where("role = ?", "agent").Count(&n)
		return n >= 4
	}, 30*time.Second, 100*time.Millisecond)

	type snapshot struct {
		returns, outbox, credits, repEvents, tickets, contacts, orders int64
		summary, gaps                                                  string
	}
	from, to := time.Now().Add(-24*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339)
	analytics := func(path string) string {
		r := do(t, "GET", app.URL+path+"?from="+from+"&to="+to, app.Keys.Auditor, nil)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Raw
	}
	take := func() snapshot {
		return snapshot{
			returns: count(&models.Return{}), outbox: count(&models.OutboxMessage{}), credits: count(&models.CreditEntry{}),
			repEvents: count(&models.RepEvent{}), tickets: count(&models.Ticket{}), contacts: count(&models.Contact{}),
			orders: count(&models.Order{}), summary: analytics("/v1/analytics/summary"), gaps: analytics("/v1/analytics/knowledge-gaps"),
		}
	}
	before := take()

	// The suite: what the agent does with the published configuration.
	no := false
	for _, s := range []map[string]any{
		{"name": "Shipping stays with the agent", "turns": []any{
			map[string]any{"message": "How long does shipping take?", "expect": map[string]any{"handed_off": no}}}},
		{"name": "A person when asked", "turns": []any{
			map[string]any{"message": "I want to talk to a human", "expect": map[string]any{"handed_off": true, "team": "support"}}}},
		{"name": "A return is a dry run", "contact_email": "ada@example.com", "turns": []any{
			map[string]any{"message": "I want to return order SP-1002"},
			map[string]any{"message": "yes", "expect": map[string]any{"action": "start_return",
				"action_inputs": map[string]any{"order_number": "SP-1002"}, "contains": []any{"Nothing was changed"}}}}},
	} {
		r := b.post("/v1/scenarios", s)
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	}
	past := map[string]any{"from": time.Now().Add(-time.Hour).Format(time.RFC3339),
		"to": time.Now().Add(time.Hour).Format(time.RFC3339), "count": 10}

	published := b.run(map[string]any{"scenarios": true, "past": past})
	require.Empty(t, failedScenarios(published), published)
	require.Equal(t, 3.0, reportOf(published)["passed"], published)
	require.Empty(t, changedPast(published), "the published configuration changes nothing: %v", published)
	require.Equal(t, "published", published["configuration"].(map[string]any)["handoff"])

	// A draft rule that hands off shipping questions: the scenario it
	// breaks is named, and exactly the shipping conversations changed.
	r := b.post("/v1/rules/handoff/draft/rules", map[string]any{"name": "Shipping goes to a person", "priority": 1, "enabled": true,
		"condition": `containsAny(conversation.text, ["shipping"])`, "mode": "transfer_now", "team": "support", "message": "A person will help."})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	broken := b.run(map[string]any{"handoff_version": "draft", "scenarios": true, "past": past})
	require.Equal(t, []string{"Shipping stays with the agent"}, failedScenarios(broken), broken)
	failing := caseNamed(t, broken, "name", "Shipping stays with the agent")
	require.Contains(t, failing["turns"].([]any)[0].(map[string]any)["failures"], "expected handed_off false, got true")
	require.Equal(t, []string{"conv-ship-1", "conv-ship-2"}, changedPast(broken), broken)
	require.Equal(t, 4.0, reportOf(broken)["past_compared"], broken)
	require.Contains(t, broken["configuration"].(map[string]any)["handoff"], "draft v")

	// Draft agent settings: refused with the field named, nothing started.
	rehearsals := count(&models.Rehearsal{})
	settings := map[string]any{"agent_name": "Robin", "default_team": "accounts", "reusable_responses": []any{
		map[string]any{"name": "Zebras", "triggers": []any{"zebra"}, "response": "Zebras are not something we sell, sorry."}}}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"scenarios": true, "agent_settings": map[string]any{"agent_name": ""}}, "agent_settings.agent_name:"},
		{map[string]any{"scenarios": true, "agent_settings": map[string]any{"agent_name": "Robin", "default_team": "nobody"}}, "agent_settings.default_team:"},
		{map[string]any{"scenarios": true, "agent_settings": map[string]any{"agent_name": "Robin", "enabled_actions": []any{"nope"}}}, "agent_settings.enabled_actions[0]:"},
		{map[string]any{"scenarios": true, "issue_types": map[string]any{"threshold": 2}}, "issue_types.threshold:"},
		{map[string]any{"scenarios": true, "issue_types": map[string]any{"types": []any{map[string]any{"name": "Bad Name", "examples": []any{"x"}}}}}, "issue_types.types[0].name:"},
		{map[string]any{"scenarios": true, "issue_types": map[string]any{"types": []any{map[string]any{"name": "ok", "examples": []any{"  "}}}}}, "issue_types.types[0].examples[0]:"},
		{map[string]any{"scenarios": true, "content": "snapshot"}, "content:"},
	} {
		r := b.post("/v1/rehearsals", c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", c.field, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, c.field), "%s should name %s", msg, c.field)
	}
	require.Equal(t, rehearsals, count(&models.Rehearsal{}), "a refused rehearsal writes nothing")

	r = b.post("/v1/scenarios", map[string]any{"name": "Zebras get the fixed answer", "turns": []any{
		map[string]any{"message": "Do you sell zebra print notebooks?", "expect": map[string]any{"contains": []any{"not something we sell"}}}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	tried := b.run(map[string]any{"scenarios": true, "agent_settings": settings})
	require.ElementsMatch(t, []string{"A person when asked"}, failedScenarios(tried), "the draft's default team and fixed answer apply: %v", tried)
	asked := caseNamed(t, tried, "name", "A person when asked")
	require.Contains(t, asked["turns"].([]any)[0].(map[string]any)["failures"], `expected team "support", got "accounts"`)
	cfg := tried["configuration"].(map[string]any)
	require.Equal(t, "Robin", cfg["agent_settings"].(map[string]any)["agent_name"], "the report says what was tried")
	require.Equal(t, "current", cfg["content"])
	saved := do(t, "GET", app.URL+"/v1/agent/settings", app.Keys.Admin, nil)
	require.NotEqual(t, "Robin", saved.Body["agent_name"], "the draft is not saved")
	require.NotContains(t, saved.Raw, "not something we sell")

	// A draft set of issue types: the past conversation about zebras now
	// has the draft's type.
	types := map[string]any{"types": []any{
		map[string]any{"name": "zebra_questions", "examples": []any{"a question about zebra stripes", "zebra stripes", "do zebras have stripes"}},
		map[string]any{"name": "shipping_questions", "examples": []any{"how long does shipping take", "what does shipping cost", "when will my parcel arrive"}},
	}}
	classified := b.run(map[string]any{"past": past, "issue_types": types})
	zebra := caseNamed(t, classified, "conversation", "conv-zebra")
	require.Equal(t, "zebra_questions", zebra["turns"].([]any)[0].(map[string]any)["now"].(map[string]any)["issue_type"], zebra)
	require.Equal(t, "zebra_questions", classified["configuration"].(map[string]any)["issue_types"].(map[string]any)["types"].([]any)[0].(map[string]any)["name"])
	var issueTypes int64
	app.DB.Model(&models.IssueType{}).Where("name = ?", "zebra_questions").Count(&issueTypes)
	require.Zero(t, issueTypes, "the draft's issue types are not saved")

	// A simulated customer without a language model is skipped, with the
	// reason, and a run with a skipped scenario does not let a draft be
	// published where a rehearsal is required.
	r = b.post("/v1/scenarios", map[string]any{"name": "A simulated shopper", "simulation": map[string]any{
		"persona": "A busy office manager", "goal": "find out how long shipping takes"}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(t, 6.0, r.Body["simulation"].(map[string]any)["max_turns"], r.Raw)
	r = b.post("/v1/scenarios", map[string]any{"name": "both", "turns": []any{map[string]any{"message": "hi"}},
		"simulation": map[string]any{"persona": "p", "goal": "g"}})
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	skipped := b.run(map[string]any{"scenarios": true})
	sim := caseNamed(t, skipped, "name", "A simulated shopper")
	require.Contains(t, sim["skipped"], "language model")
	require.Equal(t, false, sim["passed"])
	require.Equal(t, 1.0, reportOf(skipped)["skipped"], skipped)

	// Nothing above wrote to the CRM, the outbox, the credit ledger,
	// analytics or a rep's queue.
	require.Equal(t, before, take())
	q := do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
	require.Equal(t, http.StatusOK, q.Status, q.Raw)
	require.Empty(t, q.Body["conversations"], "not in a rep's queue")
}

// customerServer is an OpenAI-compatible chat completions server that plays a
// customer from a script and judges criteria, recording what it was sent.
type customerServer struct {
	mu       sync.Mutex
	script   []string // the customer's messages, in order, then DONE
	verdict  string
	requests [][]map[string]any
}

func (s *customerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []map[string]any `json:"messages"`
	}
	if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req.Messages)
	s.mu.Unlock()
	answer := s.verdict
	if system, _ := req.Messages[0]["content"].(string); !strings.HasPrefix(system, "You judge") {
		sent := 0
		for _, m := range req.Messages {
			if m["role"] == "assistant" {
				sent++
			}
		}
		answer = "DONE"
		if sent < len(s.script) {
			answer = s.script[sent]
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": answer}}},
	})
}

// A simulated customer, played by a model (a chat completions server
// scripted here), is judged by the same deterministic expectations, on the
// whole conversation; the model's verdict on the plain-language criterion
// is reported apart and does not decide the pass.
func TestRehearsalOfASimulatedCustomer(t *testing.T) {
	t.Parallel()
	llm := &customerServer{script: []string{"How long does standard shipping take?", "And express shipping?"},
		verdict: "FAIL\nThe agent never greeted the customer."}
	hs := httptest.NewServer(llm)
	t.Cleanup(hs.Close)
	customer := rehearse.NewOpenAICustomer(hs.URL+"/v1", "test-key", "test-model", 10*time.Second)
	b := rehearsalBundle{app: testenv.NewApp(t, testenv.AppOptions{Customer: customer}), t: t}

	for _, s := range []map[string]any{
		{"name": "Shipping asked by a simulated customer", "simulation": map[string]any{
			"persona": "A busy office manager", "goal": "find out how long shipping takes", "max_turns": 4,
			"expect":    map[string]any{"handed_off": false, "cites": "Shipping times and costs", "contains": []any{"business days"}},
			"criterion": "The agent greets the customer."}},
		{"name": "Expects a hand-off that does not come", "simulation": map[string]any{
			"persona": "A busy office manager", "goal": "find out how long shipping takes", "max_turns": 1,
			"expect": map[string]any{"handed_off": true}}},
	} {
		r := b.post("/v1/scenarios", s)
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	}
	run := b.run(map[string]any{"scenarios": true})
	require.Equal(t, 1.0, reportOf(run)["passed"], run)
	require.Equal(t, 1.0, reportOf(run)["failed"], run)
	require.Equal(t, 0.0, reportOf(run)["skipped"], run)

	shipping := caseNamed(t, run, "name", "Shipping asked by a simulated customer")
	require.Equal(t, true, shipping["passed"], shipping)
	require.Equal(t, true, shipping["simulated"])
	turns := shipping["turns"].([]any)
	require.Len(t, turns, 2, "two messages, then the model said DONE")
	require.Equal(t, "How long does standard shipping take?", turns[0].(map[string]any)["message"])
	require.Equal(t, "And express shipping?", turns[1].(map[string]any)["message"])
	criterion := shipping["criterion"].(map[string]any)
	require.Equal(t, false, criterion["met"], "reported apart: the case passed all the same")
	require.Equal(t, "The agent never greeted the customer.", criterion["reason"])

	other := caseNamed(t, run, "name", "Expects a hand-off that does not come")
	require.Equal(t, false, other["passed"])
	require.Equal(t, []any{"expected handed_off true, got false"}, other["failures"])
	require.Len(t, other["turns"], 1, "max_turns bounds the customer's messages")
	require.Nil(t, other["criterion"])

	// The model played the customer: it saw the agent's first reply as the
	// other side of the chat before writing its second message.
	llm.mu.Lock()
	defer llm.mu.Unlock()
	var second []map[string]any
	for _, msgs := range llm.requests {
		assistant := 0
		for _, m := range msgs {
			if m["role"] == "assistant" {
				assistant++
			}
		}
		if assistant == 1 {
			second = msgs
		}
	}
	require.NotNil(t, second)
	require.Equal(t, "user", second[len(second)-1]["role"])
	require.Contains(t, second[len(second)-1]["content"], "business days")
}
