package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// hook posts inbound messages to one webhook channel.
type hook struct {
	t      *testing.T
	app    *testenv.App
	url    string
	secret string
}

func emailHook(t *testing.T, app *testenv.App) hook {
	t.Helper()
	w := app.Demo.Webhooks[0]
	require.Equal(t, models.ChannelEmail, w.Type)
	return hook{t: t, app: app, url: app.URL + "/v1/webhooks/" + w.ChannelID, secret: w.Secret}
}

// post sends body signed as header says: "" signs it now with the secret.
func (h hook) post(body map[string]any, header string) response {
	h.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(h.t, err)
	if header == "" {
		header = activities.Sign(h.secret, time.Now(), raw)
	}
	req, err := http.NewRequest("POST", h.url, bytes.NewReader(raw))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", "application/json")
	if header != "-" {
		req.Header.Set(server.WebhookSignatureHeader, header)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	out := response{Status: resp.StatusCode, Raw: string(b)}
	_ = json.Unmarshal(b, &out.Body)
	return out
}

func email(id, from, subject, text string) map[string]any {
	return map[string]any{"message_id": id, "from": from, "subject": subject, "text": text}
}

// customerMessages waits for the read model to hold n customer messages of
// the conversation and returns them.
func customerMessages(t *testing.T, app *testenv.App, convID string, n int) []any {
	t.Helper()
	var msgs []any
	require.Eventually(t, func() bool {
		r := do(t, "GET", app.URL+"/v1/conversations/"+convID, app.Keys.Auditor, nil)
		msgs = nil
		if r.Status != 200 {
			return false
		}
		for _, m := range r.Body["messages"].([]any) {
			if m.(map[string]any)["role"] == "customer" {
				msgs = append(msgs, m)
			}
		}
		return len(msgs) == n
	}, 10*time.Second, 100*time.Millisecond, "%d customer messages in %s", n, convID)
	return msgs
}

func TestSignedEmailIsAnsweredIntoTheOutbox(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	r := h.post(email("<m1@mail.example>", "Ada Lovelace <Ada@Example.com>", "Shipping", "How long does shipping take?"), "")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "business days")
	require.Equal(t, "<m1@mail.example>", r.Body["message_id"])
	convID := r.Body["conversation_id"].(string)
	require.Equal(t, server.WebhookConversationID("email", app.Demo.Webhooks[0].ChannelID, "ada@example.com"), convID)

	var out models.OutboxMessage
	require.NoError(t, app.DB.Where("id = ?", r.Body["outbox_id"]).Take(&out).Error)
	require.Equal(t, []string{"email_reply", "ada@example.com", "Re: Shipping"}, []string{out.Kind, out.Recipient, out.Subject})
	require.Equal(t, r.Body["reply"].(map[string]any)["text"], out.Body)
	var delivery models.ChannelDelivery
	require.NoError(t, app.DB.Where("outbox_message_id = ?", out.ID).Take(&delivery).Error)
	require.Equal(t, app.Demo.Webhooks[0].ChannelID, delivery.ChannelID)
	require.Equal(t, "<m1@mail.example>", delivery.InReplyTo)

	customerMessages(t, app, convID, 1)
	staff := do(t, "GET", app.URL+"/v1/conversations/"+convID, app.Keys.Auditor, nil)
	require.Equal(t, map[string]any{"email": "ada@example.com", "name": "Ada Lovelace"}, staff.Body["contact"])
	require.Equal(t, app.Demo.Webhooks[0].ChannelID, staff.Body["channel_id"])
}

func TestUnsignedOrStaleWebhooksAreRefusedAndStoreNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	body := email("<bad@mail.example>", "ada@example.com", "", "How long does shipping take?")
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	cases := []struct {
		name, header, message string
	}{
		{"missing", "-", "missing"},
		{"malformed", "sha256=abc", "expected"},
		{"wrong secret", activities.Sign("whsec_wrong", time.Now(), raw), "does not match"},
		{"body changed after signing", activities.Sign(h.secret, time.Now(), []byte(`{"message_id":"x"}`)), "does not match"},
		{"stale", activities.Sign(h.secret, time.Now().Add(-6*time.Minute), raw), "more than 5m0s"},
		{"from the future", activities.Sign(h.secret, time.Now().Add(6*time.Minute), raw), "more than 5m0s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(body, tc.header)
			require.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
			code, message := errorOf(r)
			require.Equal(t, "unauthorized", code)
			require.Contains(t, message, tc.message)
		})
	}
	// Another channel's secret does not open this one.
	other := hook{t: t, app: app, url: app.URL + "/v1/webhooks/" + app.Demo.Webhooks[1].ChannelID, secret: h.secret}
	require.Equal(t, http.StatusUnauthorized, other.post(body, "").Status)
	// A chat channel takes no webhooks.
	chat := hook{t: t, app: app, url: app.URL + "/v1/webhooks/" + app.Demo.ChannelID, secret: h.secret}
	require.Equal(t, http.StatusNotFound, chat.post(body, "").Status)

	for _, m := range []any{&models.Conversation{}, &models.Message{}, &models.ConversationContact{}, &models.OutboxMessage{}} {
		var n int64
		require.NoError(t, app.DB.Model(m).Count(&n).Error)
		require.Zero(t, n, "%T", m)
	}
	// No workflow was started either.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	convID := server.WebhookConversationID("email", app.Demo.Webhooks[0].ChannelID, "ada@example.com")
	_, err = app.Temporal.DescribeWorkflowExecution(ctx, workflows.ConversationWorkflowID(app.Demo.WorkspaceID, convID), "")
	var notFound *serviceerror.NotFound
	require.True(t, errors.As(err, &notFound), "got %v", err)
}

