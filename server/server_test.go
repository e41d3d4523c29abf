package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

func do(t *testing.T, method, url, key string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

func errorOf(r response) (code, message string) {
	e, _ := r.Body["error"].(map[string]any)
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	return code, message
}

func TestCustomerGetsCitedAnswerAndRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	url := app.URL + "/v1/conversations/conv-shipping/messages"
	body := []byte(`{"id":"msg-1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`)

	first := do(t, "POST", url, app.Keys.Widget, body)
	require.Equal(t, http.StatusOK, first.Status, first.Raw)
	reply := first.Body["reply"].(map[string]any)
	require.Contains(t, reply["text"], "business days")
	cites := reply["citations"].([]any)
	require.NotEmpty(t, cites)
	require.Equal(t, "Shipping times and costs", cites[0].(map[string]any)["title"])
	require.Equal(t, "ai_active", first.Body["status"])

	again := do(t, "POST", url, app.Keys.Widget, body)
	require.Equal(t, http.StatusOK, again.Status, again.Raw)
	require.Equal(t, first.Body["reply"], again.Body["reply"])
	// The counts are written after the record, in the background.
	require.NoError(t, app.Activities.FlushCitations(t.Context()))
	var src models.ContentSource
	require.NoError(t, app.DB.Where("title = ?", "Shipping times and costs").Take(&src).Error)
	require.Equal(t, 1, src.CitedCount, "the retried request did not count the citation twice")

	conv := do(t, "GET", app.URL+"/v1/conversations/conv-shipping", app.Keys.Widget, nil)
	require.Equal(t, http.StatusOK, conv.Status, conv.Raw)
	msgs := conv.Body["messages"].([]any)
	require.Len(t, msgs, 2, "one customer turn and one reply")
	require.Equal(t, "customer", msgs[0].(map[string]any)["role"])
	require.Equal(t, "agent", msgs[1].(map[string]any)["role"])

	// Staff roles read it too.
	for _, key := range []string{app.Keys.Admin, app.Keys.Rep, app.Keys.Auditor} {
		require.Equal(t, http.StatusOK, do(t, "GET", app.URL+"/v1/conversations/conv-shipping", key, nil).Status)
	}
}

