package server_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

func TestAdminChangesTheAgentAndTheNextTurnFollows(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	settingsURL := app.URL + "/v1/agent/settings"
	conv := app.URL + "/v1/conversations/agent-1/messages"
	ask := func(id, text string) response {
		t.Helper()
		body, err := json.Marshal(map[string]any{"id": id, "text": text, "contact": map[string]string{"email": "ada@example.com"}})
		require.NoError(t, err)
		r := do(t, "POST", conv, app.Keys.Widget, body)
		require.Equal(t, 200, r.Status, r.Raw)
		return r
	}
	replyText := func(r response) string { return r.Body["reply"].(map[string]any)["text"].(string) }

	before := do(t, "GET", settingsURL, app.Keys.Auditor, nil)
	require.Equal(t, 200, before.Status, before.Raw)
	require.Equal(t, "Sprocket", before.Body["agent_name"])
	require.Equal(t, 0.5, before.Body["effective_confidence_threshold"])

	// A first turn, so the worker holds the workspace's configuration.
	const question = "Do you offer gift wrapping for presents?"
	first := ask("m1", question)
	require.NotContains(t, replyText(first), "ribbon")

	// Bad settings: a 400 naming the field, and nothing changes.
	settings := before.Body
	delete(settings, "updated_at")
	for k := range settings {
		if len(k) > 10 && k[:10] == "effective_" {
			delete(settings, k)
		}
	}
	for _, tc := range []struct {
		field string
		value any
		want  string
	}{
		{"confidence_threshold", 2, "confidence_threshold: must be between 0 and 1"},
		{"default_team", "nobody", `default_team: no team "nobody" in this workspace`},
		{"agent_name", " ", "agent_name: must be 1–100 characters"},
		{"reusable_responses", []map[string]any{{"name": "Gifts", "triggers": []string{""}, "response": "x"}},
			"reusable_responses[0].triggers[0]: must be 1–200 characters"},
		{"inactivity_seconds", 5, "inactivity_seconds: must be between 60"},
	} {
		bad := map[string]any{}
		for k, v := range settings {
			bad[k] = v
		}
		bad[tc.field] = tc.value
		body, err := json.Marshal(bad)
		require.NoError(t, err)
		r := do(t, "PUT", settingsURL, app.Keys.Admin, body)
		require.Equal(t, 400, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.Contains(t, msg, tc.want)
	}
	require.Equal(t, before.Raw, do(t, "GET", settingsURL, app.Keys.Auditor, nil).Raw)
	require.Equal(t, 403, do(t, "PUT", settingsURL, app.Keys.Auditor, []byte(`{}`)).Status)

	// A new reusable response: the conversation's next turn uses it.
	settings["reusable_responses"] = append(settings["reusable_responses"].([]any), map[string]any{
		"name": "Gift wrapping", "triggers": []string{"gift wrap"},
		"response": "We gift-wrap any order for $4, with a ribbon and a card.",
	})
	settings["confidence_threshold"] = 0.6
	body, err := json.Marshal(settings)
	require.NoError(t, err)
	r := do(t, "PUT", settingsURL, app.Keys.Admin, body)
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, 0.6, r.Body["effective_confidence_threshold"])
	require.Equal(t, "We gift-wrap any order for $4, with a ribbon and a card.", replyText(ask("m2", question)))

	// Actions: listed with their settings; an unknown one is a 404.
	actions := do(t, "GET", app.URL+"/v1/agent/actions", app.Keys.Admin, nil)
	require.Equal(t, 200, actions.Status, actions.Raw)
	require.Len(t, actions.Body["actions"], 4)
	require.Equal(t, 404, do(t, "PUT", app.URL+"/v1/agent/actions/refund_everything", app.Keys.Admin,
		[]byte(`{"enabled":true,"protection":"none"}`)).Status)
	r = do(t, "PUT", app.URL+"/v1/agent/actions/order_status", app.Keys.Admin, []byte(`{"enabled":true,"protection":"trust_me"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.Contains(t, msg, "protection:")
	r = do(t, "PUT", app.URL+"/v1/agent/actions/order_status", app.Keys.Admin, []byte(`{"enabled":false,"protection":"verified"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, false, r.Body["enabled"])

	// Teams: created with a webhook (its secret shown once), replaced,
	// deleted unless something hands conversations to it.
	teams := app.URL + "/v1/teams/"
	r = do(t, "PUT", teams+"billing", app.Keys.Admin, []byte(`{"name":"Billing","working_hours":"mon-fri 25:00-26:00"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.Contains(t, msg, "working_hours:")
	r = do(t, "PUT", teams+"Billing!", app.Keys.Admin, []byte(`{"name":"Billing"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	r = do(t, "PUT", teams+"billing", app.Keys.Admin,
		[]byte(`{"name":"Billing","working_hours":"mon-fri 09:00-17:00 Europe/Berlin","webhook_url":"https://hooks.example.com/billing"}`))
	require.Equal(t, 201, r.Status, r.Raw)
	require.Regexp(t, `^whsec_[0-9a-f]{64}$`, r.Body["webhook_secret"])
	secret := r.Body["webhook_secret"]
	r = do(t, "PUT", teams+"billing", app.Keys.Admin,
		[]byte(`{"name":"Billing and invoices","accept_seconds":600,"webhook_url":"https://hooks.example.com/billing"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.NotContains(t, r.Body, "webhook_secret")
	// Removing the URL and setting it again rotates the secret.
	require.Equal(t, 200, do(t, "PUT", teams+"billing", app.Keys.Admin, []byte(`{"name":"Billing"}`)).Status)
	r = do(t, "PUT", teams+"billing", app.Keys.Admin,
		[]byte(`{"name":"Billing and invoices","accept_seconds":600,"webhook_url":"https://hooks.example.com/billing"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Regexp(t, `^whsec_[0-9a-f]{64}$`, r.Body["webhook_secret"])
	require.NotEqual(t, secret, r.Body["webhook_secret"])
	list := do(t, "GET", app.URL+"/v1/teams", app.Keys.Auditor, nil)
	require.Contains(t, list.Raw, `"name":"Billing and invoices"`)

	r = do(t, "DELETE", teams+"support", app.Keys.Admin, nil)
	require.Equal(t, 409, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.Contains(t, msg, "default team")
	for team, why := range map[string]string{"accounts": "published rule", "sales": "qualified leads"} {
		r = do(t, "DELETE", teams+team, app.Keys.Admin, nil)
		require.Equal(t, 409, r.Status, r.Raw)
		_, msg = errorOf(r)
		require.Contains(t, msg, why)
	}
	require.Equal(t, 204, do(t, "DELETE", teams+"billing", app.Keys.Admin, nil).Status)
	require.Equal(t, 404, do(t, "DELETE", teams+"billing", app.Keys.Admin, nil).Status)
}