func TestReplayedWebhookAddsNoSecondMessage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	msg := email("<once@mail.example>", "ada@example.com", "Shipping", "How long does shipping take?")
	first := h.post(msg, "")
	require.Equal(t, http.StatusOK, first.Status, first.Raw)
	// The provider delivers it again (a retry, or a replay within the
	// tolerance): the same answer, nothing new.
	again := h.post(msg, "")
	require.Equal(t, http.StatusOK, again.Status, again.Raw)
	require.Equal(t, first.Body["conversation_id"], again.Body["conversation_id"])
	require.Equal(t, first.Body["reply"], again.Body["reply"])
	require.Equal(t, first.Body["outbox_id"], again.Body["outbox_id"])

	convID := first.Body["conversation_id"].(string)
	customerMessages(t, app, convID, 1)
	var outbox int64
	require.NoError(t, app.DB.Model(&models.OutboxMessage{}).Count(&outbox).Error)
	require.EqualValues(t, 1, outbox)
	// Once recorded, a replay is answered from the record.
	third := h.post(msg, "")
	require.Equal(t, http.StatusOK, third.Status, third.Raw)
	require.Equal(t, first.Body["reply"].(map[string]any)["text"], third.Body["reply"].(map[string]any)["text"])
	customerMessages(t, app, convID, 1)
}

func TestWebhookMessagesAreThreadedBySender(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	a1 := h.post(email("<a1@mail.example>", "ada@example.com", "Shipping", "How long does shipping take?"), "")
	require.Equal(t, http.StatusOK, a1.Status, a1.Raw)
	a2 := h.post(email("<a2@mail.example>", "Ada <ADA@example.com>", "Re: Shipping", "And is express shipping faster?"), "")
	require.Equal(t, http.StatusOK, a2.Status, a2.Raw)
	// An email with no text is read by its subject.
	b1 := h.post(email("<b1@mail.example>", "grace@example.com", "How do I return an item?", ""), "")
	require.Equal(t, http.StatusOK, b1.Status, b1.Raw)

	require.Equal(t, a1.Body["conversation_id"], a2.Body["conversation_id"], "one sender, one conversation")
	require.NotEqual(t, a1.Body["conversation_id"], b1.Body["conversation_id"], "another sender, another conversation")
	msgs := customerMessages(t, app, a1.Body["conversation_id"].(string), 2)
	require.Equal(t, "And is express shipping faster?", msgs[1].(map[string]any)["text"])
	msgs = customerMessages(t, app, b1.Body["conversation_id"].(string), 1)
	require.Equal(t, "How do I return an item?", msgs[0].(map[string]any)["text"])

	// The same address on another channel is another conversation.
	created := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, map[string]any{"type": "email", "name": "Sales inbox"}))
	require.Equal(t, http.StatusCreated, created.Status, created.Raw)
	sales := hook{t: t, app: app, url: app.URL + "/v1/webhooks/" + created.Body["id"].(string),
		secret: created.Body["webhook"].(map[string]any)["secret"].(string)}
	s1 := sales.post(email("<a1@mail.example>", "ada@example.com", "Shipping", "How long does shipping take?"), "")
	require.Equal(t, http.StatusOK, s1.Status, s1.Raw)
	require.NotEqual(t, a1.Body["conversation_id"], s1.Body["conversation_id"])

	// A rep's reply to an email conversation goes to the outbox too.
	conv := a1.Body["conversation_id"].(string)
	r := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/messages", app.Keys.Rep, []byte(`{"id":"rep-1","text":"Express takes 1–2 days."}`))
	require.Equal(t, http.StatusAccepted, r.Status, r.Raw)
	var out models.OutboxMessage
	require.NoError(t, app.DB.Where("idempotency_key LIKE ?", "rep_reply:%").Take(&out).Error)
	require.Equal(t, []string{"ada@example.com", "Re: Shipping", "Express takes 1–2 days."}, []string{out.Recipient, out.Subject, out.Body})
}

