package delivery_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/mailcatcher"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// testBundle is a worker delivering the outbox of one database to an
// in-process SMTP server and a WhatsApp Cloud API on httptest.
type testBundle struct {
	db         *gorm.DB
	catcher    *mailcatcher.Catcher
	dispatcher *delivery.Dispatcher
	acts       *delivery.Activities
	box        *sealed.Box
	whatsapp   *fakeWhatsApp
}

func setup(t *testing.T, db *gorm.DB) *testBundle {
	t.Helper()
	catcher, err := mailcatcher.Start("127.0.0.1:0", "")
	require.NoError(t, err)
	t.Cleanup(func() { catcher.Close() })
	c, err := client.Dial(client.Options{
		HostPort: testenv.TemporalAddress(t), Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	box, err := sealed.New("k1", map[string][]byte{"k1": []byte(strings.Repeat("k", sealed.KeySize))})
	require.NoError(t, err)
	wa := newFakeWhatsApp(t)
	acts := &delivery.Activities{
		DB: db, From: "Support <support@shop.example>", Secrets: box,
		Mailer:   &delivery.SMTPMailer{Config: config.SMTP{Addr: catcher.Addr(), TLS: config.SMTPNoTLS}},
		WhatsApp: &delivery.WhatsAppClient{BaseURL: wa.URL + "/v21.0"},
	}
	queue := fmt.Sprintf("test-delivery-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	w := sdkworker.New(c, queue, sdkworker.Options{})
	w.RegisterWorkflow(delivery.DeliverOutboxWorkflow)
	w.RegisterActivity(acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	return &testBundle{
		db: db, catcher: catcher, acts: acts, box: box, whatsapp: wa,
		dispatcher: &delivery.Dispatcher{
			DB: db, Temporal: c, TaskQueue: queue, Emails: true, FirstRetry: 200 * time.Millisecond, MaxAttempts: 3,
		},
	}
}

// queue writes an outbox message as the activities and the API do.
func (b *testBundle) queue(t *testing.T, kind, recipient, body string) models.OutboxMessage {
	t.Helper()
	row := models.OutboxMessage{
		ID: uuid.NewString(), WorkspaceID: uuid.NewString(), Kind: kind, Recipient: recipient,
		Subject: "Reset your password", Body: body, IdempotencyKey: "test:" + uuid.NewString(), CreatedAt: time.Now().UTC(),
	}
	require.NoError(t, b.db.Create(&row).Error)
	return row
}

// settle dispatches and waits until every message given has its final
// status, and returns them.
func (b *testBundle) settle(t *testing.T, ids ...string) map[string]models.OutboxMessage {
	t.Helper()
	_, err := b.dispatcher.DispatchOnce(context.Background())
	require.NoError(t, err)
	out := map[string]models.OutboxMessage{}
	require.Eventually(t, func() bool {
		var rows []models.OutboxMessage
		require.NoError(t, b.db.Where("id IN ?", ids).Find(&rows).Error)
		for _, r := range rows {
			if r.Status != models.OutboxSent && r.Status != models.OutboxFailed {
				return false
			}
			out[r.ID] = r
		}
		return len(rows) == len(ids)
	}, time.Minute, 100*time.Millisecond)
	return out
}

func TestCompose(t *testing.T) {
	t.Parallel()
	raw, err := delivery.Compose(delivery.Email{
		From: &mail.Address{Name: "Support", Address: "support@shop.example"},
		To:   []*mail.Address{{Address: "ada@example.com"}}, Subject: "Re: Shipping",
		Text:      "Standard shipping takes 3–5 days.\n\nSee <https://shop.example/ship> & more.",
		MessageID: "sb-1@shop.example", InReplyTo: "CAK1x@mail.example", References: []string{"CAK0@mail.example", "CAK1x@mail.example"},
		Date: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	mr, err := mail.CreateReader(strings.NewReader(string(raw)))
	require.NoError(t, err)
	typ, _, err := mr.Header.ContentType()
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", typ)
	id, err := mr.Header.MessageID()
	require.NoError(t, err)
	require.Equal(t, "sb-1@shop.example", id)
	irt, err := mr.Header.MsgIDList("In-Reply-To")
	require.NoError(t, err)
	require.Equal(t, []string{"CAK1x@mail.example"}, irt)
	refs, err := mr.Header.MsgIDList("References")
	require.NoError(t, err)
	require.Equal(t, []string{"CAK0@mail.example", "CAK1x@mail.example"}, refs)
	parts := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		ct, _, _ := p.Header.(*mail.InlineHeader).ContentType()
		b, _ := io.ReadAll(p.Body)
		parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	require.Equal(t, "Standard shipping takes 3–5 days.\n\nSee <https://shop.example/ship> & more.", parts["text/plain"])
	require.Contains(t, parts["text/html"], "<p>See &lt;https://shop.example/ship&gt; &amp; more.</p>")
}

func TestMessageIDIsStable(t *testing.T) {
	t.Parallel()
	a := delivery.MessageIDFor("reset:42", "shop.example")
	require.Equal(t, a, delivery.MessageIDFor("reset:42", "shop.example"))
	require.NotEqual(t, a, delivery.MessageIDFor("reset:43", "shop.example"))
	require.True(t, strings.HasSuffix(a, "@shop.example"))
}

// TestDeliversEachEmailOnce: each queued email reaches the SMTP server once,
// with its stable Message-ID, and a dispatch or an attempt repeated sends
// nothing more.
func TestDeliversEachEmailOnce(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		reset := b.queue(t, "password_reset", "ada@example.com", "Your reset link: https://shop.example/reset/abc")
		code := b.queue(t, "verification_code", "Grace <grace@example.com>", "Your code is 123456.")
		rows := b.settle(t, reset.ID, code.ID)
		require.Len(t, b.catcher.Messages(), 2)
		for _, id := range []string{reset.ID, code.ID} {
			r := rows[id]
			require.Equal(t, models.OutboxSent, r.Status, r.LastError)
			require.Equal(t, 1, r.Attempts)
			require.NotNil(t, r.SentAt)
			require.Equal(t, "<"+delivery.MessageIDFor(r.IdempotencyKey, "shop.example")+">", r.ProviderMessageID)
		}
		byID := map[string]mailcatcher.Message{}
		for _, m := range b.catcher.Messages() {
			h := m.Header()
			id, err := h.MessageID()
			require.NoError(t, err)
			byID["<"+id+">"] = m
		}
		require.Equal(t, []string{"grace@example.com"}, byID[rows[code.ID].ProviderMessageID].To)
		require.Equal(t, "support@shop.example", byID[rows[code.ID].ProviderMessageID].From)
		codeHeader := byID[rows[code.ID].ProviderMessageID].Header()
		require.Equal(t, "auto-generated", codeHeader.Get("Auto-Submitted"))

		// Dispatched again, sent again: nothing more reaches the server.
		n, err := b.dispatcher.DispatchOnce(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)
		res, err := b.acts.Send(context.Background(), delivery.SendInput{OutboxID: reset.ID})
		require.NoError(t, err)
		require.Equal(t, models.OutboxSent, res.Status)
		require.Len(t, b.catcher.Messages(), 2)
	})
}

// TestRetriesThenFails: a server's 4xx is retried with backoff until it
// passes; a 5xx is final, and the reason is recorded.
func TestRetriesThenFails(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		var mu sync.Mutex
		tries := map[string]int{}
		b.catcher.Accept = func(_ string, to []string, _ []byte) error {
			mu.Lock()
			defer mu.Unlock()
			tries[to[0]]++
			switch {
			case to[0] == "nobody@example.com":
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
			case tries[to[0]] == 1:
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			}
			return nil
		}
		flaky := b.queue(t, "password_reset", "ada@example.com", "Your link.")
		bad := b.queue(t, "password_reset", "nobody@example.com", "Your link.")
		rows := b.settle(t, flaky.ID, bad.ID)
		require.Equal(t, models.OutboxSent, rows[flaky.ID].Status)
		require.Equal(t, 2, rows[flaky.ID].Attempts)
		require.Empty(t, rows[flaky.ID].LastError)
		require.Equal(t, models.OutboxFailed, rows[bad.ID].Status)
		require.Equal(t, 1, rows[bad.ID].Attempts)
		require.Contains(t, rows[bad.ID].LastError, "no such user")
		require.Len(t, b.catcher.Messages(), 1)
	})
}

// TestReplyKeepsTheThread: a reply to an inbound email carries In-Reply-To
// and References, and its own Message-ID joins the thread.
func TestReplyKeepsTheThread(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	b := setup(t, db)
	channelID, convID := uuid.NewString(), "email-abc"
	conv := models.Conversation{ID: uuid.NewString(), WorkspaceID: uuid.NewString(), ExternalID: convID, WorkflowID: "wf", Status: "ai_active", ChannelID: channelID}
	require.NoError(t, db.Create(&conv).Error)
	require.NoError(t, db.Create(&models.EmailThread{
		ID: uuid.NewString(), ChannelID: channelID, ConversationID: convID, MessageID: "first@mail.example",
		Addresses: models.JSON[[]string]{V: []string{"help@shop.example", "bob@example.com", "ada@example.com"}}, CreatedAt: time.Now().Add(-time.Minute),
	}).Error)
	require.NoError(t, db.Create(&models.ChannelProvider{ChannelID: channelID, WorkspaceID: conv.WorkspaceID, ReplyAll: true}).Error)
	reply := b.queue(t, models.OutboxEmailReply, "ada@example.com", "Here is the answer.")
	require.NoError(t, db.Create(&models.ChannelDelivery{
		OutboxMessageID: reply.ID, ChannelID: channelID, ConversationID: conv.ID, InReplyTo: "<second@mail.example>", CreatedAt: time.Now(),
	}).Error)
	rows := b.settle(t, reply.ID)
	require.Equal(t, models.OutboxSent, rows[reply.ID].Status, rows[reply.ID].LastError)
	msgs := b.catcher.Messages()
	require.Len(t, msgs, 1)
	h := msgs[0].Header()
	irt, _ := h.MsgIDList("In-Reply-To")
	require.Equal(t, []string{"second@mail.example"}, irt)
	refs, _ := h.MsgIDList("References")
	require.Equal(t, []string{"first@mail.example", "second@mail.example"}, refs)
	require.ElementsMatch(t, []string{"ada@example.com", "bob@example.com"}, msgs[0].To, "reply to all: the thread's Cc")
	require.Equal(t, "auto-replied", h.Get("Auto-Submitted"), "so that the customer's auto-responder does not answer")

	var links []models.EmailThread
	require.NoError(t, db.Where("conversation_id = ?", convID).Find(&links).Error)
	require.Len(t, links, 2, "the reply's Message-ID joins the thread")
}

// fakeWhatsApp speaks the Cloud API's send-message call.
type fakeWhatsApp struct {
	*httptest.Server
	mu   sync.Mutex
	sent []map[string]any
}

func newFakeWhatsApp(t *testing.T) *fakeWhatsApp {
	f := &fakeWhatsApp{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost || r.URL.Path != "/v21.0/1055/messages" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"message":"Unsupported post request","type":"GraphMethodException","code":100}}`)
			return
		}
		if r.Header.Get("Authorization") != "Bearer EAAG-token" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`)
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.sent = append(f.sent, body)
		n := len(f.sent)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.%d"}]}`, body["to"], body["to"], n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeWhatsApp) messages() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.sent...)
}

