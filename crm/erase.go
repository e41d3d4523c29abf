package crm

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/models"
)

// Erased replaces erased text.
const Erased = "[erased]"

// DeleteContact deletes the contact with the external ID and erases its
// personal data from the read model, all in one transaction (a GDPR erasure
// request):
//   - the contact row goes;
//   - its orders stay (they are the company's business records) but no
//     longer name a contact;
//   - in its conversations — those linked to the contact, and those whose
//     customer gave the contact's email — every message's text becomes
//     "[erased]" (the agent's and reps' replies quote the customer), the
//     stored contact details (email, name, phone, subject) are emptied and
//     the conversation no longer names the contact;
//   - verification codes sent to its email and the emails queued or sent to
//     it (the outbox) are deleted.
//
// Decisions stay: they are the audit of what the agent did.
func (s *Service) DeleteContact(ctx context.Context, workspaceID, externalID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c models.Contact
		if err := take(tx, &c, "contact", workspaceID, externalID); err != nil {
			return err
		}
		email := strings.ToLower(c.Email)
		byContact := tx.Model(&models.Conversation{}).Select("id").Where("workspace_id = ? AND contact_id = ?", workspaceID, c.ID)
		byEmail := tx.Model(&models.ConversationContact{}).Select("conversation_id").
			Where("workspace_id = ? AND LOWER(email) = ?", workspaceID, email)
		var convIDs []string
		if err := byContact.Pluck("id", &convIDs).Error; err != nil {
			return fmt.Errorf("erase contact: conversations: %w", err)
		}
		var more []string
		if err := byEmail.Pluck("conversation_id", &more).Error; err != nil {
			return fmt.Errorf("erase contact: conversations: %w", err)
		}
		convIDs = append(convIDs, more...)
		steps := []struct {
			what string
			run  func() error
		}{
			{"messages", func() error {
				if len(convIDs) == 0 {
					return nil
				}
				return tx.Model(&models.Message{}).Where("conversation_id IN ?", convIDs).Update("text", Erased).Error
			}},
			{"conversation contacts", func() error {
				if len(convIDs) == 0 {
					return nil
				}
				return tx.Model(&models.ConversationContact{}).Where("conversation_id IN ?", convIDs).
					Updates(map[string]any{"email": "", "name": "", "phone": "", "subject": ""}).Error
			}},
			{"conversations", func() error {
				return tx.Model(&models.Conversation{}).Where("workspace_id = ? AND contact_id = ?", workspaceID, c.ID).
					Update("contact_id", "").Error
			}},
			{"orders", func() error {
				return tx.Model(&models.Order{}).Where("workspace_id = ? AND contact_id = ?", workspaceID, c.ID).
					Update("contact_id", "").Error
			}},
			{"verification codes", func() error {
				return tx.Where("workspace_id = ? AND LOWER(email) = ?", workspaceID, email).Delete(&models.VerificationCode{}).Error
			}},
			{"email threads", func() error {
				// The Message-IDs and Cc addresses of the contact's emails.
				if len(convIDs) == 0 {
					return nil
				}
				return tx.Where("conversation_id IN (?)", tx.Model(&models.Conversation{}).
					Where("id IN ?", convIDs).Select("external_id")).Delete(&models.EmailThread{}).Error
			}},
			{"channel deliveries", func() error {
				return tx.Where("outbox_message_id IN (?)", tx.Model(&models.OutboxMessage{}).
					Where("workspace_id = ? AND LOWER(recipient) = ?", workspaceID, email).Select("id")).
					Delete(&models.ChannelDelivery{}).Error
			}},
			{"outbox", func() error {
				return tx.Where("workspace_id = ? AND LOWER(recipient) = ?", workspaceID, email).Delete(&models.OutboxMessage{}).Error
			}},
			{"contact", func() error { return tx.Delete(&c).Error }},
		}
		for _, step := range steps {
			if err := step.run(); err != nil {
				return fmt.Errorf("erase contact: %s: %w", step.what, err)
			}
		}
		return nil
	})
}
