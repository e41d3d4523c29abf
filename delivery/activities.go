package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// PermanentErrorType is the Temporal error type of a failure no retry can
// fix (DeliverOutboxWorkflow does not retry it).
const PermanentErrorType = "PermanentDeliveryError"

// Mailer sends one composed email (SMTPMailer in production).
type Mailer interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// Activities send outbox messages. Register once: w.RegisterActivity(acts).
type Activities struct {
	DB *gorm.DB
	// Mailer sends the emails; nil refuses them (no SMTP configured).
	Mailer Mailer
	// From is the sender of emails whose channel names none.
	From string
	// WhatsApp sends whatsapp messages.
	WhatsApp *WhatsAppClient
	// Secrets opens the channels' sealed WhatsApp tokens and SMTP
	// passwords.
	Secrets *sealed.Box
	// TLSConfig verifies the channels' own SMTP servers (nil: the system's
	// roots).
	TLSConfig *tls.Config
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// SendInput names the outbox message to send.
type SendInput struct{ OutboxID string }

// SendResult is the message's status after the attempt.
type SendResult struct {
	// Status is models.OutboxSent, or models.OutboxFailed when an earlier
	// run recorded a failure.
	Status            string
	ProviderMessageID string
	Error             string
}

// MarkFailedInput records a final failure.
type MarkFailedInput struct {
	OutboxID string
	Reason   string
}

// MarkFailedResult names the conversation whose reply failed, when the
// message was one (a customer's, not a test's): its workflow is told.
type MarkFailedResult struct {
	ConversationWorkflowID string
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// Send sends one outbox message, once: a message recorded as sent is not
// sent again. Each attempt is counted, and its failure recorded as the
// message's last error.
func (a *Activities) Send(ctx context.Context, in SendInput) (SendResult, error) {
	db := a.DB.WithContext(ctx)
	var row models.OutboxMessage
	if err := db.Where("id = ?", in.OutboxID).Limit(1).Find(&row).Error; err != nil {
		return SendResult{}, fmt.Errorf("load outbox message: %w", err)
	}
	switch {
	case row.ID == "":
		return SendResult{}, temporal.NewNonRetryableApplicationError("no outbox message "+in.OutboxID, PermanentErrorType, nil)
	case row.Status == models.OutboxSent:
		return SendResult{Status: models.OutboxSent, ProviderMessageID: row.ProviderMessageID}, nil
	case row.Status == models.OutboxFailed:
		return SendResult{Status: models.OutboxFailed, Error: row.LastError}, nil
	}
	if err := db.Model(&models.OutboxMessage{}).
		Where("id = ? AND status IN ?", row.ID, []string{models.OutboxQueued, models.OutboxSending}).
		Updates(map[string]any{"status": models.OutboxSending, "attempts": gorm.Expr("attempts + 1")}).Error; err != nil {
		return SendResult{}, fmt.Errorf("count attempt: %w", err)
	}
	// Heartbeats tell Temporal the worker is alive; a worker killed
	// mid-send is noticed after the heartbeat timeout, not the whole
	// start-to-close one.
	beat, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(3 * time.Second)
		defer t.Stop()
		for {
			activity.RecordHeartbeat(beat)
			select {
			case <-beat.Done():
				return
			case <-t.C:
			}
		}
	}()

	var providerID string
	var err error
	if row.Kind == models.OutboxWhatsAppReply {
		providerID, err = a.sendWhatsApp(ctx, row)
	} else {
		providerID, err = a.sendEmail(ctx, row)
	}
	if err != nil {
		if dbErr := db.Model(&models.OutboxMessage{}).Where("id = ?", row.ID).
			Update("last_error", err.Error()).Error; dbErr != nil {
			return SendResult{}, errors.Join(err, dbErr)
		}
		var permanent *PermanentError
		if errors.As(err, &permanent) {
			return SendResult{}, temporal.NewNonRetryableApplicationError(err.Error(), PermanentErrorType, err)
		}
		return SendResult{}, err
	}
	now := a.now()
	if err := db.Model(&models.OutboxMessage{}).Where("id = ?", row.ID).Updates(map[string]any{
		"status": models.OutboxSent, "sent_at": now, "provider_message_id": providerID, "last_error": "",
	}).Error; err != nil {
		return SendResult{}, fmt.Errorf("record sent: %w", err)
	}
	return SendResult{Status: models.OutboxSent, ProviderMessageID: providerID}, nil
}

// RepEventDeliveryFailed is the rep event (models.RepEvent.Kind) of a reply
// to a customer that could not be delivered: a rep must reach them another
// way, or take the conversation (a WhatsApp window that has closed).
const RepEventDeliveryFailed = "delivery_failed"

// MarkFailed records that delivery gave up, and why (a message sent in the
// meantime stays sent). When the message answered a conversation, its reps
// learn about it at once (RepEventDeliveryFailed).
func (a *Activities) MarkFailed(ctx context.Context, in MarkFailedInput) (MarkFailedResult, error) {
	var out MarkFailedResult
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.OutboxMessage{}).Where("id = ? AND status <> ?", in.OutboxID, models.OutboxSent).
			Updates(map[string]any{"status": models.OutboxFailed, "last_error": in.Reason})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		var row models.OutboxMessage
		var d models.ChannelDelivery
		var conv models.Conversation
		if err := tx.Where("id = ?", in.OutboxID).Take(&row).Error; err != nil {
			return fmt.Errorf("load outbox message: %w", err)
		}
		if err := tx.Where("outbox_message_id = ?", in.OutboxID).Limit(1).Find(&d).Error; err != nil || d.ConversationID == "" {
			return err
		}
		if err := tx.Where("id = ?", d.ConversationID).Limit(1).Find(&conv).Error; err != nil || conv.ID == "" || conv.Test {
			return err
		}
		event := models.RepEvent{
			WorkspaceID: conv.WorkspaceID, Team: conv.Team, ConversationID: conv.ExternalID, Kind: RepEventDeliveryFailed,
			Payload: models.NewJSON(map[string]any{
				"outbox_id": row.ID, "kind": row.Kind, "recipient": row.Recipient, "reason": in.Reason,
			}),
			Key: RepEventDeliveryFailed + ":" + row.ID, CreatedAt: a.now(),
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&event).Error; err != nil {
			return fmt.Errorf("tell reps: %w", err)
		}
		out.ConversationWorkflowID = conv.WorkflowID
		return nil
	})
	return out, err
}

