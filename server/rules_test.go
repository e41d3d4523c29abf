package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// refundRule is the name of the demo's refund hand-off rule.
const refundRule = demo.RefundRuleName

func body(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// errorDetail returns the "error" object of an error response.
func errorDetail(t *testing.T, r response) map[string]any {
	t.Helper()
	e, ok := r.Body["error"].(map[string]any)
	require.True(t, ok, "no error object in %s", r.Raw)
	return e
}

// number reads a JSON number field as an int; 0 when absent.
func number(m map[string]any, key string) int {
	f, _ := m[key].(float64)
	return int(f)
}

func names(rules []any) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.(map[string]any)["name"].(string))
	}
	return out
}

func countRows(t *testing.T, app *testenv.App, model any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, app.DB.Model(model).Count(&n).Error)
	return n
}

func TestValidateCondition(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	url := app.URL + "/v1/rules/validate"

	r := do(t, "POST", url, app.Keys.Admin, body(t, map[string]any{
		"kind": "handoff", "condition": `containsAny(conversation.text, ["refund"]) && contact.tier == "enterprise"`,
	}))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, true, r.Body["valid"])
	require.Equal(t, []any{"contact.tier", "conversation.text"}, r.Body["inputs"])

	// An empty routing condition means "always".
	r = do(t, "POST", url, app.Keys.Admin, []byte(`{"kind":"routing","condition":""}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, []any{}, r.Body["inputs"])

	tests := []struct {
		name      string
		condition string
		kind      string
		line, col int // 0: the error has no position
		message   string
	}{
		{"syntax", `conversation.text ==`, "syntax", 1, 20, "unexpected token EOF"},
		{"syntax on line 2", "conversation.test &&\n  (contact.tier == \"pro\"", "syntax", 2, 24, "unexpected token EOF"},
		{"unknown name", `1 + tier > 0`, "unknown_name", 1, 5, `condition: unknown name "tier" at 1:5 (did you mean contact.tier?)`},
		{"unknown name on line 2", "conversation.test ||\n  sentiment == \"negative\"", "unknown_name", 2, 3, `unknown name "sentiment" at 2:3`},
		{"wrong type", `conversation.turn_count == "3"`, "wrong_type", 1, 25, "mismatched types int and string"},
		{"not boolean", `conversation.text`, "not_boolean", 1, 1, "must be true or false"},
		{"too large", strings.TrimSuffix(strings.Repeat("1 + ", 300), " + ") + " > 0", "too_large", 1, -1, "too large"},
		{"too long", strings.Repeat("true && ", 250) + "true", "too_long", 0, 0, "the limit is 2000"},
		{"empty", " \n ", "empty", 0, 0, "condition: condition is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", url, app.Keys.Admin, body(t, map[string]any{"kind": "handoff", "condition": tt.condition}))
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
			e := errorDetail(t, r)
			require.Equal(t, "unprocessable", e["code"])
			require.Equal(t, "condition", e["field"])
			require.Equal(t, tt.kind, e["kind"])
			require.Equal(t, tt.line, number(e, "line"))
			if tt.col >= 0 {
				require.Equal(t, tt.col, number(e, "column"))
			}
			require.Contains(t, e["message"], tt.message)
		})
	}
	e := errorDetail(t, do(t, "POST", url, app.Keys.Admin, body(t, map[string]any{"kind": "handoff", "condition": "1 + tier > 0"})))
	require.Equal(t, "contact.tier", e["suggestion"])

	// A whole rule is checked as it would be saved, teams included.
	rule := map[string]any{"name": "Sales", "priority": 5, "condition": "true", "mode": "transfer_now", "team": "billing"}
	r = do(t, "POST", url, app.Keys.Admin, body(t, map[string]any{"kind": "handoff", "rule": rule}))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	require.Equal(t, "team", errorDetail(t, r)["field"])
	require.Contains(t, errorDetail(t, r)["message"], `no team "billing" in this workspace (teams: accounts, sales, support)`)
	rule["team"] = "support"
	r = do(t, "POST", url, app.Keys.Admin, body(t, map[string]any{"kind": "handoff", "rule": rule}))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	bad := []struct {
		name, body, field string
	}{
		{"unknown kind", `{"kind":"billing","condition":"true"}`, "kind"},
		{"no kind", `{"condition":"true"}`, "kind"},
		{"neither condition nor rule", `{"kind":"handoff"}`, "condition"},
		{"both", `{"kind":"handoff","condition":"true","rule":{"name":"x","priority":1}}`, "condition"},
		{"unknown field", `{"kind":"handoff","conditon":"true"}`, "conditon"},
	}
	for _, tt := range bad {
		r := do(t, "POST", url, app.Keys.Admin, []byte(tt.body))
		require.Equal(t, http.StatusBadRequest, r.Status, tt.name+": "+r.Raw)
		_, message := errorOf(r)
		require.True(t, strings.HasPrefix(message, tt.field+":"), "%s: %s", tt.name, message)
	}

	// Auditors may check conditions; reps may not.
	require.Equal(t, http.StatusOK, do(t, "POST", url, app.Keys.Auditor, []byte(`{"kind":"handoff","condition":"true"}`)).Status)
	require.Equal(t, http.StatusForbidden, do(t, "POST", url, app.Keys.Rep, []byte(`{"kind":"handoff","condition":"true"}`)).Status)

	// The reference of names.
	r = do(t, "GET", app.URL+"/v1/rules/fields", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, r.Raw, `"name":"contact.tier"`)
	require.Contains(t, r.Raw, `"name":"containsAny(text, words)"`)
	require.NotEmpty(t, r.Body["examples"])
	require.Equal(t, map[string]any{"condition_characters": 2000.0, "condition_nodes": 500.0}, r.Body["limits"])
}

func TestDraftPublishAndRollback(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	rules := app.URL + "/v1/rules/handoff"
	admin, auditor := app.Keys.Admin, app.Keys.Auditor

	// The seeded v1, read by an auditor.
	r := do(t, "GET", rules+"/versions", auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	versions := r.Body["versions"].([]any)
	require.Len(t, versions, 1)
	v1 := versions[0].(map[string]any)
	require.Equal(t, 1.0, v1["version"])
	require.Equal(t, "published", v1["state"])
	require.EqualValues(t, demo.PublishedHandoffRules(), v1["rule_count"])
	r = do(t, "GET", rules+"/versions/1", auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	v1Rules := names(r.Body["rules"].([]any))
	require.Contains(t, v1Rules, refundRule)
	r = do(t, "GET", rules+"/draft", auditor, nil)
	require.Equal(t, http.StatusNotFound, r.Status, r.Raw)

	// Auditors may not write anything.
	shipping := map[string]any{
		"name": "Shipping questions go to a person", "priority": 5, "enabled": true,
		"condition": `containsAny(conversation.text, ["shipping"])`, "mode": "transfer_now", "team": "support",
		"message": "A colleague will answer your shipping question.",
	}
	writes := []struct{ method, url string }{
		{"POST", rules + "/draft"}, {"POST", rules + "/draft/rules"}, {"PUT", rules + "/draft/rules/x"},
		{"DELETE", rules + "/draft/rules/x"}, {"POST", rules + "/publish"}, {"POST", rules + "/rollback"},
	}
	for _, w := range writes {
		r := do(t, w.method, w.url, auditor, body(t, shipping))
		require.Equal(t, http.StatusForbidden, r.Status, w.method+" "+w.url+": "+r.Raw)
	}
	require.EqualValues(t, 1, countRows(t, app, &models.RuleSetVersion{}), "no draft was started")

	// The first edit starts draft v2 from v1.
	r = do(t, "POST", rules+"/draft/rules", admin, body(t, shipping))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	shippingID := r.Body["id"].(string)
	require.Equal(t, "Shipping questions go to a person", r.Body["name"])
	r = do(t, "GET", rules+"/draft", auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 2.0, r.Body["version"])
	require.Equal(t, "draft", r.Body["state"])
	draftRules := r.Body["rules"].([]any)
	require.Equal(t, append([]string{"Shipping questions go to a person"}, v1Rules...), names(draftRules))

	// Invalid rules are refused, naming the field, and nothing is saved.
	rulesBefore := countRows(t, app, &models.Rule{})
	with := func(key string, value any) map[string]any {
		out := map[string]any{"name": "New rule", "priority": 50, "condition": "true", "mode": "keep_assisting", "team": "accounts"}
		if value == nil {
			delete(out, key)
		} else {
			out[key] = value
		}
		return out
	}
	invalid := []struct {
		name   string
		rule   map[string]any
		status int
		field  string
	}{
		{"condition", with("condition", "1 + tier > 0"), 422, "condition"},
		{"unknown team", with("team", "billing"), 422, "team"},
		{"bad mode", with("mode", "eventually"), 422, "mode"},
		{"no name", with("name", ""), 422, "name"},
		{"no priority", with("priority", nil), 422, "priority"},
		{"duplicate priority", with("priority", 5), 409, "priority"},
		{"duplicate name", with("name", "shipping questions go to a person"), 409, "name"},
	}
	for _, tt := range invalid {
		r := do(t, "POST", rules+"/draft/rules", admin, body(t, tt.rule))
		require.Equal(t, tt.status, r.Status, tt.name+": "+r.Raw)
		require.Equal(t, tt.field, errorDetail(t, r)["field"], tt.name)
	}
	e := errorDetail(t, do(t, "POST", rules+"/draft/rules", admin, body(t, with("condition", "1 + tier > 0"))))
	require.Equal(t, `condition: unknown name "tier" at 1:5 (did you mean contact.tier?)`, e["message"])
	require.Equal(t, []any{1.0, 5.0, "unknown_name"}, []any{e["line"], e["column"], e["kind"]})
	r = do(t, "POST", rules+"/draft/rules", admin, []byte(`{"name":"x","priority":1,"colour":"red"}`))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	require.Equal(t, rulesBefore, countRows(t, app, &models.Rule{}))
	// A rejected first edit of the routing rules leaves no draft behind.
	r = do(t, "POST", app.URL+"/v1/rules/routing/draft/rules", admin, body(t, map[string]any{"name": "Chat", "priority": 1, "condition": "conversation.channel =="}))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	r = do(t, "GET", app.URL+"/v1/rules/routing/versions", admin, nil)
	require.Equal(t, []any{}, r.Body["versions"])

	// Change and delete rules of the draft.
	shipping["condition"] = `containsAny(conversation.text, ["shipping", "delivery"])`
	r = do(t, "PUT", rules+"/draft/rules/"+shippingID, admin, body(t, shipping))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, shipping["condition"], r.Body["condition"])
	shipping["condition"] = "conversation.text"
	r = do(t, "PUT", rules+"/draft/rules/"+shippingID, admin, body(t, shipping))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	require.Equal(t, "not_boolean", errorDetail(t, r)["kind"])
	r = do(t, "PUT", rules+"/draft/rules/"+uuid.NewString(), admin, body(t, with("priority", 60)))
	require.Equal(t, http.StatusNotFound, r.Status, r.Raw)
	frustratedID := ""
	for _, dr := range draftRules {
		if dr.(map[string]any)["name"] == "Frustrated customers go to a person" {
			frustratedID = dr.(map[string]any)["id"].(string)
		}
	}
	require.NotEmpty(t, frustratedID)
	require.Equal(t, http.StatusNoContent, do(t, "DELETE", rules+"/draft/rules/"+frustratedID, admin, nil).Status)
	require.Equal(t, http.StatusNotFound, do(t, "DELETE", rules+"/draft/rules/"+frustratedID, admin, nil).Status)
	r = do(t, "GET", rules+"/draft", admin, nil)
	require.Len(t, r.Body["rules"], len(draftRules)-1)
	require.Equal(t, `containsAny(conversation.text, ["shipping", "delivery"])`, r.Body["rules"].([]any)[0].(map[string]any)["condition"])

	// v1 is untouched.
	r = do(t, "GET", rules+"/versions/1", admin, nil)
	require.Equal(t, v1Rules, names(r.Body["rules"].([]any)))

	// Publishing makes v2 published and v1 archived.
	r = do(t, "POST", rules+"/publish", admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 2.0, r.Body["version"])
	require.Equal(t, "published", r.Body["state"])
	require.NotNil(t, r.Body["published_at"])
	r = do(t, "GET", rules+"/versions", auditor, nil)
	states := map[float64]string{}
	for _, v := range r.Body["versions"].([]any) {
		states[v.(map[string]any)["version"].(float64)] = v.(map[string]any)["state"].(string)
	}
	require.Equal(t, map[float64]string{1: "archived", 2: "published"}, states)
	r = do(t, "POST", rules+"/publish", admin, nil)
	require.Equal(t, http.StatusConflict, r.Status, "no draft to publish: "+r.Raw)

	// Rolling back to v1 publishes a copy of it as v3.
	r = do(t, "POST", rules+"/rollback", admin, []byte(`{"version":1}`))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(t, 3.0, r.Body["version"])
	require.Equal(t, "published", r.Body["state"])
	require.Equal(t, v1Rules, names(r.Body["rules"].([]any)))
	r = do(t, "GET", rules+"/versions", auditor, nil)
	states = map[float64]string{}
	for _, v := range r.Body["versions"].([]any) {
		states[v.(map[string]any)["version"].(float64)] = v.(map[string]any)["state"].(string)
	}
	require.Equal(t, map[float64]string{1: "archived", 2: "archived", 3: "published"}, states)
	for _, tt := range []struct {
		body   string
		status int
	}{{`{"version":3}`, 409}, {`{"version":9}`, 404}, {`{"version":0}`, 400}, {`{"version":"one"}`, 400}} {
		r := do(t, "POST", rules+"/rollback", admin, []byte(tt.body))
		require.Equal(t, tt.status, r.Status, tt.body+": "+r.Raw)
	}

	// Bad path parameters.
	r = do(t, "GET", app.URL+"/v1/rules/billing/versions", admin, nil)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, message := errorOf(r)
	require.Equal(t, `kind: must be "routing" or "handoff", got "billing"`, message)
	r = do(t, "GET", rules+"/versions/one", admin, nil)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, message = errorOf(r)
	require.True(t, strings.HasPrefix(message, "version:"), message)

	// Another workspace sees none of these versions.
	now := time.Now().UTC()
	otherWS, otherCh := uuid.NewString(), uuid.NewString()
	require.NoError(t, app.DB.Create(&models.Workspace{ID: otherWS, Name: "Other", CreatedAt: now}).Error)
	require.NoError(t, app.DB.Create(&models.Channel{ID: otherCh, WorkspaceID: otherWS, Type: "chat", Name: "x", CreatedAt: now}).Error)
	other, err := demo.CreateKeys(app.DB, otherWS, otherCh, now)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, do(t, "GET", rules+"/versions/1", other.Admin, nil).Status)
	r = do(t, "GET", rules+"/versions", other.Admin, nil)
	require.Equal(t, []any{}, r.Body["versions"])
	require.Equal(t, http.StatusNotFound, do(t, "PUT", rules+"/draft/rules/"+shippingID, other.Admin, body(t, with("priority", 60))).Status)
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	url := app.URL + "/v1/rules/test"
	run := func(key string, req map[string]any) response {
		t.Helper()
		return do(t, "POST", url, key, body(t, req))
	}
	conversation := func(text string) map[string]any {
		return map[string]any{"id": "c1", "channel": "chat", "text": text, "turn_count": 1, "sentiment": "neutral", "language": "en"}
	}
	contact := map[string]any{"tier": "standard", "company_size": 10, "properties": map[string]any{"plan": "annual"}}

	// The published version decides on a refund, and on nothing for "hello".
	r := run(app.Keys.Admin, map[string]any{"kind": "handoff", "conversation": conversation("I want a refund"), "contact": contact, "order": nil})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 1.0, r.Body["version"])
	require.Equal(t, "published", r.Body["state"])
	decided := r.Body["decided_by"].(map[string]any)
	require.Equal(t, refundRule, decided["name"])
	require.Equal(t, "transfer_now", decided["mode"])
	require.Equal(t, "support", decided["team"])
	results := r.Body["results"].([]any)
	v1 := do(t, "GET", app.URL+"/v1/rules/handoff/versions/1", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, v1.Status, v1.Raw)
	require.Len(t, results, len(v1.Body["rules"].([]any)), "every rule has a result")
	// Rules before the decider are reached and do not match; the decider
	// matches, reading the message; the rules after it are not reached.
	decider := -1
	for i, res := range results {
		if res.(map[string]any)["rule_id"] == decided["rule_id"] {
			decider = i
		}
	}
	require.GreaterOrEqual(t, decider, 0, "the decider has a result")
	for i, res := range results {
		res := res.(map[string]any)
		switch {
		case i < decider:
			require.Equal(t, []any{true, false}, []any{res["reached"], res["matched"]}, i)
		case i == decider:
			require.Equal(t, []any{true, true}, []any{res["reached"], res["matched"]})
			require.Contains(t, res["inputs"], "conversation.text")
		default:
			require.Equal(t, false, res["reached"], "rules after the decider are not reached")
		}
	}

	r = run(app.Keys.Auditor, map[string]any{"kind": "handoff", "version": 1, "conversation": conversation("hello"), "contact": contact})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Nil(t, r.Body["decided_by"])
	for _, res := range r.Body["results"].([]any) {
		require.Equal(t, true, res.(map[string]any)["reached"])
		require.Equal(t, false, res.(map[string]any)["matched"])
	}

	// A draft rule reading the order: an error without one, a match with one.
	r = do(t, "POST", app.URL+"/v1/rules/handoff/draft/rules", app.Keys.Admin, body(t, map[string]any{
		"name": "Big orders", "priority": 5, "condition": `order.total > 500`, "mode": "keep_assisting", "team": "accounts",
	}))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = run(app.Keys.Admin, map[string]any{"kind": "handoff", "version": "draft", "conversation": conversation("hello"), "contact": contact, "order": nil})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 2.0, r.Body["version"])
	require.Nil(t, r.Body["decided_by"])
	big := r.Body["results"].([]any)[0].(map[string]any)
	require.Equal(t, "Big orders", big["name"])
	require.Equal(t, false, big["matched"])
	require.Contains(t, big["error"], "cannot get total from order")
	r = run(app.Keys.Admin, map[string]any{"kind": "handoff", "version": "draft", "conversation": conversation("hello"), "contact": contact,
		"order": map[string]any{"status": "shipped", "total": 640.5, "days_since_delivery": nil}})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "Big orders", r.Body["decided_by"].(map[string]any)["name"])

	// The evaluation time is the one given.
	r = run(app.Keys.Admin, map[string]any{"kind": "handoff", "conversation": conversation("hello"), "now": "2025-03-05T10:30:00Z"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "2025-03-05T10:30:00Z", r.Body["now"])

	bad := []struct {
		name   string
		req    map[string]any
		status int
		field  string
	}{
		{"kind", map[string]any{"kind": "billing"}, 400, "kind"},
		{"version", map[string]any{"kind": "handoff", "version": "latest"}, 400, "version"},
		{"now", map[string]any{"kind": "handoff", "now": "yesterday"}, 400, "now"},
		{"field", map[string]any{"kind": "handoff", "conversation": map[string]any{"turnCount": 2}}, 400, "turnCount"},
		{"missing version", map[string]any{"kind": "handoff", "version": 7}, 404, ""},
		{"nothing published", map[string]any{"kind": "routing"}, 404, ""},
	}
	for _, tt := range bad {
		r := run(app.Keys.Admin, tt.req)
		require.Equal(t, tt.status, r.Status, tt.name+": "+r.Raw)
		_, message := errorOf(r)
		require.True(t, strings.HasPrefix(message, tt.field), "%s: %s", tt.name, message)
	}
	require.Equal(t, http.StatusForbidden, run(app.Keys.Rep, map[string]any{"kind": "handoff"}).Status)
}

// A conversation keeps the rules it pinned at its first message; conversations
// started after a publish get the new version.
func TestPublishAppliesToNewConversationsOnly(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	send := func(conv, id, text string) response {
		t.Helper()
		r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, body(t, map[string]any{"id": id, "text": text}))
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r
	}

	r := send("conv-A", "a1", "How long does shipping take?")
	require.Equal(t, "ai_active", r.Body["status"])

	r = do(t, "POST", app.URL+"/v1/rules/handoff/draft/rules", app.Keys.Admin, body(t, map[string]any{
		"name": "Shipping questions go to a person", "priority": 5,
		"condition": `containsAny(conversation.text, ["shipping"])`, "mode": "transfer_now", "team": "support",
		"message": "A colleague will answer your shipping question.",
	}))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = do(t, "POST", app.URL+"/v1/rules/handoff/publish", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, 2.0, r.Body["version"])

	// A pinned v1 at its first message: the new rule does not apply.
	r = send("conv-A", "a2", "What about shipping to Canada?")
	require.NotEqual(t, "handed_off", r.Body["status"], r.Raw)
	require.Nil(t, r.Body["handed_off"])

	// B starts after the publish: v2 hands it off.
	r = send("conv-B", "b1", "What about shipping to Canada?")
	require.Equal(t, "handed_off", r.Body["status"], r.Raw)
	// The rule's message, then (outside the support team's hours, which
	// depend on when the test runs) when to expect a person.
	require.True(t, strings.HasPrefix(r.Body["reply"].(map[string]any)["text"].(string), "A colleague will answer your shipping question."), r.Raw)

	pinned := map[string]int{}
	var convs []models.Conversation
	require.NoError(t, app.DB.Where("workspace_id = ?", app.Demo.WorkspaceID).Find(&convs).Error)
	for _, c := range convs {
		pinned[c.ExternalID] = c.RuleSetVersion
	}
	require.Equal(t, map[string]int{"conv-A": 1, "conv-B": 2}, pinned)
}
