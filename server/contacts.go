package server

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
	"github.com/switchboardhq/switchboard/models"
)

// contactOf checks the contact details of a customer's message.
func contactOf(req *contactRequest) (models.ConversationContact, error) {
	var out models.ConversationContact
	if req == nil {
		return out, nil
	}
	if req.Email != "" {
		addr, err := mail.ParseAddress(req.Email)
		if err != nil || addr.Address != req.Email {
			return out, apperr.Invalid("contact.email", "is not an email address")
		}
		out.Email = strings.ToLower(addr.Address)
	}
	out.Name = strings.TrimSpace(req.Name)
	if utf8.RuneCountInString(out.Name) > 200 {
		return out, apperr.Invalid("contact.name", "longer than 200 characters")
	}
	out.Phone = strings.TrimSpace(req.Phone)
	if out.Phone != "" && !crm.ValidPhone(out.Phone) {
		return out, apperr.Invalid("contact.phone", "is not a phone number (digits, optionally starting with +)")
	}
	return out, nil
}

// checkMandatoryFields rejects the first message of a new conversation (one
// not started, see conversationStarted) that lacks a field its channel asks
// for before a chat starts.
func (s *Server) checkMandatoryFields(ctx context.Context, workspaceID, channelID string, started bool, given models.ConversationContact) error {
	if started {
		return nil // only the first message must carry them
	}
	st, err := s.channelSettings(ctx, workspaceID, channelID)
	if err != nil {
		return err
	}
	missing := ""
	for _, f := range st.MandatoryFields.V {
		value := map[string]string{models.FieldEmail: given.Email, models.FieldName: given.Name, models.FieldPhone: given.Phone}[f]
		if value == "" {
			missing = f
			break
		}
	}
	if missing == "" {
		return nil
	}
	return apperr.Invalid("contact."+missing, "this channel asks for it before a chat starts")
}

// conversationStarted reports whether the server knows conversation wfID:
// it has a record, or the contact its first message gave. A message to a
// conversation not started yet starts one. One statement: every message
// asks it.
func (s *Server) conversationStarted(ctx context.Context, wfID string) (bool, error) {
	rowID := models.ConversationRowID(wfID)
	db := s.DB.WithContext(ctx)
	var known bool
	err := db.Raw("SELECT EXISTS (?) OR EXISTS (?)",
		db.Model(&models.Conversation{}).Select("1").Where("id = ?", rowID),
		db.Model(&models.ConversationContact{}).Select("1").Where("conversation_id = ?", rowID),
	).Scan(&known).Error
	return known, err
}

// saveContact keeps what the customer told about themselves, adding to what
// an earlier message told: in one statement, a field given replaces the
// one kept, and a thread keeps the subject it started with.
func (s *Server) saveContact(ctx context.Context, wfID string, given models.ConversationContact) error {
	given.ConversationID, given.UpdatedAt = models.ConversationRowID(wfID), time.Now().UTC()
	keep := func(col string) clause.Expr {
		return gorm.Expr(fmt.Sprintf("CASE WHEN excluded.%[1]s <> '' THEN excluded.%[1]s ELSE conversation_contacts.%[1]s END", col))
	}
	err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "conversation_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"workspace_id": gorm.Expr("excluded.workspace_id"), "channel_id": gorm.Expr("excluded.channel_id"),
			"email": keep("email"), "name": keep("name"), "phone": keep("phone"),
			"subject":    gorm.Expr("CASE WHEN COALESCE(conversation_contacts.subject, '') = '' THEN excluded.subject ELSE conversation_contacts.subject END"),
			"updated_at": gorm.Expr("excluded.updated_at"),
		}),
	}).Create(&given).Error
	if err != nil {
		return fmt.Errorf("save conversation contact: %w", err)
	}
	return nil
}

type contactJSON struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}
