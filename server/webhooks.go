package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

// Inbound webhooks: an email or whatsapp provider (or the glue in front of
// it) posts each message a customer sends to a channel, signed with the
// channel's secret. The message joins the conversation of its sender on
// that channel, and the agent's reply goes to the outbox for delivery.

// WebhookSignatureHeader carries an inbound webhook's signature, in the
// scheme the team webhooks use: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>" with the channel's secret>" (activities.Sign makes one).
const WebhookSignatureHeader = activities.SignatureHeader

// WebhookTolerance is how far a signature's timestamp may be from the
// server's clock: an older request is refused, so a captured request cannot
// be replayed later.
const WebhookTolerance = 5 * time.Minute

// inboundMessage is the body of an inbound webhook.
type inboundMessage struct {
	// MessageID is the provider's ID of the message (an email's
	// Message-ID); a second request with the same ID is the same message.
	MessageID string `json:"message_id"`
	// From is the sender: an email address (email channels, "Ada
	// <ada@example.com>" is fine) or a phone number (whatsapp channels).
	From string `json:"from"`
	// Name is the sender's display name, when the provider knows it.
	Name    string `json:"name"`
	Subject string `json:"subject"`
	// Text is the message without quoted earlier messages.
	Text string `json:"text"`
}

type inboundResponse struct {
	messageResponse
	// MessageID is the provider's message ID the request carried.
	MessageID string `json:"message_id"`
	// OutboxID is the outbox message carrying the agent's reply; empty when
	// the agent stays silent (a rep has the conversation).
	OutboxID string `json:"outbox_id,omitempty"`
}

// maxProviderMessageID bounds a provider's message ID (an email's
// Message-ID header may be up to 998 characters).
const maxProviderMessageID = 998

// inboundWebhook: POST /v1/webhooks/{channelID}. A missing, malformed,
// stale or wrong signature → 401 and nothing is stored. A request repeated
// with the same message_id gets the same answer and adds nothing.
func (s *Server) inboundWebhook(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("channelID")
	if validID("channelID", id) != nil {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no webhook channel %q", id))
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
	var ch models.Channel
	var st models.ChannelSettings
	db := s.DB.WithContext(ctx)
	if err := db.Where("id = ?", id).Limit(1).Find(&ch).Error; err != nil {
		s.fail(c, err)
		return
	}
	if err := db.Where("channel_id = ?", id).Limit(1).Find(&st).Error; err != nil {
		s.fail(c, err)
		return
	}
	if ch.ID == "" || !isWebhookChannel(ch.Type) || st.WebhookSecret == "" {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no webhook channel %q", id))
		return
	}
	if err := verifySignature(st.WebhookSecret, c.GetHeader(WebhookSignatureHeader), body, time.Now()); err != nil {
		s.fail(c, err)
		return
	}

	in, err := decodeInbound(body)
	if err != nil {
		s.fail(c, err)
		return
	}
	resp, err := s.receiveInbound(ctx, ch, in, inboundThread{})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, resp)
}

// inboundThread is what a provider's message tells about its thread beyond
// its sender.
type inboundThread struct {
	// ConversationID, when set, is the conversation the message answers
	// (found by an email's In-Reply-To or References); otherwise the
	// sender's conversation on the channel.
	ConversationID string
	// Addresses are an email's To and Cc, for replying to all.
	Addresses []string
}

// receiveInbound feeds a customer's message from an email or whatsapp
// provider into its conversation and queues the agent's reply: the path
// of the signed webhook, the raw email route and the WhatsApp webhook.
func (s *Server) receiveInbound(ctx context.Context, ch models.Channel, in inboundMessage, thread inboundThread) (inboundResponse, error) {
	sender, contact, err := inboundSender(ch.Type, in)
	if err != nil {
		return inboundResponse{}, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" && ch.Type == models.ChannelEmail {
		// An email may ask its question in the subject alone.
		text = strings.TrimSpace(in.Subject)
	}
	if err := validText(text); err != nil {
		return inboundResponse{}, err
	}

	convID := thread.ConversationID
	if convID == "" {
		convID = WebhookConversationID(ch.Type, ch.ID, sender)
	}
	wfID := workflows.ConversationWorkflowID(ch.WorkspaceID, convID)
	// A message an abuse limit refuses never reaches the workflow.
	msg := workflows.CustomerMessage{
		ID: inboundMessageID(ch.ID, in.MessageID), Text: text, ContactEmail: contact.Email, ChannelID: ch.ID,
	}
	known, err := s.limitWebhookMessage(ctx, ch.ID, wfID, msg.ID)
	if err != nil {
		return inboundResponse{}, err
	}
	contact.WorkspaceID, contact.ChannelID = ch.WorkspaceID, ch.ID
	out, err := s.converse(ctx, ch.WorkspaceID, convID, ch.Type, false, known, msg, &contact)
	if err != nil {
		return inboundResponse{}, err
	}
	if ch.Type == models.ChannelEmail {
		// Replies to this email, and the agent's reply to it, thread into
		// this conversation.
		if err := s.rememberEmail(ctx, ch.ID, convID, in.MessageID, thread.Addresses); err != nil {
			return inboundResponse{}, err
		}
	}
	resp := inboundResponse{messageResponse: out, MessageID: in.MessageID}
	if out.Reply.Text != "" {
		resp.OutboxID, err = models.QueueChannelReply(ctx, s.DB, models.ChannelReply{
			WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, ChannelType: ch.Type,
			ConversationRowID: models.ConversationRowID(wfID), Recipient: sender,
			Subject: models.ReplySubject(ch.Type, in.Subject), Body: out.Reply.Text,
			Key: "channel_reply:" + ch.ID + ":" + msg.ID, InReplyTo: in.MessageID,
		})
		if err != nil {
			return inboundResponse{}, err
		}
	}
	return resp, nil
}

