package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func jsonBody(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestChannelCRUD(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	list := do(t, "GET", app.URL+"/v1/channels", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	require.Len(t, list.Body["channels"], 3, "the demo's chat, email and whatsapp channels")

	created := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, map[string]any{
		"type": "email", "name": "Billing inbox", "team": "accounts",
		"agent_hours": map[string]any{"mode": "outside", "team": "support"},
		"inactivity":  map[string]any{"after": "4h", "action": "handoff"},
		"agent_share": 40, "reply_suggestions": false,
	}))
	require.Equal(t, http.StatusCreated, created.Status, created.Raw)
	id := created.Body["id"].(string)
	require.Equal(t, "/v1/webhooks/"+id, created.Body["webhook"].(map[string]any)["url"])
	secret := created.Body["webhook"].(map[string]any)["secret"].(string)
	require.Regexp(t, `^whsec_[0-9a-f]{64}$`, secret, "the secret is shown once, on creation")
	require.Nil(t, created.Body["widget_key"], "only a chat channel gets a widget key")

	got := do(t, "GET", app.URL+"/v1/channels/"+id, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	require.NotContains(t, got.Raw, secret, "the secret is never shown again")
	require.Equal(t, map[string]any{"mode": "outside", "team": "support"}, got.Body["agent_hours"])
	require.Equal(t, map[string]any{"after": "4h0m0s", "action": "handoff"}, got.Body["inactivity"])
	require.EqualValues(t, 40, got.Body["agent_share"])
	require.Equal(t, false, got.Body["reply_suggestions"])
	require.Equal(t, "accounts", got.Body["team"])

	// PUT replaces the settings; omitted ones take their defaults.
	put := do(t, "PUT", app.URL+"/v1/channels/"+id, app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Billing", "agent_share": 0,
	}))
	require.Equal(t, http.StatusOK, put.Status, put.Raw)
	got = do(t, "GET", app.URL+"/v1/channels/"+id, app.Keys.Admin, nil)
	require.Equal(t, "Billing", got.Body["name"])
	require.Equal(t, "email", got.Body["type"])
	require.EqualValues(t, 0, got.Body["agent_share"], "a share of 0 % is kept, not taken for missing")
	require.Equal(t, map[string]any{"mode": "always"}, got.Body["agent_hours"])
	require.Equal(t, true, got.Body["reply_suggestions"])

	// Rotating shows a new secret once; the old one is gone.
	rotated := do(t, "POST", app.URL+"/v1/channels/"+id+"/rotate-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, rotated.Status, rotated.Raw)
	newSecret := rotated.Body["webhook"].(map[string]any)["secret"].(string)
	require.NotEqual(t, secret, newSecret)
	var st models.ChannelSettings
	require.NoError(t, app.DB.Where("channel_id = ?", id).Take(&st).Error)
	require.Equal(t, newSecret, st.WebhookSecret)
	r := do(t, "POST", app.URL+"/v1/channels/"+app.Demo.ChannelID+"/rotate-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusConflict, r.Status, "a chat channel has no secret: %s", r.Raw)

	// A chat channel comes with a widget key that works at once.
	chat := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, map[string]any{"type": "chat", "name": "Shop chat"}))
	require.Equal(t, http.StatusCreated, chat.Status, chat.Raw)
	require.Nil(t, chat.Body["webhook"])
	widget := chat.Body["widget_key"].(string)
	require.Equal(t, 200, do(t, "POST", app.URL+"/v1/conversations/shop-1/messages", widget,
		[]byte(`{"id":"m1","text":"How long does shipping take?"}`)).Status)

	// Roles: auditors read, only admins write.
	require.Equal(t, 403, do(t, "POST", app.URL+"/v1/channels", app.Keys.Auditor, jsonBody(t, map[string]any{"type": "chat", "name": "x"})).Status)
	require.Equal(t, 403, do(t, "PUT", app.URL+"/v1/channels/"+id, app.Keys.Rep, jsonBody(t, map[string]any{"name": "x"})).Status)
	require.Equal(t, 403, do(t, "GET", app.URL+"/v1/channels", app.Keys.Widget, nil).Status)

	// Deleting removes the channel and its settings and revokes its widget key.
	chatID := chat.Body["id"].(string)
	for _, del := range []string{id, chatID} {
		r := do(t, "DELETE", app.URL+"/v1/channels/"+del, app.Keys.Admin, nil)
		require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
		require.Equal(t, 404, do(t, "GET", app.URL+"/v1/channels/"+del, app.Keys.Admin, nil).Status)
	}
	require.Equal(t, 401, do(t, "POST", app.URL+"/v1/conversations/shop-1/messages", widget,
		[]byte(`{"id":"m2","text":"Hello?"}`)).Status)
	var n int64
	require.NoError(t, app.DB.Model(&models.ChannelSettings{}).Where("channel_id IN ?", []string{id, chatID}).Count(&n).Error)
	require.Zero(t, n)
	require.Equal(t, 404, do(t, "DELETE", app.URL+"/v1/channels/"+id, app.Keys.Admin, nil).Status)
}

