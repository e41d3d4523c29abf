package server_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
	"github.com/switchboardhq/switchboard/server"
)

// rawPost posts body to url with the headers given.
func rawPost(t *testing.T, url string, body []byte, headers map[string]string) response {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// rawEmail is a multipart/alternative email as a mail client writes it.
func rawEmail(from, messageID, references, subject, text string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: Sprocket Support <support@sprocketsupply.example>\r\nSubject: %s\r\n", from, subject)
	fmt.Fprintf(&b, "Date: Fri, 4 Dec 2026 09:12:44 +0000\r\nMessage-ID: %s\r\n", messageID)
	if references != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", references, references)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n")
	fmt.Fprintf(&b, "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nOn Thu, Dec 3, 2026 at 5:01 PM Support <support@sprocketsupply.example> wrote:\r\n> An earlier answer\r\n", text)
	fmt.Fprintf(&b, "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>%s</p>\r\n--b1--\r\n", text)
	return []byte(b.String())
}

func count(t *testing.T, app *testenv.App, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, app.DB.Model(model).Where(where, args...).Count(&n).Error)
	return n
}

// TestRawEmailIsAnsweredAndThreaded: a raw email posted by the mail server
// is answered into the outbox; a reply naming it in References joins its
// conversation whoever sends it; an out-of-office reply is ignored.
func TestRawEmailIsAnsweredAndThreaded(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	w := app.Demo.Webhooks[0]
	require.Equal(t, models.ChannelEmail, w.Type)
	inbound := app.URL + "/v1/channels/" + w.ChannelID + "/inbound/email"
	auth := map[string]string{"Content-Type": "message/rfc822", "Authorization": "Bearer " + w.Secret}

	first := rawPost(t, inbound, rawEmail("Ada Lovelace <Ada@Example.com>", "<CAK1@mail.example.com>", "", "Shipping", "How long does shipping take?"), auth)
	require.Equal(t, 200, first.Status, first.Raw)
	convID := server.WebhookConversationID(models.ChannelEmail, w.ChannelID, "ada@example.com")
	require.Equal(t, convID, first.Body["conversation_id"])
	require.Contains(t, first.Body["reply"].(map[string]any)["text"], "business days")
	require.NotEmpty(t, first.Body["outbox_id"])
	msgs := customerMessages(t, app, convID, 1)
	require.Equal(t, "How long does shipping take?", msgs[0].(map[string]any)["text"], "the quoted history is stripped")

	// Bob, on Cc, answers the thread: his email joins Ada's conversation.
	second := rawPost(t, inbound, rawEmail("Bob <bob@example.com>", "<CAK2@mail.example.com>", "<CAK1@mail.example.com>", "Re: Shipping", "And to Hawaii?"), auth)
	require.Equal(t, 200, second.Status, second.Raw)
	require.Equal(t, convID, second.Body["conversation_id"])
	customerMessages(t, app, convID, 2)

	// The same email posted again is the same message.
	again := rawPost(t, inbound, rawEmail("Bob <bob@example.com>", "<CAK2@mail.example.com>", "<CAK1@mail.example.com>", "Re: Shipping", "And to Hawaii?"), auth)
	require.Equal(t, 200, again.Status, again.Raw)
	require.Equal(t, second.Body["outbox_id"], again.Body["outbox_id"])

	outbox := count(t, app, &models.OutboxMessage{}, "kind = ?", models.OutboxEmailReply)
	oof := "From: Ada <ada@example.com>\r\nSubject: Automatic reply: Shipping\r\nMessage-ID: <oof@mail.example.com>\r\nAuto-Submitted: auto-replied\r\n\r\nI am away.\r\n"
	ignored := rawPost(t, inbound, []byte(oof), auth)
	require.Equal(t, 202, ignored.Status, ignored.Raw)
	require.Equal(t, true, ignored.Body["ignored"])
	require.Equal(t, "Auto-Submitted: auto-replied", ignored.Body["reason"])
	require.Equal(t, outbox, count(t, app, &models.OutboxMessage{}, "kind = ?", models.OutboxEmailReply), "no reply to an auto-reply")
	customerMessages(t, app, convID, 2)

	// The transcript shows what was sent to the customer, and how it went.
	tr := do(t, "GET", app.URL+"/v1/conversations/"+convID, app.Keys.Auditor, nil)
	require.Equal(t, 200, tr.Status, tr.Raw)
	deliveries := tr.Body["deliveries"].([]any)
	require.Len(t, deliveries, 2)
	require.Equal(t, "queued", deliveries[0].(map[string]any)["status"])
	require.Equal(t, "ada@example.com", deliveries[0].(map[string]any)["recipient"])
}

func TestRawEmailErrorsWriteNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	w := app.Demo.Webhooks[0]
	inbound := app.URL + "/v1/channels/" + w.ChannelID + "/inbound/email"
	good := rawEmail("Ada <ada@example.com>", "<x1@mail.example.com>", "", "Hi", "Where is my order?")
	for _, tc := range []struct {
		name    string
		url     string
		auth    string
		body    []byte
		status  int
		message string
	}{
		{"no secret", inbound, "", good, 401, "Authorization: missing"},
		{"wrong secret", inbound, "Bearer whsec_wrong", good, 401, "Authorization: not the channel's webhook secret"},
		{"not an email channel", app.URL + "/v1/channels/" + app.Demo.ChannelID + "/inbound/email", "Bearer " + w.Secret, good, 404, "no email channel"},
		{"no sender", inbound, "Bearer " + w.Secret, []byte("Subject: hi\r\n\r\nhello\r\n"), 400, "From: missing"},
		{"no text", inbound, "Bearer " + w.Secret, []byte("From: ada@example.com\r\nMessage-ID: <e@x>\r\n\r\n> only quoted\r\n"), 400, "text:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rawPost(t, tc.url, tc.body, map[string]string{"Authorization": tc.auth})
			require.Equal(t, tc.status, r.Status, r.Raw)
			_, msg := errorOf(r)
			require.Contains(t, msg, tc.message)
		})
	}
	require.Zero(t, count(t, app, &models.OutboxMessage{}, "1 = 1"))
	require.Zero(t, count(t, app, &models.EmailThread{}, "1 = 1"))
	require.Zero(t, count(t, app, &models.Message{}, "1 = 1"))
}

