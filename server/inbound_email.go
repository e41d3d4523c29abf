package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/delivery"
	"github.com/switchboardhq/switchboard/models"
)

// maxThreadLookups bounds the Message-IDs of In-Reply-To and References
// looked up to find an email's conversation.
const maxThreadLookups = 50

// inboundEmail: POST /v1/channels/{channelID}/inbound/email. The body is a
// raw RFC 5322 email (Content-Type message/rfc822), as a mail server's pipe
// or a provider's inbound route posts it, with the channel's webhook secret
// as a bearer token. The email joins the conversation its In-Reply-To or
// References name, else its sender's; an automatic email (out-of-office,
// bounce, list mail) is acknowledged with 202 and ignored.
func (s *Server) inboundEmail(c *gin.Context) {
	ctx := c.Request.Context()
	ch, err := s.webhookChannel(ctx, c.Param("channelID"), models.ChannelEmail)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := checkBearerSecret(c.GetHeader("Authorization"), ch.secret); err != nil {
		s.fail(c, err)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.fail(c, apperr.Errorf(apperr.ETOOLARGE, "body: larger than %d bytes", s.MaxBodyBytes))
			return
		}
		s.fail(c, apperr.Errorf(apperr.EINVALID, "body: could not be read"))
		return
	}
	email, resp, err := s.receiveEmail(ctx, ch.Channel, raw)
	if err != nil {
		s.fail(c, err)
		return
	}
	if email.AutoReply != "" {
		c.JSON(http.StatusAccepted, gin.H{"ignored": true, "reason": email.AutoReply, "message_id": email.MessageID})
		return
	}
	c.JSON(http.StatusOK, resp)
}

// receiveEmail takes a raw email sent to an email channel into its
// conversation: the path of the raw-email route and of the channel's
// polled IMAP mailbox. An automatic email (email.AutoReply) is ignored and
// stores nothing. The same email taken twice is one message (its
// Message-ID).
func (s *Server) receiveEmail(ctx context.Context, ch models.Channel, raw []byte) (delivery.InboundEmail, inboundResponse, error) {
	email, err := delivery.ParseEmail(raw)
	var invalid *delivery.InvalidError
	if errors.As(err, &invalid) {
		return email, inboundResponse{}, apperr.Invalid(invalid.Field, invalid.Reason)
	}
	if err != nil || email.AutoReply != "" {
		return email, inboundResponse{}, err
	}
	if len(email.MessageID) > maxProviderMessageID {
		return email, inboundResponse{}, apperr.Invalid("Message-ID", "longer than 998 characters")
	}
	convID, err := s.emailConversation(ctx, ch.ID, email.Thread)
	if err != nil {
		return email, inboundResponse{}, err
	}
	in := inboundMessage{MessageID: email.MessageID, From: email.From.Address, Name: email.From.Name, Subject: email.Subject, Text: email.Text}
	resp, err := s.receiveInbound(ctx, ch, in, inboundThread{ConversationID: convID, Addresses: email.Addresses})
	return email, resp, err
}

// AcceptEmail takes a raw email read from an email channel's IMAP mailbox
// into its conversation, as the raw-email route takes a posted one (the
// worker's delivery.MailboxActivities call it). An email that can never be
// taken (unreadable, no text, refused by the conversation) is a
// *delivery.InvalidError; other errors (a limit, Temporal or the database
// down) may pass on retry.
func (s *Server) AcceptEmail(ctx context.Context, channelID string, raw []byte) (delivery.AcceptedEmail, error) {
	ch, err := s.webhookChannel(ctx, channelID, models.ChannelEmail)
	if err != nil {
		return delivery.AcceptedEmail{}, err
	}
	email, resp, err := s.receiveEmail(ctx, ch.Channel, raw)
	switch apperr.Code(err) {
	case apperr.EINVALID, apperr.ETOOLARGE, apperr.EUNPROCESSABLE, apperr.EFORBIDDEN:
		field, reason, ok := strings.Cut(apperr.Message(err), ": ")
		if !ok {
			field, reason = "email", apperr.Message(err)
		}
		return delivery.AcceptedEmail{}, &delivery.InvalidError{Field: field, Reason: reason}
	}
	if err != nil {
		return delivery.AcceptedEmail{}, err
	}
	return delivery.AcceptedEmail{MessageID: email.MessageID, ConversationID: resp.ConversationID, Ignored: email.AutoReply}, nil
}

// webhookChannelRow is an email or whatsapp channel with its webhook
// secret.
type webhookChannelRow struct {
	models.Channel
	secret string
}

// webhookChannel loads an email or whatsapp channel of type typ by ID,
// without a key: any failure is the same 404, which tells a prober nothing.
func (s *Server) webhookChannel(ctx context.Context, id, typ string) (webhookChannelRow, error) {
	notFound := apperr.Errorf(apperr.ENOTFOUND, "no %s channel %q", typ, id)
	if validID("channelID", id) != nil {
		return webhookChannelRow{}, notFound
	}
	var ch models.Channel
	var st models.ChannelSettings
	db := s.DB.WithContext(ctx)
	if err := db.Where("id = ?", id).Limit(1).Find(&ch).Error; err != nil {
		return webhookChannelRow{}, err
	}
	if err := db.Where("channel_id = ?", id).Limit(1).Find(&st).Error; err != nil {
		return webhookChannelRow{}, err
	}
	if ch.ID == "" || ch.Type != typ {
		return webhookChannelRow{}, notFound
	}
	return webhookChannelRow{Channel: ch, secret: st.WebhookSecret}, nil
}

// checkBearerSecret compares "Bearer <secret>" with the channel's secret in
// constant time.
func checkBearerSecret(header, secret string) error {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "Authorization: missing; send \"Bearer <the channel's webhook secret>\"")
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(token), []byte(secret)) != 1 {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "Authorization: not the channel's webhook secret")
	}
	return nil
}

// emailConversation is the conversation of the newest email on the channel
// that In-Reply-To or References names ("" when none is known).
func (s *Server) emailConversation(ctx context.Context, channelID string, thread []string) (string, error) {
	if len(thread) > maxThreadLookups {
		thread = thread[:maxThreadLookups]
	}
	var ids []string
	for _, id := range thread {
		ids = append(ids, delivery.ThreadID(channelID, id))
	}
	if len(ids) == 0 {
		return "", nil
	}
	var known models.EmailThread
	err := s.DB.WithContext(ctx).Where("channel_id = ? AND id IN ?", channelID, ids).
		Order("created_at DESC").Limit(1).Find(&known).Error
	return known.ConversationID, err
}

// rememberEmail links an email's Message-ID to its conversation, with its
// other addresses, once.
func (s *Server) rememberEmail(ctx context.Context, channelID, convID, messageID string, addresses []string) error {
	row := models.EmailThread{
		ID: delivery.ThreadID(channelID, messageID), ChannelID: channelID, ConversationID: convID,
		MessageID: strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(messageID), "<"), ">"),
		Addresses: models.JSON[[]string]{V: addresses}, CreatedAt: time.Now().UTC(),
	}
	return s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
}