func TestChannelValidationNamesTheFieldAndSavesNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	cases := []struct {
		name    string
		body    map[string]any
		message string
	}{
		{"no type", map[string]any{"name": "x"}, "type: must be"},
		{"unknown type", map[string]any{"type": "fax", "name": "x"}, `type: "fax" is not a channel type`},
		{"no name", map[string]any{"type": "chat", "name": "  "}, "name: must not be empty"},
		{"unknown team", map[string]any{"type": "chat", "name": "x", "team": "nobody"}, `team: no team "nobody"`},
		{"unknown mandatory field", map[string]any{"type": "chat", "name": "x", "mandatory_fields": []string{"email", "age"}}, `mandatory_fields[1]: "age" is not a field`},
		{"duplicate mandatory field", map[string]any{"type": "chat", "name": "x", "mandatory_fields": []string{"email", "email"}}, `mandatory_fields[1]: "email" is listed twice`},
		{"mandatory fields on email", map[string]any{"type": "email", "name": "x", "mandatory_fields": []string{"name"}}, "mandatory_fields: only a chat channel"},
		{"unknown hours mode", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "sometimes"}}, `agent_hours.mode: "sometimes" is not a mode`},
		{"hours without schedule", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "outside"}}, "agent_hours: mode \"outside\" needs a schedule"},
		{"bad schedule", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "inside", "schedule": "mon-fri 9-5"}}, "agent_hours.schedule:"},
		{"schedule and team", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "inside", "schedule": "mon-fri 09:00-17:00", "team": "support"}}, "agent_hours.team: give a schedule or a team, not both"},
		{"schedule with always", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "always", "schedule": "mon-fri 09:00-17:00"}}, `agent_hours.schedule: only with mode "inside" or "outside"`},
		{"hours of an unknown team", map[string]any{"type": "chat", "name": "x", "agent_hours": map[string]any{"mode": "inside", "team": "nobody"}}, `agent_hours.team: no team "nobody"`},
		{"bad inactivity", map[string]any{"type": "chat", "name": "x", "inactivity": map[string]any{"after": "soon"}}, `inactivity.after: "soon" is not a duration`},
		{"inactivity too short", map[string]any{"type": "chat", "name": "x", "inactivity": map[string]any{"after": "10s"}}, "inactivity.after: must be between 1m0s and 720h0m0s"},
		{"unknown inactivity action", map[string]any{"type": "chat", "name": "x", "inactivity": map[string]any{"action": "archive"}}, `inactivity.action: "archive" is not an action`},
		{"share above 100", map[string]any{"type": "chat", "name": "x", "agent_share": 120}, "agent_share: must be between 0 and 100, got 120"},
		{"share below 0", map[string]any{"type": "chat", "name": "x", "agent_share": -1}, "agent_share: must be between 0 and 100, got -1"},
		{"wrong type", map[string]any{"type": "chat", "name": "x", "agent_share": "all"}, "agent_share: expected int"},
		{"unknown field", map[string]any{"type": "chat", "name": "x", "hours": "always"}, "hours: unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, tc.body))
			require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
			code, message := errorOf(r)
			require.Equal(t, "invalid", code)
			require.Contains(t, message, tc.message)
		})
	}
	var channels, settings, keys int64
	require.NoError(t, app.DB.Model(&models.Channel{}).Count(&channels).Error)
	require.NoError(t, app.DB.Model(&models.ChannelSettings{}).Count(&settings).Error)
	require.NoError(t, app.DB.Model(&models.APIKey{}).Count(&keys).Error)
	require.Equal(t, []int64{3, 3, 4}, []int64{channels, settings, keys}, "a rejected request saves nothing")

	// An update is checked the same way, and may not change the type.
	r := do(t, "PUT", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, jsonBody(t, map[string]any{"type": "email", "name": "x"}))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	_, message := errorOf(r)
	require.Contains(t, message, `type: cannot change from "chat" to "email"`)
	r = do(t, "PUT", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, jsonBody(t, map[string]any{"name": "x", "agent_share": 101}))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	got := do(t, "GET", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, nil)
	require.Equal(t, "Website chat", got.Body["name"], "a rejected update changes nothing")
	require.Equal(t, 404, do(t, "GET", app.URL+"/v1/channels/nope", app.Keys.Admin, nil).Status)
}

