package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestRehearsalOfADraftRuleSet saves scenarios, holds a real conversation,
// then rehearses a draft hand-off rule against both: under the draft the
// scenario that expects the new rule passes (it failed under the published
// rules), and the past conversation that the agent kept now goes to a
// person, which the report counts as a change.
func TestRehearsalOfADraftRuleSet(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	admin := app.Keys.Admin
	post := func(path string, v any) response {
		b, _ := json.Marshal(v)
		return do(t, "POST", app.URL+path, admin, b)
	}

	// Scenarios: refusals name the field; a name is unique.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "", "turns": []any{map[string]any{"message": "hi"}}}, "name:"},
		{map[string]any{"name": "x", "turns": []any{}}, "turns:"},
		{map[string]any{"name": "x", "turns": []any{map[string]any{"message": ""}}}, "turns[0].message:"},
		{map[string]any{"name": "x", "contact_email": "nobody", "turns": []any{map[string]any{"message": "hi"}}}, "contact_email:"},
	} {
		r := post("/v1/scenarios", c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, c.field), "%s should name %s", msg, c.field)
	}
	yes, no := true, false
	zebra := map[string]any{"name": "Zebra questions go to a person", "turns": []any{
		map[string]any{"message": "I have a question about zebra stripes", "expect": map[string]any{
			"handed_off": yes, "rule": "Zebras go to a person", "team": "support"}},
	}}
	r := post("/v1/scenarios", zebra)
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(t, http.StatusConflict, post("/v1/scenarios", zebra).Status)
	r = post("/v1/scenarios", map[string]any{"name": "Shipping stays with the agent", "turns": []any{
		map[string]any{"message": "How long does shipping take?", "expect": map[string]any{"handed_off": no}},
	}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	export := do(t, "GET", app.URL+"/v1/scenarios/export", app.Keys.Auditor, nil)
	require.Len(t, export.Body["scenarios"], 2)

	// A real conversation about zebras, kept by the agent.
	r = do(t, "POST", app.URL+"/v1/conversations/conv-zebra/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"I have a question about zebra stripes"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Nil(t, r.Body["handed_off"])

	run := func(req map[string]any) map[string]any {
		t.Helper()
		r := post("/v1/rehearsals", req)
		require.Equal(t, http.StatusAccepted, r.Status, r.Raw)
		id := r.Body["id"].(string)
		var got response
		require.Eventually(t, func() bool {
			got = do(t, "GET", app.URL+"/v1/rehearsals/"+id, app.Keys.Auditor, nil)
			return got.Body["status"] != "running"
		}, 90*time.Second, 250*time.Millisecond)
		require.Equal(t, "done", got.Body["status"], got.Raw)
		return got.Body
	}
	past := map[string]any{"from": time.Now().Add(-time.Hour).Format(time.RFC3339), "to": time.Now().Add(time.Hour).Format(time.RFC3339), "count": 5}

	// Under the published rules, the zebra scenario fails.
	published := run(map[string]any{"scenarios": true})
	report := published["report"].(map[string]any)
	require.Equal(t, 1.0, report["passed"], published)
	require.Equal(t, 1.0, report["failed"], published)

	// The draft adds the rule.
	r = post("/v1/rules/handoff/draft/rules", map[string]any{"name": "Zebras go to a person", "priority": 1, "enabled": true,
		"condition": `containsAny(conversation.text, ["zebra"])`, "mode": "transfer_now", "team": "support", "message": "A person will help."})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = post("/v1/rehearsals", map[string]any{"handoff_version": "nine"})
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	r = post("/v1/rehearsals", map[string]any{"handoff_version": "draft"})
	require.Equal(t, http.StatusBadRequest, r.Status, "nothing to run: "+r.Raw)

	draft := run(map[string]any{"handoff_version": "draft", "scenarios": true, "past": past})
	report = draft["report"].(map[string]any)
	require.Equal(t, 2.0, report["passed"], draft)
	require.Equal(t, 0.0, report["failed"], draft)
	require.GreaterOrEqual(t, report["past_compared"], 1.0, draft)
	require.GreaterOrEqual(t, report["changed"], 1.0, draft)
	require.Greater(t, report["handoff_rate_now"], report["handoff_rate_then"], draft)
	var zebraCase map[string]any
	for _, c := range report["cases"].([]any) {
		if c.(map[string]any)["conversation"] == "conv-zebra" {
			zebraCase = c.(map[string]any)
		}
	}
	require.NotNil(t, zebraCase, "the past conversation is in the sample")
	turn := zebraCase["turns"].([]any)[0].(map[string]any)
	require.Equal(t, "handed_off", turn["now"].(map[string]any)["outcome"])
	require.NotEqual(t, "handed_off", turn["then"].(map[string]any)["outcome"])
	require.NotEmpty(t, turn["differs"])

	// Rehearsals list newest first; nothing was published, and the real
	// conversation is as it was.
	list := do(t, "GET", app.URL+"/v1/rehearsals", app.Keys.Auditor, nil)
	require.Equal(t, draft["id"], list.Body["rehearsals"].([]any)[0].(map[string]any)["id"])
	versions := do(t, "GET", app.URL+"/v1/rules/handoff/versions", app.Keys.Auditor, nil)
	for _, v := range versions.Body["versions"].([]any) {
		if v.(map[string]any)["state"] == "published" {
			require.Equal(t, 1.0, v.(map[string]any)["version"])
		}
	}

	// A workspace can require a passing rehearsal of the draft as it is
	// before publishing it.
	ws := do(t, "GET", app.URL+"/v1/workspace", admin, nil)
	b, _ := json.Marshal(map[string]any{"name": ws.Body["name"], "time_zone": ws.Body["time_zone"],
		"default_language": ws.Body["default_language"], "require_rehearsal": true})
	r = do(t, "PUT", app.URL+"/v1/workspace", admin, b)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, true, r.Body["require_rehearsal"])
	r = post("/v1/rules/handoff/publish", nil)
	require.Equal(t, http.StatusOK, r.Status, "the draft rehearsed passed: "+r.Raw)
	r = post("/v1/rules/handoff/draft/rules", map[string]any{"name": "Giraffes go to a person", "priority": 2, "enabled": true,
		"condition": `containsAny(conversation.text, ["giraffe"])`, "mode": "transfer_now", "team": "support", "message": "A person will help."})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = post("/v1/rules/handoff/publish", nil)
	require.Equal(t, http.StatusConflict, r.Status, "a draft not rehearsed: "+r.Raw)
	_, msg := errorOf(r)
	require.Contains(t, msg, "rehearsal")

	// A rehearsal of some scenarios runs those only, and does not stand for
	// a rehearsal of them all.
	var shippingID string
	for _, s := range export.Body["scenarios"].([]any) {
		if s.(map[string]any)["name"] == "Shipping stays with the agent" {
			shippingID = s.(map[string]any)["id"].(string)
		}
	}
	r = post("/v1/rehearsals", map[string]any{"handoff_version": "draft", "scenario_ids": []string{shippingID, "no-such-scenario"}})
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.True(t, strings.HasPrefix(msg, "scenario_ids[1]:"), msg)
	some := run(map[string]any{"handoff_version": "draft", "scenario_ids": []string{shippingID}})
	report = some["report"].(map[string]any)
	require.Len(t, report["cases"], 1, some)
	require.Equal(t, "Shipping stays with the agent", report["cases"].([]any)[0].(map[string]any)["name"])
	require.Equal(t, 1.0, report["passed"], some)
	require.Equal(t, []any{shippingID}, some["plan"].(map[string]any)["scenario_ids"])
	r = post("/v1/rules/handoff/publish", nil)
	require.Equal(t, http.StatusConflict, r.Status, "only some scenarios were rehearsed: "+r.Raw)
	all := run(map[string]any{"handoff_version": "draft", "scenarios": true})
	require.Equal(t, 2.0, all["report"].(map[string]any)["passed"], all)
	r = post("/v1/rules/handoff/publish", nil)
	require.Equal(t, http.StatusOK, r.Status, "every scenario passed: "+r.Raw)
}

// TestScenarioFromACustomersConversation: a customer's conversation, signed
// in on the site and handed off by a rule, saved as a scenario holds its
// messages up to the hand-off, each expected to do what it did, and the
// email the customer proved; rehearsed, it passes.
func TestScenarioFromACustomersConversation(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	token := signedInToken(t, app)
	said := []string{"How long does shipping take?", "I want a refund for my last order", "Hello? Is anyone there?"}
	for i, text := range said {
		r := do(t, "POST", app.URL+"/v1/conversations/conv-refund/messages", app.Keys.Widget, jsonBody(t, map[string]any{
			"id": fmt.Sprintf("m%d", i+1), "text": text, "identity_token": token}))
		require.Less(t, r.Status, 300, r.Raw)
	}
	// The transcript is written after the replies.
	require.Eventually(t, func() bool {
		got := do(t, "GET", app.URL+"/v1/conversations/conv-refund", app.Keys.Admin, nil)
		n := 0
		for _, m := range got.Body["messages"].([]any) {
			if m.(map[string]any)["role"] == "customer" {
				n++
			}
		}
		return n == len(said) && got.Body["handoff_reason"] != nil
	}, 10*time.Second, 100*time.Millisecond)

	from := func(body map[string]any) response {
		return do(t, "POST", app.URL+"/v1/scenarios/from-conversation", app.Keys.Admin, jsonBody(t, body))
	}
	r := from(map[string]any{"conversation_id": "conv-refund", "name": "Refunds go to a person"})
	require.Equal(t, http.StatusBadRequest, r.Status, "without test: false, a sandbox conversation: "+r.Raw)
	_, msg := errorOf(r)
	require.True(t, strings.HasPrefix(msg, "conversation_id:"), msg)
	r = from(map[string]any{"conversation_id": "conv-refund", "name": "Refunds go to a person", "test": false})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(t, "ada@example.com", r.Body["contact_email"], "the email the customer proved")
	require.Contains(t, r.Body["description"], "conv-refund")
	turns := r.Body["turns"].([]any)
	require.Len(t, turns, 2, "the messages up to the hand-off: a person answered the rest")
	first, second := turns[0].(map[string]any), turns[1].(map[string]any)
	require.Equal(t, said[0], first["message"])
	require.Equal(t, false, first["expect"].(map[string]any)["handed_off"])
	require.Equal(t, said[1], second["message"])
	require.Equal(t, true, second["expect"].(map[string]any)["handed_off"])
	require.Equal(t, demo.RefundRuleName, second["expect"].(map[string]any)["rule"])

	run := do(t, "POST", app.URL+"/v1/rehearsals", app.Keys.Admin, jsonBody(t, map[string]any{"scenario_ids": []any{r.Body["id"]}}))
	require.Equal(t, http.StatusAccepted, run.Status, run.Raw)
	var got response
	require.Eventually(t, func() bool {
		got = do(t, "GET", app.URL+"/v1/rehearsals/"+run.Body["id"].(string), app.Keys.Admin, nil)
		return got.Body["status"] != "running"
	}, 60*time.Second, 250*time.Millisecond)
	require.Equal(t, 1.0, got.Body["report"].(map[string]any)["passed"], got.Raw)
}
