package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/mailcatcher"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// deliveryBundle delivers an app's outbox: a worker of its own with the
// delivery activities, an in-process SMTP server and an httptest WhatsApp
// Cloud API.
type deliveryBundle struct {
	catcher    *mailcatcher.Catcher
	dispatcher *delivery.Dispatcher
	mu         sync.Mutex
	whatsapp   []map[string]any
}

func startDelivery(t *testing.T, app *testenv.App, box *sealed.Box) *deliveryBundle {
	t.Helper()
	b := &deliveryBundle{}
	var err error
	b.catcher, err = mailcatcher.Start("127.0.0.1:0", "")
	require.NoError(t, err)
	t.Cleanup(func() { b.catcher.Close() })
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		require.Equal(t, "Bearer EAAG-secret-token", r.Header.Get("Authorization"))
		require.Equal(t, "/v21.0/106540352242922/messages", r.URL.Path)
		b.mu.Lock()
		b.whatsapp = append(b.whatsapp, body)
		n := len(b.whatsapp)
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.OUT%d"}]}`, body["to"], body["to"], n)
	}))
	t.Cleanup(api.Close)
	queue := app.TaskQueue + "-delivery"
	w := sdkworker.New(app.Temporal, queue, sdkworker.Options{})
	w.RegisterWorkflow(delivery.DeliverOutboxWorkflow)
	w.RegisterActivity(&delivery.Activities{
		DB: app.DB, From: "Sprocket Support <support@sprocketsupply.example>", Secrets: box,
		Mailer:   &delivery.SMTPMailer{Config: config.SMTP{Addr: b.catcher.Addr(), TLS: config.SMTPNoTLS}},
		WhatsApp: &delivery.WhatsAppClient{BaseURL: api.URL + "/v21.0"},
	})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	b.dispatcher = &delivery.Dispatcher{DB: app.DB, Temporal: app.Temporal, TaskQueue: queue, Emails: true, FirstRetry: 200 * time.Millisecond}
	return b
}

// deliver dispatches and waits until the outbox message is sent.
func (b *deliveryBundle) deliver(t *testing.T, app *testenv.App, outboxID string) models.OutboxMessage {
	t.Helper()
	_, err := b.dispatcher.DispatchOnce(context.Background())
	require.NoError(t, err)
	var row models.OutboxMessage
	require.Eventually(t, func() bool {
		require.NoError(t, app.DB.Where("id = ?", outboxID).Take(&row).Error)
		return row.Status == models.OutboxSent || row.Status == models.OutboxFailed
	}, time.Minute, 100*time.Millisecond)
	require.Equal(t, models.OutboxSent, row.Status, row.LastError)
	return row
}

// TestEmailRoundTrip: a customer's raw email is answered by email in their
// thread, and their reply to that answer comes back to the same
// conversation, however they changed the subject.
func TestEmailRoundTrip(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	b := startDelivery(t, app, nil)
	w := app.Demo.Webhooks[0]
	inbound := app.URL + "/v1/channels/" + w.ChannelID + "/inbound/email"
	auth := map[string]string{"Content-Type": "message/rfc822", "Authorization": "Bearer " + w.Secret}

	first := rawPost(t, inbound, rawEmail("Ada Lovelace <ada@example.com>", "<CAK1@mail.example.com>", "", "Shipping", "How long does shipping take?"), auth)
	require.Equal(t, 200, first.Status, first.Raw)
	sent := b.deliver(t, app, first.Body["outbox_id"].(string))
	msgs := b.catcher.Messages()
	require.Len(t, msgs, 1)
	h := msgs[0].Header()
	require.Equal(t, []string{"ada@example.com"}, msgs[0].To)
	subject, _ := h.Subject()
	require.Equal(t, "Re: Shipping", subject)
	irt, _ := h.MsgIDList("In-Reply-To")
	require.Equal(t, []string{"CAK1@mail.example.com"}, irt)
	id, _ := h.MessageID()
	require.Equal(t, sent.ProviderMessageID, "<"+id+">")
	require.Contains(t, string(msgs[0].Raw), "business days")

	// Ada answers the agent's email from her other address, with a new
	// subject: it is the same thread.
	reply := rawPost(t, inbound, rawEmail("Ada <ada.lovelace@work.example>", "<CAK3@mail.example.com>", sent.ProviderMessageID, "Hawaii?", "And to Hawaii?"), auth)
	require.Equal(t, 200, reply.Status, reply.Raw)
	require.Equal(t, first.Body["conversation_id"], reply.Body["conversation_id"])
	customerMessages(t, app, first.Body["conversation_id"].(string), 2)

	tr := do(t, "GET", app.URL+"/v1/conversations/"+first.Body["conversation_id"].(string), app.Keys.Auditor, nil)
	require.Equal(t, 200, tr.Status, tr.Raw)
	require.Equal(t, "sent", tr.Body["deliveries"].([]any)[0].(map[string]any)["status"])
}