// channelOf returns the message's channel delivery and the channel's
// provider settings (zero values when the message has no channel, as a
// password reset has none).
func (a *Activities) channelOf(ctx context.Context, outboxID string) (models.ChannelDelivery, models.ChannelProvider, error) {
	var d models.ChannelDelivery
	var p models.ChannelProvider
	db := a.DB.WithContext(ctx)
	if err := db.Where("outbox_message_id = ?", outboxID).Limit(1).Find(&d).Error; err != nil {
		return d, p, fmt.Errorf("load channel delivery: %w", err)
	}
	if d.ChannelID == "" {
		return d, p, nil
	}
	if err := db.Where("channel_id = ?", d.ChannelID).Limit(1).Find(&p).Error; err != nil {
		return d, p, fmt.Errorf("load channel provider: %w", err)
	}
	return d, p, nil
}

// sendEmail sends an email with its stable Message-ID, threaded into the
// customer's conversation when it answers one, and returns the Message-ID.
func (a *Activities) sendEmail(ctx context.Context, row models.OutboxMessage) (string, error) {
	d, p, err := a.channelOf(ctx, row.ID)
	if err != nil {
		return "", err
	}
	if d.ChannelID == "" {
		// A reset, code or label: the workspace's email channel's SMTP
		// server, if one has its own.
		if err := a.DB.WithContext(ctx).Where("workspace_id = ? AND smtp_addr <> ''", row.WorkspaceID).
			Order("channel_id").Limit(1).Find(&p).Error; err != nil {
			return "", fmt.Errorf("load the workspace's SMTP settings: %w", err)
		}
	}
	mailer, err := a.mailerFor(p)
	if err != nil {
		return "", err
	}
	fromText := a.From
	if p.EmailFrom != "" {
		fromText = p.EmailFrom
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return "", &PermanentError{fmt.Errorf("sender %q is not an email address", fromText)}
	}
	to, err := mail.ParseAddress(row.Recipient)
	if err != nil {
		return "", &PermanentError{fmt.Errorf("recipient %q is not an email address", row.Recipient)}
	}
	e := Email{
		From: from, To: []*mail.Address{to}, Subject: row.Subject, Text: row.Body, Date: row.CreatedAt,
		MessageID: MessageIDFor(row.IdempotencyKey, domainOf(from.Address)), AutoSubmitted: autoSubmitted(row),
	}
	var thread []models.EmailThread
	var conversation string
	if d.ChannelID != "" {
		var conv models.Conversation
		if err := a.DB.WithContext(ctx).Where("id = ?", d.ConversationID).Limit(1).Find(&conv).Error; err != nil {
			return "", fmt.Errorf("load conversation: %w", err)
		}
		conversation = conv.ExternalID
		if err := a.DB.WithContext(ctx).Where("channel_id = ? AND conversation_id = ?", d.ChannelID, conversation).
			Order("created_at").Find(&thread).Error; err != nil {
			return "", fmt.Errorf("load thread: %w", err)
		}
	}
	threadEmail(&e, trimMsgID(d.InReplyTo), thread)
	if p.ReplyAll {
		e.Cc = replyAllCc(thread, from.Address, to.Address)
	}
	msg, err := Compose(e)
	if err != nil {
		return "", &PermanentError{err}
	}
	rcpts := []string{to.Address}
	for _, cc := range e.Cc {
		rcpts = append(rcpts, cc.Address)
	}
	providerID := "<" + e.MessageID + ">"
	// The Message-ID is on the row before the send: a crash after the
	// server accepted leaves it there, and a receiver that sees the
	// message again knows it.
	if err := a.DB.WithContext(ctx).Model(&models.OutboxMessage{}).Where("id = ?", row.ID).
		Update("provider_message_id", providerID).Error; err != nil {
		return "", fmt.Errorf("record message id: %w", err)
	}
	if err := mailer.Send(ctx, from.Address, rcpts, msg); err != nil {
		return "", err
	}
	if conversation != "" {
		link := models.EmailThread{
			ID: ThreadID(d.ChannelID, e.MessageID), ChannelID: d.ChannelID, ConversationID: conversation,
			MessageID: e.MessageID, CreatedAt: a.now(),
		}
		if err := a.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&link).Error; err != nil {
			return "", fmt.Errorf("record thread: %w", err)
		}
	}
	return providerID, nil
}

