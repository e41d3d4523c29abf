package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestLeadSettingsAreValidated(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	url := app.URL + "/v1/leads/settings"
	got := do(t, "GET", url, app.Keys.Admin, nil)
	require.Equal(t, 200, got.Status, got.Raw)
	require.Equal(t, true, got.Body["enabled"])
	require.Len(t, got.Body["questions"], 3)

	cases := []struct {
		name, body string
		status     int
		message    string
	}{
		{"expression not a number", `{"enabled":true,"team":"sales","threshold":1,"score_expression":"contact.tier == \"x\"","questions":[{"property":"a","question":"A?","kind":"number"}]}`, 422, "score must be a number"},
		{"expression error position", `{"enabled":true,"team":"sales","threshold":1,"score_expression":"1 +\n  tier","questions":[{"property":"a","question":"A?","kind":"number"}]}`, 422, "at 2:3"},
		{"bad property", `{"enabled":true,"team":"sales","threshold":1,"score_expression":"1","questions":[{"property":"Bad Name","question":"A?","kind":"number"}]}`, 400, "questions[0].property"},
		{"choice without choices", `{"enabled":true,"team":"sales","threshold":1,"score_expression":"1","questions":[{"property":"a","question":"A?","kind":"choice"}]}`, 400, "questions[0].choices"},
		{"unknown team", `{"enabled":true,"team":"nobody","threshold":1,"score_expression":"1","questions":[{"property":"a","question":"A?","kind":"number"}]}`, 400, "team"},
	}
	for _, tc := range cases {
		r := do(t, "PUT", url, app.Keys.Admin, []byte(tc.body))
		require.Equal(t, tc.status, r.Status, tc.name+": "+r.Raw)
		_, message := errorOf(r)
		require.Contains(t, message, tc.message, tc.name)
	}
	// Nothing was changed by the rejected requests.
	require.Equal(t, got.Body, do(t, "GET", url, app.Keys.Admin, nil).Body)
	require.Equal(t, 403, do(t, "GET", url, app.Keys.Auditor, nil).Status)
}

func TestQualifiedLeadReachesSalesWithItsScore(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	events := subscribe(t, app.URL+"/v1/rep/events?team=sales", app.Keys.Rep)
	say := func(conv, id, text string) map[string]any {
		body := `{"id":"` + id + `","text":"` + text + `","contact":{"email":"buyer@acme.example"}}`
		r := do(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, []byte(body))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	first := say("lead-1", "m1", "Hi, do you offer volume discounts for our office?")
	require.Contains(t, first["reply"].(map[string]any)["text"], "How many people work at your organisation?")
	say("lead-1", "m2", "about 120 people")
	say("lead-1", "m3", "Around $3,000 a month")
	last := say("lead-1", "m4", "This month if possible")
	require.Equal(t, true, last["handed_off"])
	require.Equal(t, "handed_off", last["status"])

	ev := waitFor(t, events, "handoff", 5*time.Second)
	require.Equal(t, "sales", ev.Data["team"])
	// 120 people → 40, $3,000 → 40, this month → 20.
	require.EqualValues(t, 100, ev.Data["lead_score"])
	var contact models.Contact
	require.NoError(t, app.DB.Where("email = ?", "buyer@acme.example").Take(&contact).Error)
	require.Equal(t, "lead", contact.LifecycleStage)
	require.Equal(t, map[string]any{"employees": 120.0, "monthly_budget": 3000.0, "timeline": "this month"}, contact.Properties.V)

	// A small buyer does not qualify: 3 people → 0, $100 → 0, later → 0.
	say("lead-2", "m1", "Can I get a quote for my team?")
	say("lead-2", "m2", "3")
	say("lead-2", "m3", "$100")
	small := say("lead-2", "m4", "later")
	require.Nil(t, small["handed_off"])
	require.Equal(t, "ai_active", small["status"])
}