func TestUnknownQuestionIsAnsweredHonestly(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	// The content never mentions swallows: "I don't know" at once, no
	// clarifying question about what it cannot answer anyway.
	r := do(t, "POST", app.URL+"/v1/conversations/conv-x/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"What is the airspeed velocity of an unladen swallow?"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	first := r.Body["reply"].(map[string]any)
	require.Contains(t, first["text"], "couldn't find")
	require.Empty(t, first["citations"])
	require.Nil(t, r.Body["handed_off"])
	// A second answer it does not know brings a person in.
	r = do(t, "POST", app.URL+"/v1/conversations/conv-x/messages", app.Keys.Widget,
		[]byte(`{"id":"m2","text":"An African swallow, carrying a coconut."}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	reply := r.Body["reply"].(map[string]any)
	require.Contains(t, reply["text"], "couldn't find")
	require.Empty(t, reply["citations"])
	require.Equal(t, true, r.Body["handed_off"], r.Raw)
	// Both are knowledge gaps: the first unanswered, the second handed off
	// for it. The read model follows the reply.
	var gaps []models.KnowledgeGap
	require.Eventually(t, func() bool {
		gaps = nil
		require.NoError(t, app.DB.Order("created_at").Find(&gaps).Error)
		return len(gaps) == 2
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, "What is the airspeed velocity of an unladen swallow?", gaps[0].Question)
	require.Equal(t, decide.GapUnanswered, gaps[0].Reason)
	require.Equal(t, "An African swallow, carrying a coconut.", gaps[1].Question)
	require.Equal(t, decide.GapHandoff, gaps[1].Reason)
}

func TestAuthAndBadInput(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{MaxBodyBytes: 4096})
	msgURL := app.URL + "/v1/conversations/conv-auth/messages"
	ok := []byte(`{"id":"m1","text":"Do you ship to Canada?"}`)

	cases := []struct {
		name    string
		key     string
		url     string
		body    []byte
		status  int
		code    string
		message string
	}{
		{"no key", "", msgURL, ok, 401, "unauthorized", "Authorization"},
		{"unknown key", "sb_widget_nope", msgURL, ok, 401, "unauthorized", "unknown"},
		{"admin may not post as a customer", app.Keys.Admin, msgURL, ok, 403, "forbidden", "admin"},
		{"invalid JSON", app.Keys.Widget, msgURL, []byte(`{"id":"m1","text":`), 400, "invalid", "body"},
		{"invalid UTF-8", app.Keys.Widget, msgURL, []byte("{\"id\":\"m1\",\"text\":\"bad \xff\"}"), 400, "invalid", "UTF-8"},
		{"empty text", app.Keys.Widget, msgURL, []byte(`{"id":"m1","text":"  "}`), 400, "invalid", "text: must not be empty"},
		{"missing id", app.Keys.Widget, msgURL, []byte(`{"text":"hi"}`), 400, "invalid", "id: must not be empty"},
		{"unknown field", app.Keys.Widget, msgURL, []byte(`{"id":"m1","txt":"hi"}`), 400, "invalid", "txt: unknown field"},
		{"wrong type", app.Keys.Widget, msgURL, []byte(`{"id":"m1","text":42}`), 400, "invalid", "text: expected string"},
		{"bad email", app.Keys.Widget, msgURL, []byte(`{"id":"m1","text":"hi","contact":{"email":"nope"}}`), 400, "invalid", "contact.email"},
		{"body too large", app.Keys.Widget, msgURL, []byte(`{"id":"m1","text":"` + strings.Repeat("a", 5000) + `"}`), 413, "too_large", "body"},
		{"bad conversation id", app.Keys.Widget, app.URL + "/v1/conversations/a%20b/messages", ok, 400, "invalid", "conversationID"},
		{"unknown conversation", app.Keys.Rep, app.URL + "/v1/conversations/never", nil, 404, "not_found", "conversation"},
		{"unknown route", app.Keys.Rep, app.URL + "/v1/nothing", nil, 404, "not_found", "no route"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.body == nil {
				method = "GET"
			}
			r := do(t, method, tc.url, tc.key, tc.body)
			require.Equal(t, tc.status, r.Status, r.Raw)
			code, message := errorOf(r)
			require.Equal(t, tc.code, code)
			require.Contains(t, message, tc.message)
		})
	}

	// Text over 4,000 characters inside the size limit is rejected by name.
	big := testenv.NewApp(t, testenv.AppOptions{MaxBodyBytes: 1 << 20})
	r := do(t, "POST", big.URL+"/v1/conversations/c/messages", big.Keys.Widget,
		[]byte(`{"id":"m1","text":"`+strings.Repeat("a", 4001)+`"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	_, message := errorOf(r)
	require.Contains(t, message, "text: 4001 characters")

	// Nothing was written for any rejected request.
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Count(&n).Error)
	require.Zero(t, n)
}

func TestWorkspacesAndChannelsAreIsolated(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "POST", app.URL+"/v1/conversations/shared-id/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"Do you ship internationally?"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	// A second workspace, with a second widget channel in the first one.
	now := time.Now().UTC()
	otherWS, otherCh := uuid.NewString(), uuid.NewString()
	require.NoError(t, app.DB.Create(&models.Workspace{ID: otherWS, Name: "Other", CreatedAt: now}).Error)
	require.NoError(t, app.DB.Create(&models.Channel{ID: otherCh, WorkspaceID: otherWS, Type: "chat", Name: "x", CreatedAt: now}).Error)
	other, err := demo.CreateKeys(app.DB, otherWS, otherCh, now)
	require.NoError(t, err)
	secondCh := uuid.NewString()
	require.NoError(t, app.DB.Create(&models.Channel{ID: secondCh, WorkspaceID: app.Demo.WorkspaceID, Type: "chat", Name: "second", CreatedAt: now}).Error)
	second, err := demo.CreateKeys(app.DB, app.Demo.WorkspaceID, secondCh, now)
	require.NoError(t, err)

	// Another workspace's admin and another channel's widget see nothing.
	require.Equal(t, 404, do(t, "GET", app.URL+"/v1/conversations/shared-id", other.Admin, nil).Status)
	require.Equal(t, 404, do(t, "GET", app.URL+"/v1/conversations/shared-id", second.Widget, nil).Status)
	// Posting to the first channel's conversation from the second channel is refused.
	r = do(t, "POST", app.URL+"/v1/conversations/shared-id/messages", second.Widget, []byte(`{"id":"m2","text":"hi"}`))
	require.Equal(t, 404, r.Status, r.Raw)
	// The same conversation ID in another workspace is another conversation.
	r = do(t, "POST", app.URL+"/v1/conversations/shared-id/messages", other.Widget, []byte(`{"id":"m1","text":"Do you ship internationally?"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "handed_off", r.Body["status"], "the other workspace has no credits: its conversations go to reps")
}

func TestHealth(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "GET", app.URL+"/healthz", "", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"database": "ok", "temporal": "ok", "weaviate": "ok"}, r.Body["checks"])
}