// verifySignature checks a "t=…,v1=…" signature of body with secret. Any
// of several v1 values may match.
func verifySignature(secret, header string, body []byte, now time.Time) error {
	if header == "" {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "%s: missing; sign each request with the channel's secret", WebhookSignatureHeader)
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "%s: expected \"t=<unix seconds>,v1=<hex HMAC-SHA256 of \\\"<t>.<body>\\\">\"", WebhookSignatureHeader)
	}
	if age := now.Sub(time.Unix(unix, 0)); age > WebhookTolerance || age < -WebhookTolerance {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "%s: the timestamp is more than %s from the server's clock; sign each delivery afresh", WebhookSignatureHeader, WebhookTolerance)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return apperr.Errorf(apperr.EUNAUTHORIZED, "%s: does not match the body (a wrong secret, or the body changed after signing)", WebhookSignatureHeader)
}

// decodeInbound decodes a webhook body (unknown fields are errors) and
// checks its message ID.
func decodeInbound(body []byte) (inboundMessage, error) {
	var in inboundMessage
	if len(bytes.TrimSpace(body)) == 0 {
		return in, apperr.Invalid("body", "must be a JSON object")
	}
	if !utf8.Valid(body) {
		return in, apperr.Invalid("body", "is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, jsonError(err)
	}
	switch {
	case strings.TrimSpace(in.MessageID) == "":
		return in, apperr.Invalid("message_id", "must not be empty (the provider's ID of the message)")
	case len(in.MessageID) > maxProviderMessageID:
		return in, apperr.Invalid("message_id", fmt.Sprintf("longer than %d characters", maxProviderMessageID))
	case utf8.RuneCountInString(in.Subject) > 998:
		return in, apperr.Invalid("subject", "longer than 998 characters")
	case utf8.RuneCountInString(in.Name) > 200:
		return in, apperr.Invalid("name", "longer than 200 characters")
	}
	return in, nil
}

// inboundSender returns the sender's address (the key that threads their
// messages) and what the message tells about them.
func inboundSender(channelType string, in inboundMessage) (string, models.ConversationContact, error) {
	contact := models.ConversationContact{Name: strings.TrimSpace(in.Name), Subject: strings.TrimSpace(in.Subject)}
	if strings.TrimSpace(in.From) == "" {
		return "", contact, apperr.Invalid("from", "must not be empty (the sender)")
	}
	if channelType == models.ChannelEmail {
		addr, err := mail.ParseAddress(in.From)
		if err != nil {
			return "", contact, apperr.Invalid("from", fmt.Sprintf("%q is not an email address", in.From))
		}
		if contact.Name == "" {
			contact.Name = addr.Name
		}
		contact.Email = strings.ToLower(addr.Address)
		return contact.Email, contact, nil
	}
	if !crm.ValidPhone(strings.TrimSpace(in.From)) {
		return "", contact, apperr.Invalid("from", fmt.Sprintf("%q is not a phone number", in.From))
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, in.From)
	contact.Phone = "+" + digits
	return contact.Phone, contact, nil
}

// WebhookConversationID is the conversation of a sender (a lower-case email
// address, or a phone number as "+<digits>") on an email or whatsapp
// channel: the same sender writes to the same conversation, which reopens
// when it has ended.
func WebhookConversationID(channelType, channelID, sender string) string {
	sum := sha256.Sum256([]byte(channelID + "\x00" + sender))
	return channelType + "-" + hex.EncodeToString(sum[:16])
}

// inboundMessageID is the message's ID in the conversation (the update ID),
// derived from the provider's ID so that a repeated request is the same
// message.
func inboundMessageID(channelID, providerID string) string {
	sum := sha256.Sum256([]byte(channelID + "\x00" + providerID))
	return "in-" + hex.EncodeToString(sum[:16])
}

// queueRepReply puts a rep's message to an email or whatsapp customer in
// the outbox (a chat customer reads it in the widget).
func (s *Server) queueRepReply(ctx context.Context, conv models.Conversation, req repMessageRequest) error {
	r, ok, err := models.ReplyTo(ctx, s.DB, conv, req.Text, "rep_reply:"+conv.ID+":"+req.ID)
	if !ok || err != nil {
		return err
	}
	_, err = models.QueueChannelReply(ctx, s.DB, r)
	return err
}