// whatsAppDelivery gives the demo's WhatsApp channel Cloud API settings
// (app secret "app-secret") and starts delivery to the in-process Cloud
// API; it returns the delivery and the channel's ID.
func whatsAppDelivery(t *testing.T, app *testenv.App) (*deliveryBundle, string) {
	t.Helper()
	box, err := sealed.New("k1", map[string][]byte{"k1": []byte(strings.Repeat("s", sealed.KeySize))})
	require.NoError(t, err)
	app.Server.Secrets = box
	b := startDelivery(t, app, box)
	var wa string
	for _, w := range app.Demo.Webhooks {
		if w.Type == models.ChannelWhatsApp {
			wa = w.ChannelID
		}
	}
	r := do(t, "PUT", app.URL+"/v1/channels/"+wa+"/provider", app.Keys.Admin,
		[]byte(`{"whatsapp":{"phone_number_id":"106540352242922","access_token":"EAAG-secret-token","app_secret":"app-secret"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	return b, wa
}

// TestWhatsAppRoundTrip: a customer's WhatsApp message is answered through
// the Cloud API, and the API's delivery status reaches the outbox.
func TestWhatsAppRoundTrip(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	b, wa := whatsAppDelivery(t, app)
	// The demo's WhatsApp channel lets the agent answer only outside the
	// support team's hours; every conversation here goes to the agent.
	require.NoError(t, app.DB.Model(&models.ChannelSettings{}).Where("channel_id = ?", wa).
		Updates(map[string]any{"agent_hours_mode": models.AgentHoursAlways, "agent_share": 100}).Error)

	hook := app.URL + "/v1/channels/" + wa + "/inbound/whatsapp"
	post := func(body string) response {
		return rawPost(t, hook, []byte(body), map[string]string{"X-Hub-Signature-256": whatsAppSign("app-secret", []byte(body))})
	}
	in := post(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Ada"},"wa_id":"15551234567"}],
		"messages":[{"from":"15551234567","id":"wamid.IN1","timestamp":"1764900000","type":"text","text":{"body":"How long does shipping take?"}}]}}]}]}`)
	require.Equal(t, 200, in.Status, in.Raw)
	outboxID := in.Body["replies"].([]any)[0].(map[string]any)["outbox_id"].(string)
	sent := b.deliver(t, app, outboxID)
	require.Equal(t, "wamid.OUT1", sent.ProviderMessageID)
	b.mu.Lock()
	require.Len(t, b.whatsapp, 1)
	require.Equal(t, "15551234567", b.whatsapp[0]["to"])
	require.Equal(t, "text", b.whatsapp[0]["type"], "inside the 24-hour window")
	require.Contains(t, b.whatsapp[0]["text"].(map[string]any)["body"], "business days")
	b.mu.Unlock()

	st := post(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
		"statuses":[{"id":"wamid.OUT1","status":"delivered","timestamp":"1764900100","recipient_id":"15551234567"}]}}]}]}`)
	require.Equal(t, 200, st.Status, st.Raw)
	require.NoError(t, app.DB.Where("id = ?", outboxID).Take(&sent).Error)
	require.Equal(t, "delivered", sent.ProviderStatus)
}

// A rep's verification request reaches a WhatsApp customer: the agent's
// notice of the code goes to their phone through the outbox and the Cloud
// API, as its replies do.
func TestRepVerificationNoticeReachesAWhatsAppCustomer(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	b, wa := whatsAppDelivery(t, app)
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Ada"},"wa_id":"15551234567"}],
		"messages":[{"from":"15551234567","id":"wamid.IN1","timestamp":"1764900000","type":"text","text":{"body":"I want to talk to a person"}}]}}]}]}`
	in := rawPost(t, app.URL+"/v1/channels/"+wa+"/inbound/whatsapp", []byte(body),
		map[string]string{"X-Hub-Signature-256": whatsAppSign("app-secret", []byte(body))})
	require.Equal(t, 200, in.Status, in.Raw)
	conv := in.Body["replies"].([]any)[0].(map[string]any)["conversation_id"].(string)

	// A WhatsApp customer gave no email: the rep sends the one they said.
	v := do(t, "POST", app.URL+"/v1/rep/conversations/"+conv+"/verify", app.Keys.Rep, []byte(`{"email":"ada@example.com"}`))
	require.Equal(t, 202, v.Status, v.Raw)
	var notice models.OutboxMessage
	require.Eventually(t, func() bool {
		return app.DB.Where("idempotency_key LIKE ?", "agent_notice:%").Limit(1).Find(&notice).Error == nil && notice.ID != ""
	}, 15*time.Second, 100*time.Millisecond, "the notice is queued")
	require.Equal(t, "whatsapp_reply", notice.Kind)
	b.deliver(t, app, notice.ID)
	b.mu.Lock()
	defer b.mu.Unlock()
	var bodies []string
	for _, m := range b.whatsapp {
		require.Equal(t, "15551234567", m["to"])
		bodies = append(bodies, m["text"].(map[string]any)["body"].(string))
	}
	require.Contains(t, strings.Join(bodies, "\n"), "6-digit code")
}