// autoSubmitted is the Auto-Submitted value of an outbox message: a rep's
// message is a person's, the agent's reply is an automatic reply, anything
// else (a reset link, a code, a label) is generated.
func autoSubmitted(row models.OutboxMessage) string {
	switch {
	case strings.HasPrefix(row.IdempotencyKey, "rep_reply:"):
		return ""
	case row.Kind == models.OutboxEmailReply:
		return "auto-replied"
	}
	return "auto-generated"
}

// mailerFor is the channel's own SMTP server, or else the configured one.
func (a *Activities) mailerFor(p models.ChannelProvider) (Mailer, error) {
	if p.SMTPAddr == "" {
		if a.Mailer == nil {
			return nil, &PermanentError{errors.New("no SMTP server is configured (SWITCHBOARD_SMTP_ADDR, or the channel's email.smtp)")}
		}
		return a.Mailer, nil
	}
	m := &SMTPMailer{Config: config.SMTP{Addr: p.SMTPAddr, TLS: p.SMTPTLS, Username: p.SMTPUsername}, TLSConfig: a.TLSConfig}
	if m.Config.TLS == "" {
		m.Config.TLS = config.SMTPStartTLS
	}
	if p.SMTPPassword != "" {
		password, err := a.Secrets.Open(p.SMTPPassword, models.SMTPPasswordPurpose(p.ChannelID))
		if err != nil {
			return nil, &PermanentError{fmt.Errorf("open the channel's SMTP password: %w", err)}
		}
		m.Config.Password = password
	}
	return m, nil
}