func TestMandatoryFieldsBeforeTheChatStarts(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "PUT", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Website chat", "mandatory_fields": []string{"email", "name"},
	}))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	// The widget learns what to ask.
	w := do(t, "GET", app.URL+"/v1/widget/channel", app.Keys.Widget, nil)
	require.Equal(t, http.StatusOK, w.Status, w.Raw)
	require.Equal(t, []any{"email", "name"}, w.Body["mandatory_fields"])

	url := app.URL + "/v1/conversations/mandatory-1/messages"
	for _, tc := range []struct{ body, field string }{
		{`{"id":"m1","text":"How long does shipping take?"}`, "contact.email"},
		{`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`, "contact.name"},
		{`{"id":"m1","text":"How long does shipping take?","contact":{"name":"Ada"}}`, "contact.email"},
	} {
		r := do(t, "POST", url, app.Keys.Widget, []byte(tc.body))
		require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		_, message := errorOf(r)
		require.Contains(t, message, tc.field+": this channel asks for it before a chat starts")
	}
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Count(&n).Error)
	require.Zero(t, n, "a rejected first message starts nothing")

	r = do(t, "POST", url, app.Keys.Widget, []byte(`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com","name":"Ada Lovelace"}}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	// Later messages need not repeat them.
	r = do(t, "POST", url, app.Keys.Widget, []byte(`{"id":"m2","text":"And is express shipping faster?"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	staff := do(t, "GET", app.URL+"/v1/conversations/mandatory-1", app.Keys.Rep, nil)
	require.Equal(t, map[string]any{"email": "ada@example.com", "name": "Ada Lovelace"}, staff.Body["contact"])
	require.Nil(t, do(t, "GET", app.URL+"/v1/conversations/mandatory-1", app.Keys.Widget, nil).Body["contact"])
}

func TestReplySuggestionsOffRefusesTheSuggestion(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	conv := app.URL + "/v1/conversations/nosuggest-1"
	r := do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"I want a refund","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Eventually(t, func() bool {
		return do(t, "GET", conv+"/suggestion", app.Keys.Rep, nil).Status == http.StatusOK
	}, 10*time.Second, 100*time.Millisecond, "suggestions are on by default")
	require.Equal(t, true, do(t, "GET", conv, app.Keys.Rep, nil).Body["reply_suggestions"])

	r = do(t, "PUT", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Website chat", "reply_suggestions": false,
	}))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	s := do(t, "GET", conv+"/suggestion", app.Keys.Rep, nil)
	require.Equal(t, http.StatusConflict, s.Status, s.Raw)
	_, message := errorOf(s)
	require.Contains(t, message, "reply_suggestions: turned off")
	require.Equal(t, false, do(t, "GET", conv, app.Keys.Rep, nil).Body["reply_suggestions"], "the rep inbox hides the button")
}
