package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// The WhatsApp Business Cloud API's webhook, as Meta sends it: a GET
// verification challenge when the webhook is configured, then a POST per
// notification (messages received, statuses of messages sent) signed with
// the Meta app's secret.

// whatsAppChannel loads a whatsapp channel with its provider settings (404
// for anything else, or one without Cloud API settings).
func (s *Server) whatsAppChannel(ctx context.Context, id string) (webhookChannelRow, models.ChannelProvider, error) {
	var p models.ChannelProvider
	ch, err := s.webhookChannel(ctx, id, models.ChannelWhatsApp)
	if err != nil {
		return ch, p, err
	}
	if err := s.DB.WithContext(ctx).Where("channel_id = ?", ch.ID).Limit(1).Find(&p).Error; err != nil {
		return ch, p, err
	}
	if p.WhatsAppPhoneNumberID == "" {
		return ch, p, apperr.Errorf(apperr.ENOTFOUND, "no whatsapp channel %q with Cloud API settings", id)
	}
	return ch, p, nil
}

// whatsAppVerify: GET /v1/channels/{channelID}/inbound/whatsapp. Meta's
// verification request: hub.mode=subscribe, hub.verify_token (the
// channel's verify token) and hub.challenge, echoed back as plain text.
func (s *Server) whatsAppVerify(c *gin.Context) {
	ctx := c.Request.Context()
	ch, p, err := s.whatsAppChannel(ctx, c.Param("channelID"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("hub.mode") != "subscribe" {
		s.fail(c, apperr.Invalid("hub.mode", "must be \"subscribe\""))
		return
	}
	challenge := c.Query("hub.challenge")
	if challenge == "" || len(challenge) > 256 {
		s.fail(c, apperr.Invalid("hub.challenge", "must be 1 to 256 characters"))
		return
	}
	if p.WhatsAppVerifyToken == "" {
		s.fail(c, apperr.Errorf(apperr.EFORBIDDEN, "hub.verify_token: the channel has no verify token; set whatsapp.verify_token"))
		return
	}
	want, err := s.openSecret(p.WhatsAppVerifyToken, models.WhatsAppVerifyTokenPurpose(ch.ID))
	if err != nil {
		s.fail(c, err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(c.Query("hub.verify_token")), []byte(want)) != 1 {
		s.fail(c, apperr.Errorf(apperr.EFORBIDDEN, "hub.verify_token: not the channel's verify token"))
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// openSecret opens a sealed secret of a channel; without a secrets key
// the answer is 503, not an internal error.
func (s *Server) openSecret(value, purpose string) (string, error) {
	v, err := s.Secrets.Open(value, purpose)
	if errors.Is(err, sealed.ErrNoKeys) {
		return "", apperr.Errorf(apperr.EUNAVAILABLE, "the channel's secrets cannot be opened: no secrets key is configured (SWITCHBOARD_SECRETS_KEYS)")
	}
	return v, err
}

// whatsAppResponse says what a notification did.
type whatsAppResponse struct {
	// Replies are the answers to the text messages, in order.
	Replies []inboundResponse `json:"replies"`
	// Statuses counts the delivery statuses recorded.
	Statuses int `json:"statuses"`
	// Skipped counts the messages the agent does not read (not text, or to
	// another number).
	Skipped int `json:"skipped"`
}

// whatsAppWebhook: POST /v1/channels/{channelID}/inbound/whatsapp. A
// missing or wrong X-Hub-Signature-256 → 401 and nothing is stored. Text
// messages go to their sender's conversation (a retried notification adds
// nothing: the message ID is the provider's); statuses update the outbox.
func (s *Server) whatsAppWebhook(c *gin.Context) {
	ctx := c.Request.Context()
	ch, p, err := s.whatsAppChannel(ctx, c.Param("channelID"))
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.fail(c, apperr.Errorf(apperr.ETOOLARGE, "body: larger than %d bytes", s.MaxBodyBytes))
			return
		}
		s.fail(c, apperr.Errorf(apperr.EINVALID, "body: could not be read"))
		return
	}
	if p.WhatsAppAppSecret == "" {
		s.fail(c, apperr.Errorf(apperr.EUNAUTHORIZED, "%s: the channel has no app secret to check it with; set whatsapp.app_secret", delivery.WhatsAppSignatureHeader))
		return
	}
	secret, err := s.openSecret(p.WhatsAppAppSecret, models.WhatsAppAppSecretPurpose(ch.ID))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !delivery.VerifyWhatsAppSignature(secret, c.GetHeader(delivery.WhatsAppSignatureHeader), body) {
		s.fail(c, apperr.Errorf(apperr.EUNAUTHORIZED, "%s: missing, or not \"sha256=<hex HMAC-SHA256 of the body with the app secret>\"", delivery.WhatsAppSignatureHeader))
		return
	}
	hook, err := delivery.ParseWhatsAppWebhook(body)
	var invalid *delivery.InvalidError
	if errors.As(err, &invalid) {
		s.fail(c, apperr.Invalid(invalid.Field, invalid.Reason))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	// Every message is checked before any is fed in: a bad one writes
	// nothing.
	for _, entry := range hook.Entry {
		for _, change := range entry.Changes {
			for _, m := range change.Value.Messages {
				if m.Type != "text" || m.Text == nil {
					continue
				}
				if m.ID == "" || len(m.ID) > maxProviderMessageID {
					s.fail(c, apperr.Invalid("messages[].id", "must be 1 to 998 characters"))
					return
				}
				if err := validText(strings.TrimSpace(m.Text.Body)); err != nil {
					s.fail(c, err)
					return
				}
			}
			for _, st := range change.Value.Statuses {
				if st.ID == "" {
					s.fail(c, apperr.Invalid("statuses[].id", "must not be empty"))
					return
				}
			}
		}
	}
	out := whatsAppResponse{Replies: []inboundResponse{}}
	for _, entry := range hook.Entry {
		for _, change := range entry.Changes {
			v := change.Value
			if change.Field != "messages" || v.Metadata.PhoneNumberID != p.WhatsAppPhoneNumberID {
				out.Skipped += len(v.Messages)
				continue
			}
			for _, st := range v.Statuses {
				if err := s.recordWhatsAppStatus(ctx, ch.WorkspaceID, st); err != nil {
					s.fail(c, err)
					return
				}
				out.Statuses++
			}
			names := map[string]string{}
			for _, contact := range v.Contacts {
				names[contact.WaID] = contact.Profile.Name
			}
			for _, m := range v.Messages {
				if m.Type != "text" || m.Text == nil {
					out.Skipped++
					continue
				}
				in := inboundMessage{MessageID: m.ID, From: "+" + m.From, Name: names[m.From], Text: m.Text.Body}
				resp, err := s.receiveInbound(ctx, ch.Channel, in, inboundThread{})
				if err != nil {
					s.fail(c, err)
					return
				}
				out.Replies = append(out.Replies, resp)
			}
		}
	}
	c.JSON(http.StatusOK, out)
}

// laterStatuses are the statuses that come after each.
var laterStatuses = map[string][]string{
	"sent":      {"sent", "delivered", "read", "failed"},
	"delivered": {"delivered", "read", "failed"},
	"read":      {"read", "failed"},
}

// recordWhatsAppStatus records the Cloud API's report on a message sent:
// its provider status, and a failure as the message's final status.
func (s *Server) recordWhatsAppStatus(ctx context.Context, workspaceID string, st delivery.WhatsAppStatus) error {
	if st.ID == "" {
		return apperr.Invalid("statuses[].id", "must not be empty")
	}
	switch st.Status {
	case "sent", "delivered", "read", "failed":
	default:
		return nil // "deleted", "warning" and future statuses change nothing
	}
	q := s.DB.WithContext(ctx).Model(&models.OutboxMessage{}).
		Where("workspace_id = ? AND provider_message_id = ? AND kind = ?", workspaceID, st.ID, models.OutboxWhatsAppReply)
	updates := map[string]any{"provider_status": st.Status}
	switch st.Status {
	case "failed":
		updates["status"] = models.OutboxFailed
		updates["last_error"] = st.ErrorText()
	default:
		// Statuses may arrive out of order: a late "delivered" does not
		// undo "read", nor anything undo "failed".
		q = q.Where("provider_status NOT IN ?", laterStatuses[st.Status])
	}
	return q.Updates(updates).Error
}