// TestWhatsAppWindow: inside the 24-hour window a reply goes as text;
// outside it as the channel's template; without a template it fails.
func TestWhatsAppWindow(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		workspace := uuid.NewString()
		channel := func(template string) string {
			id := uuid.NewString()
			token, err := b.box.Seal("EAAG-token", models.WhatsAppTokenPurpose(id))
			require.NoError(t, err)
			require.NoError(t, db.Create(&models.ChannelProvider{
				ChannelID: id, WorkspaceID: workspace, WhatsAppPhoneNumberID: "1055", WhatsAppToken: token,
				WhatsAppTemplate: template, WhatsAppTemplateLanguage: "en",
			}).Error)
			return id
		}
		reply := func(channelID string, lastMessage time.Time) models.OutboxMessage {
			conv := models.Conversation{ID: uuid.NewString(), WorkspaceID: workspace, ExternalID: uuid.NewString(), WorkflowID: "wf", Status: "ai_active"}
			require.NoError(t, db.Create(&conv).Error)
			require.NoError(t, db.Create(&models.Message{
				ID: uuid.NewString(), ConversationID: conv.ID, ClientID: "m1", Role: models.MessageCustomer, Text: "hi", CreatedAt: lastMessage,
			}).Error)
			row := b.queue(t, models.OutboxWhatsAppReply, "+1 555 0100", "Your order ships today.")
			require.NoError(t, db.Create(&models.ChannelDelivery{
				OutboxMessageID: row.ID, ChannelID: channelID, ConversationID: conv.ID, CreatedAt: time.Now(),
			}).Error)
			return row
		}
		withTemplate, without := channel("order_update"), channel("")
		inside := reply(without, time.Now().Add(-time.Hour))
		outside := reply(withTemplate, time.Now().Add(-25*time.Hour))
		expired := reply(without, time.Now().Add(-25*time.Hour))
		b.dispatcher.Emails = false
		rows := b.settle(t, inside.ID, outside.ID, expired.ID)

		require.Equal(t, models.OutboxSent, rows[inside.ID].Status, rows[inside.ID].LastError)
		require.Equal(t, models.OutboxSent, rows[outside.ID].Status, rows[outside.ID].LastError)
		require.Equal(t, models.OutboxFailed, rows[expired.ID].Status)
		require.Contains(t, rows[expired.ID].LastError, "24-hour")
		var event models.RepEvent
		require.NoError(t, db.Where("kind = ?", delivery.RepEventDeliveryFailed).Take(&event).Error, "reps learn of it")
		require.Equal(t, expired.ID, event.Payload.V["outbox_id"])
		require.Contains(t, event.Payload.V["reason"], "24-hour")
		sent := b.whatsapp.messages()
		require.Len(t, sent, 2)
		byType := map[string]map[string]any{}
		for _, m := range sent {
			require.Equal(t, "whatsapp", m["messaging_product"])
			require.Equal(t, "15550100", m["to"])
			byType[m["type"].(string)] = m
		}
		require.Equal(t, "Your order ships today.", byType["text"]["text"].(map[string]any)["body"])
		tmpl := byType["template"]["template"].(map[string]any)
		require.Equal(t, "order_update", tmpl["name"])
		require.Equal(t, map[string]any{"code": "en"}, tmpl["language"])
		require.Contains(t, rows[inside.ID].ProviderMessageID+rows[outside.ID].ProviderMessageID, "wamid.")
	})
}

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// TestChannelSMTP: a channel's own SMTP server sends its replies, and its
// workspace's emails that have no channel; other emails use the
// configured server, or stay queued without one.
func TestChannelSMTP(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		own, err := mailcatcher.Start("127.0.0.1:0", "")
		require.NoError(t, err)
		t.Cleanup(func() { own.Close() })
		channelID := uuid.NewString()
		reply := b.queue(t, models.OutboxEmailReply, "ada@example.com", "Here is the answer.")
		require.NoError(t, db.Create(&models.ChannelProvider{
			ChannelID: channelID, WorkspaceID: reply.WorkspaceID, EmailFrom: "Help <help@own.example>",
			SMTPAddr: own.Addr(), SMTPTLS: config.SMTPNoTLS,
		}).Error)
		conv := models.Conversation{ID: uuid.NewString(), WorkspaceID: reply.WorkspaceID, ExternalID: "email-1", WorkflowID: "wf", Status: "ai_active"}
		require.NoError(t, db.Create(&conv).Error)
		require.NoError(t, db.Create(&models.ChannelDelivery{OutboxMessageID: reply.ID, ChannelID: channelID, ConversationID: conv.ID, CreatedAt: time.Now()}).Error)
		reset := b.queue(t, "password_reset", "ada@example.com", "Your link.")
		require.NoError(t, db.Model(&reset).Update("workspace_id", reply.WorkspaceID).Error)
		other := b.queue(t, "password_reset", "grace@example.com", "Your link.")

		// Without a configured server, only the channel's workspace's
		// emails go.
		b.dispatcher.Emails = false
		rows := b.settle(t, reply.ID, reset.ID)
		require.Equal(t, models.OutboxSent, rows[reply.ID].Status, rows[reply.ID].LastError)
		require.Equal(t, models.OutboxSent, rows[reset.ID].Status, rows[reset.ID].LastError)
		require.Len(t, own.Messages(), 2)
		for _, m := range own.Messages() {
			require.Equal(t, "help@own.example", m.From)
		}
		var waiting models.OutboxMessage
		require.NoError(t, db.Where("id = ?", other.ID).Take(&waiting).Error)
		require.Equal(t, models.OutboxQueued, waiting.Status)

		b.dispatcher.Emails = true
		rows = b.settle(t, other.ID)
		require.Equal(t, models.OutboxSent, rows[other.ID].Status)
		require.Len(t, b.catcher.Messages(), 1, "the configured server")
		require.Len(t, own.Messages(), 2)
	})
}