func whatsAppSign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// TestWhatsAppCloudAPIWebhook: the provider settings are stored sealed and
// never shown; Meta's verification challenge is answered; a signed
// notification's text message is answered into the outbox, an unsigned one
// refused; statuses update the outbox message.
func TestWhatsAppCloudAPIWebhook(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	box, err := sealed.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, sealed.KeySize)})
	require.NoError(t, err)
	var wa string
	for _, w := range app.Demo.Webhooks {
		if w.Type == models.ChannelWhatsApp {
			wa = w.ChannelID
		}
	}
	require.NotEmpty(t, wa)
	provider := app.URL + "/v1/channels/" + wa + "/provider"
	settings := `{"whatsapp":{"phone_number_id":"106540352242922","access_token":"EAAG-secret-token","app_secret":"app-secret","verify_token":"verify-me","template":"order_update","template_language":"en_US"}}`

	// Without a secrets key, no token is stored.
	app.Server.Secrets = nil
	r := do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 503, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.Contains(t, msg, "whatsapp.access_token: cannot be stored: no secrets key is configured")
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))
	app.Server.Secrets = box

	for _, tc := range []struct{ body, field string }{
		{`{"whatsapp":{"phone_number_id":"abc","access_token":"x"}}`, "whatsapp.phone_number_id"},
		{`{"whatsapp":{"phone_number_id":"1"}}`, "whatsapp.access_token"},
		{`{"whatsapp":{"phone_number_id":"1","access_token":"x","template":"Order Update"}}`, "whatsapp.template"},
		{`{"email":{"from":"a@b.example"}}`, "email"},
	} {
		r := do(t, "PUT", provider, app.Keys.Admin, []byte(tc.body))
		require.Equal(t, 400, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, tc.field+":"), msg)
	}
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))

	r = do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 200, r.Status, r.Raw)
	require.NotContains(t, r.Raw, "EAAG-secret-token")
	r = do(t, "GET", provider, app.Keys.Auditor, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	got := r.Body["whatsapp"].(map[string]any)
	require.Equal(t, true, got["access_token_set"])
	require.Equal(t, true, got["app_secret_set"])
	require.Equal(t, "106540352242922", got["phone_number_id"])
	require.NotContains(t, r.Raw, "secret-token")
	require.NotContains(t, r.Raw, "verify-me")
	var stored models.ChannelProvider
	require.NoError(t, app.DB.Where("channel_id = ?", wa).Take(&stored).Error)
	require.True(t, strings.HasPrefix(stored.WhatsAppToken, "v1:k1:"), "sealed in the database")

	hook := app.URL + "/v1/channels/" + wa + "/inbound/whatsapp"
	verify := func(token string) response {
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {token}, "hub.challenge": {"1158201444"}}
		return do(t, "GET", hook+"?"+q.Encode(), "", nil)
	}
	ok := verify("verify-me")
	require.Equal(t, 200, ok.Status, ok.Raw)
	require.Equal(t, "1158201444", ok.Raw)
	require.Equal(t, 403, verify("guess").Status)

	message := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Ada Lovelace"},"wa_id":"15551234567"}],
		"messages":[{"from":"15551234567","id":"wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQTdBMEE4","timestamp":"1764900000","type":"text","text":{"body":"How long does shipping take?"}}]}}]}]}`)
	unsigned := rawPost(t, hook, message, map[string]string{"Content-Type": "application/json"})
	require.Equal(t, 401, unsigned.Status, unsigned.Raw)
	forged := rawPost(t, hook, message, map[string]string{"X-Hub-Signature-256": whatsAppSign("not-the-secret", message)})
	require.Equal(t, 401, forged.Status, forged.Raw)
	require.Zero(t, count(t, app, &models.OutboxMessage{}, "1 = 1"))

	// One bad message in a notification: nothing of it is stored.
	badBatch := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
		"messages":[{"from":"15551234567","id":"wamid.OK","type":"text","text":{"body":"Hello"}},
		            {"from":"15551234567","id":"wamid.EMPTY","type":"text","text":{"body":"  "}}]}}]}]}`)
	rejected := rawPost(t, hook, badBatch, map[string]string{"X-Hub-Signature-256": whatsAppSign("app-secret", badBatch)})
	require.Equal(t, 400, rejected.Status, rejected.Raw)
	_, msg = errorOf(rejected)
	require.True(t, strings.HasPrefix(msg, "text:"), msg)
	require.Zero(t, count(t, app, &models.Message{}, "1 = 1"))

	answered := rawPost(t, hook, message, map[string]string{"X-Hub-Signature-256": whatsAppSign("app-secret", message)})
	require.Equal(t, 200, answered.Status, answered.Raw)
	replies := answered.Body["replies"].([]any)
	require.Len(t, replies, 1)
	reply := replies[0].(map[string]any)
	require.Equal(t, server.WebhookConversationID(models.ChannelWhatsApp, wa, "+15551234567"), reply["conversation_id"])
	var out models.OutboxMessage
	require.NoError(t, app.DB.Where("id = ?", reply["outbox_id"]).Take(&out).Error)
	require.Equal(t, models.OutboxWhatsAppReply, out.Kind)
	require.Equal(t, "+15551234567", out.Recipient)
	require.Equal(t, models.OutboxQueued, out.Status)

	// The Cloud API reports on the message sent.
	require.NoError(t, app.DB.Model(&out).Updates(map[string]any{"status": models.OutboxSent, "provider_message_id": "wamid.SENT1"}).Error)
	status := func(s, errors string) response {
		body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
			"statuses":[{"id":"wamid.SENT1","status":"` + s + `","timestamp":"1764900100","recipient_id":"15551234567"` + errors + `}]}}]}]}`)
		return rawPost(t, hook, body, map[string]string{"X-Hub-Signature-256": whatsAppSign("app-secret", body)})
	}
	require.Equal(t, 200, status("read", "").Status)
	require.Equal(t, 200, status("delivered", "").Status)
	require.NoError(t, app.DB.Where("id = ?", out.ID).Take(&out).Error)
	require.Equal(t, "read", out.ProviderStatus, "a late delivered does not undo read")
	require.Equal(t, models.OutboxSent, out.Status)
	require.Equal(t, 200, status("failed", `,"errors":[{"code":131047,"title":"Re-engagement message"}]`).Status)
	require.NoError(t, app.DB.Where("id = ?", out.ID).Take(&out).Error)
	require.Equal(t, models.OutboxFailed, out.Status)
	require.Contains(t, out.LastError, "Re-engagement message (code 131047)")

	// The outbox lists it, by status.
	list := do(t, "GET", app.URL+"/v1/outbox?status=failed", app.Keys.Auditor, nil)
	require.Equal(t, 200, list.Status, list.Raw)
	listed := list.Body["messages"].([]any)
	require.Len(t, listed, 1)
	require.Equal(t, out.ID, listed[0].(map[string]any)["id"])
	require.Equal(t, wa, listed[0].(map[string]any)["channel_id"])
	bad := do(t, "GET", app.URL+"/v1/outbox?status=lost", app.Keys.Auditor, nil)
	require.Equal(t, 400, bad.Status)
	_, msg = errorOf(bad)
	require.True(t, strings.HasPrefix(msg, "status:"), msg)
	require.Equal(t, 403, do(t, "GET", app.URL+"/v1/outbox", app.Keys.Rep, nil).Status)
}

// TestEmailProviderSettings: an email channel's sender, reply-to-all and own
// SMTP server; the password is sealed, never shown, and refused without a
// secrets key.
func TestEmailProviderSettings(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	w := app.Demo.Webhooks[0]
	provider := app.URL + "/v1/channels/" + w.ChannelID + "/provider"
	settings := `{"email":{"from":"Sprocket Support <support@sprocketsupply.example>","reply_all":true,
		"smtp":{"addr":"smtp.sprocketsupply.example:587","tls":"starttls","username":"agent","password":"hunter2"}}}`

	app.Server.Secrets = nil
	r := do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 503, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.True(t, strings.HasPrefix(msg, "email.smtp.password: cannot be stored"), msg)
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))

	app.Server.Secrets, _ = sealed.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{9}, sealed.KeySize)})
	for _, tc := range []struct{ body, field string }{
		{`{"email":{"from":"support"}}`, "email.from"},
		{`{"email":{"smtp":{"addr":"smtp.example.com"}}}`, "email.smtp.addr"},
		{`{"email":{"smtp":{"addr":"smtp.example.com:587","tls":"ssl"}}}`, "email.smtp.tls"},
		{`{"email":{"smtp":{"addr":"smtp.example.com:587","password":"x"}}}`, "email.smtp.username"},
		{`{"whatsapp":{"phone_number_id":"1","access_token":"x"}}`, "whatsapp"},
		{`{"email":{"from":"a@b.example","sender":"x"}}`, "sender: unknown field"},
	} {
		r := do(t, "PUT", provider, app.Keys.Admin, []byte(tc.body))
		require.Equal(t, 400, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, tc.field), msg)
	}
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))

	r = do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 200, r.Status, r.Raw)
	r = do(t, "GET", provider, app.Keys.Auditor, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	require.NotContains(t, r.Raw, "hunter2")
	email := r.Body["email"].(map[string]any)
	require.Equal(t, true, email["reply_all"])
	require.Equal(t, map[string]any{"addr": "smtp.sprocketsupply.example:587", "tls": "starttls", "username": "agent", "password_set": true}, email["smtp"])
	require.Equal(t, "/v1/channels/"+w.ChannelID+"/inbound/email", email["inbound_url"])

	// Saved again without the password, the stored one stays.
	r = do(t, "PUT", provider, app.Keys.Admin, []byte(`{"email":{"smtp":{"addr":"smtp.sprocketsupply.example:587","username":"agent"}}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, true, r.Body["email"].(map[string]any)["smtp"].(map[string]any)["password_set"])
	require.Equal(t, 403, do(t, "PUT", provider, app.Keys.Auditor, []byte(settings)).Status)
	require.Equal(t, 409, do(t, "GET", app.URL+"/v1/channels/"+app.Demo.ChannelID+"/provider", app.Keys.Admin, nil).Status)
}