// threadEmail sets In-Reply-To (the message answered, or the thread's
// latest) and References (the thread's messages, oldest first).
func threadEmail(e *Email, inReplyTo string, thread []models.EmailThread) {
	seen := map[string]bool{}
	for _, t := range thread {
		if id := trimMsgID(t.MessageID); id != "" && !seen[id] && id != e.MessageID {
			seen[id] = true
			e.References = append(e.References, id)
		}
	}
	if inReplyTo == "" && len(e.References) > 0 {
		inReplyTo = e.References[len(e.References)-1]
	}
	if inReplyTo != "" && !seen[inReplyTo] {
		e.References = append(e.References, inReplyTo)
	}
	e.InReplyTo = inReplyTo
	// References stay short: the first and the latest 9 (RFC 5322 allows
	// trimming the middle).
	if n := len(e.References); n > 10 {
		e.References = append(e.References[:1], e.References[n-9:]...)
	}
}

// replyAllCc is the other people of the thread's latest customer email (its
// To and Cc), without the recipient and without the company's own
// addresses (those of the sender's domain: the support mailbox the customer
// wrote to).
func replyAllCc(thread []models.EmailThread, from, to string) []*mail.Address {
	var cc []*mail.Address
	for i := len(thread) - 1; i >= 0; i-- {
		if len(thread[i].Addresses.V) == 0 {
			continue
		}
		for _, addr := range thread[i].Addresses.V {
			if strings.EqualFold(addr, to) || domainOf(addr) == domainOf(from) {
				continue
			}
			cc = append(cc, &mail.Address{Address: addr})
		}
		break
	}
	return cc
}

// sendWhatsApp sends a whatsapp reply through the channel's Cloud API
// number: as text inside the 24-hour window, as the channel's template
// outside it.
func (a *Activities) sendWhatsApp(ctx context.Context, row models.OutboxMessage) (string, error) {
	d, p, err := a.channelOf(ctx, row.ID)
	if err != nil {
		return "", err
	}
	if d.ChannelID == "" || p.WhatsAppPhoneNumberID == "" || p.WhatsAppToken == "" {
		return "", &PermanentError{errors.New("the channel has no WhatsApp Cloud API number and token")}
	}
	if a.WhatsApp == nil {
		return "", &PermanentError{errors.New("no WhatsApp Cloud API client is configured")}
	}
	token, err := a.Secrets.Open(p.WhatsAppToken, models.WhatsAppTokenPurpose(d.ChannelID))
	if err != nil {
		return "", &PermanentError{fmt.Errorf("open the channel's WhatsApp token: %w", err)}
	}
	msg := WhatsAppMessage{PhoneNumberID: p.WhatsAppPhoneNumberID, Token: token, To: digits(row.Recipient), Text: row.Body}
	var last models.Message
	if err := a.DB.WithContext(ctx).Where("conversation_id = ? AND role = ?", d.ConversationID, models.MessageCustomer).
		Order("created_at DESC").Limit(1).Find(&last).Error; err != nil {
		return "", fmt.Errorf("find the customer's last message: %w", err)
	}
	if last.ID == "" || a.now().Sub(last.CreatedAt) > WhatsAppWindow {
		if p.WhatsAppTemplate == "" {
			return "", &PermanentError{errors.New("outside the 24-hour customer-service window and the channel has no template; a rep must take the conversation")}
		}
		msg.Template, msg.TemplateLanguage = p.WhatsAppTemplate, p.WhatsAppTemplateLanguage
	}
	return a.WhatsApp.Send(ctx, msg)
}
