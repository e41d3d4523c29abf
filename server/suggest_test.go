package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestSuggestedReplyAnswersLastMessageAndChangesNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	conv := app.URL + "/v1/conversations/suggest-1"
	r := do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"I want a refund","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, true, r.Body["handed_off"])
	// The agent stays silent after the transfer; the rep gets a draft.
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m2","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Empty(t, r.Body["reply"].(map[string]any)["text"])
	// A rep sees the message once it is recorded, just after the reply.
	customerMessages(t, app, "suggest-1", 2)

	before := do(t, "GET", conv, app.Keys.Auditor, nil)
	var credits int64
	require.NoError(t, app.DB.Model(&models.CreditEntry{}).Count(&credits).Error)

	s := do(t, "GET", conv+"/suggestion", app.Keys.Rep, nil)
	require.Equal(t, 200, s.Status, s.Raw)
	require.Equal(t, "suggest-1", s.Body["conversation_id"])
	require.Equal(t, "m2", s.Body["message_id"], "the customer's last message")
	require.Equal(t, true, s.Body["known"])
	require.Contains(t, s.Body["text"], "business days")
	citations := s.Body["citations"].([]any)
	require.NotEmpty(t, citations)
	require.Equal(t, "Shipping times and costs", citations[0].(map[string]any)["title"])

	after := do(t, "GET", conv, app.Keys.Auditor, nil)
	require.Equal(t, before.Body["messages"], after.Body["messages"], "a suggestion writes nothing to the transcript")
	require.Equal(t, before.Body["decisions"], after.Body["decisions"], "nor to the decisions")
	var creditsAfter int64
	require.NoError(t, app.DB.Model(&models.CreditEntry{}).Count(&creditsAfter).Error)
	require.Equal(t, credits, creditsAfter, "nor to the ledger")

	for _, tc := range []struct {
		name, url, key string
		status         int
	}{
		{"widget key", conv + "/suggestion", app.Keys.Widget, 403},
		{"auditor key", conv + "/suggestion", app.Keys.Auditor, 403},
		{"no key", conv + "/suggestion", "", 401},
		{"unknown conversation", app.URL + "/v1/conversations/nope/suggestion", app.Keys.Rep, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, "GET", tc.url, tc.key, nil)
			require.Equal(t, tc.status, r.Status, r.Raw)
		})
	}
}