// A rep's verification request reaches an email customer: the agent's
// notice of the code goes to their inbox as its other replies do, once, and
// the code they email back verifies them.
func TestRepVerificationNoticeReachesAnEmailCustomer(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	first := h.post(email("<v1@mail.example>", "ada@example.com", "My order", "I want to talk to a person"), "")
	require.Equal(t, http.StatusOK, first.Status, first.Raw)
	conv := first.Body["conversation_id"].(string)
	r := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/verify", app.Keys.Rep, nil)
	require.Equal(t, http.StatusAccepted, r.Status, r.Raw)

	var notices []models.OutboxMessage
	require.Eventually(t, func() bool {
		require.NoError(t, app.DB.Where("idempotency_key LIKE ?", "agent_notice:%").Find(&notices).Error)
		return len(notices) > 0
	}, 15*time.Second, 100*time.Millisecond, "the notice is queued to the customer's inbox")
	require.Len(t, notices, 1)
	n := notices[0]
	require.Equal(t, []string{"email_reply", "ada@example.com", "Re: My order"}, []string{n.Kind, n.Recipient, n.Subject})
	require.Contains(t, n.Body, "6-digit code")
	var delivery models.ChannelDelivery
	require.NoError(t, app.DB.Where("outbox_message_id = ?", n.ID).Take(&delivery).Error)
	require.Equal(t, app.Demo.Webhooks[0].ChannelID, delivery.ChannelID)
	// The transcript says the same words.
	require.Eventually(t, func() bool {
		r := do(t, "GET", app.URL+"/v1/conversations/"+conv, app.Keys.Auditor, nil)
		said := false
		for _, m := range r.Body["messages"].([]any) {
			said = said || m.(map[string]any)["text"] == n.Body
		}
		return said
	}, 10*time.Second, 100*time.Millisecond, "the notice is in the transcript")

	code := h.post(email("<v2@mail.example>", "ada@example.com", "Re: My order", app.LatestCode(t, "ada@example.com")), "")
	require.Equal(t, http.StatusOK, code.Status, code.Raw)
	require.Equal(t, "Thank you: you're verified. Our team can now see your account.", code.Body["reply"].(map[string]any)["text"])
}

func TestChannelShareAndHoursHandTheConversationToTheTeam(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	for _, tc := range []struct {
		name     string
		settings map[string]any
		trigger  string
	}{
		{"agent share 0 %", map[string]any{"agent_share": 0}, decide.TriggerChannelShare},
		{"agent only outside hours, now inside", map[string]any{
			"agent_hours": map[string]any{"mode": "outside", "schedule": "daily 00:00-24:00 UTC"}}, decide.TriggerChannelHours},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"type": "whatsapp", "name": tc.name, "team": "accounts"}
			for k, v := range tc.settings {
				body[k] = v
			}
			created := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, body))
			require.Equal(t, http.StatusCreated, created.Status, created.Raw)
			h := hook{t: t, app: app, url: app.URL + "/v1/webhooks/" + created.Body["id"].(string),
				secret: created.Body["webhook"].(map[string]any)["secret"].(string)}
			r := h.post(map[string]any{"message_id": "wamid.1", "from": "+1 (555) 010-2030", "text": "How long does shipping take?"}, "")
			require.Equal(t, http.StatusOK, r.Status, r.Raw)
			require.Equal(t, true, r.Body["handed_off"])
			require.Equal(t, "handed_off", r.Body["status"])
			require.NotContains(t, r.Body["reply"].(map[string]any)["text"], "business days", "the agent does not answer")

			convID := r.Body["conversation_id"].(string)
			var conv models.Conversation
			require.Eventually(t, func() bool {
				return app.DB.Where("external_id = ?", convID).Take(&conv).Error == nil && conv.Team != ""
			}, 10*time.Second, 100*time.Millisecond)
			require.Equal(t, "accounts", conv.Team, "the channel's team")
			require.Contains(t, conv.HandoffReason, "channel settings")
			var out models.OutboxMessage
			require.NoError(t, app.DB.Where("id = ?", r.Body["outbox_id"]).Take(&out).Error)
			require.Equal(t, []string{"whatsapp_reply", "+15550102030"}, []string{out.Kind, out.Recipient})

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			desc, err := app.Temporal.DescribeWorkflowExecution(ctx, workflows.ConversationWorkflowID(app.Demo.WorkspaceID, convID), "")
			require.NoError(t, err)
			var reason string
			for name, p := range desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields() {
				if name == "HandoffReason" {
					require.NoError(t, json.Unmarshal(p.GetData(), &reason))
				}
			}
			require.Equal(t, tc.trigger, reason)
		})
	}
}

func TestWebhookBodyErrorsNameTheField(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	h := emailHook(t, app)
	for _, tc := range []struct {
		name    string
		body    map[string]any
		message string
	}{
		{"no message id", map[string]any{"from": "ada@example.com", "text": "hi"}, "message_id: must not be empty"},
		{"no sender", map[string]any{"message_id": "x", "text": "hi"}, "from: must not be empty"},
		{"bad sender", map[string]any{"message_id": "x", "from": "ada", "text": "hi"}, `from: "ada" is not an email address`},
		{"no text", map[string]any{"message_id": "x", "from": "ada@example.com"}, "text: must not be empty"},
		{"unknown field", map[string]any{"message_id": "x", "from": "ada@example.com", "text": "hi", "html": "<p>hi</p>"}, "html: unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(tc.body, "")
			require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
			_, message := errorOf(r)
			require.Contains(t, message, tc.message)
		})
	}
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Count(&n).Error)
	require.Zero(t, n)
}
