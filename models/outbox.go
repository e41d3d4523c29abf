package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ChannelReply is a message to an email or WhatsApp customer, sent on the
// channel their conversation came in by.
type ChannelReply struct {
	WorkspaceID       string
	ChannelID         string
	ChannelType       string
	ConversationRowID string
	Recipient         string
	Subject           string
	Body              string
	// Key makes queueing idempotent.
	Key string
	// InReplyTo is the provider's ID of the message answered ("" for a
	// message no inbound one asked for).
	InReplyTo string
}

// QueueChannelReply puts r in the outbox (kind "email_reply" or
// "whatsapp_reply") with its channel, once per key, and returns the outbox
// message's ID: the first one's, when r was queued before.
func QueueChannelReply(ctx context.Context, db *gorm.DB, r ChannelReply) (string, error) {
	now := time.Now().UTC()
	row := OutboxMessage{
		ID: uuid.NewString(), WorkspaceID: r.WorkspaceID, Kind: r.ChannelType + "_reply", Recipient: r.Recipient,
		Subject: r.Subject, Body: r.Body, IdempotencyKey: r.Key, CreatedAt: now,
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("queue reply: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			// Queued before: the same reply, once.
			var queued OutboxMessage
			if err := tx.Where("idempotency_key = ?", r.Key).Take(&queued).Error; err != nil {
				return fmt.Errorf("find queued reply: %w", err)
			}
			row = queued
			return nil
		}
		delivery := ChannelDelivery{
			OutboxMessageID: row.ID, ChannelID: r.ChannelID, ConversationID: r.ConversationRowID,
			InReplyTo: r.InReplyTo, CreatedAt: now,
		}
		if err := tx.Create(&delivery).Error; err != nil {
			return fmt.Errorf("queue reply delivery: %w", err)
		}
		return nil
	})
	return row.ID, err
}

// ReplyTo is the ChannelReply to an email or WhatsApp conversation's
// customer that no inbound message asked for (a rep's message, the agent's
// notice): to the address the conversation's messages came from, under
// the subject of the email that started it. ok is false for a conversation
// of another channel, or one whose customer's address is not known.
func ReplyTo(ctx context.Context, db *gorm.DB, conv Conversation, body, key string) (r ChannelReply, ok bool, err error) {
	if conv.ChannelType != ChannelEmail && conv.ChannelType != ChannelWhatsApp {
		return r, false, nil
	}
	var contact ConversationContact
	if err := db.WithContext(ctx).Where("conversation_id = ?", conv.ID).Limit(1).Find(&contact).Error; err != nil {
		return r, false, fmt.Errorf("conversation contact: %w", err)
	}
	recipient := contact.Email
	if conv.ChannelType == ChannelWhatsApp {
		recipient = contact.Phone
	}
	if recipient == "" {
		return r, false, nil
	}
	return ChannelReply{
		WorkspaceID: conv.WorkspaceID, ChannelID: conv.ChannelID, ChannelType: conv.ChannelType,
		ConversationRowID: conv.ID, Recipient: recipient, Subject: ReplySubject(conv.ChannelType, contact.Subject),
		Body: body, Key: key,
	}, true, nil
}

// ReplySubject is the subject of a reply by email to an email with subject
// ("" for WhatsApp).
func ReplySubject(channelType, subject string) string {
	if channelType != ChannelEmail {
		return ""
	}
	subject = strings.TrimSpace(subject)
	switch {
	case subject == "":
		return "Re: your message"
	case strings.HasPrefix(strings.ToLower(subject), "re:"):
		return subject
	}
	return "Re: " + subject
}
