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

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
	"github.com/switchboardhq/switchboard/models"
)

// bareEmail checks that s is an email address alone (no name, no angle
// brackets) and returns it lower-cased; the error names field.
func bareEmail(field, s string) (string, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return "", apperr.Invalid(field, "is not an email address")
	}
	return strings.ToLower(addr.Address), nil
}

// contactOf checks the contact details of a customer's message.
func contactOf(req *contactRequest) (models.ConversationContact, error) {
	var out models.ConversationContact
	if req == nil {
		return out, nil
	}
	if req.Email != "" {
		email, err := bareEmail("contact.email", req.Email)
		if err != nil {
			return out, err
		}
		out.Email = email
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
// not started, see arrival) that lacks a field its channel asks for before
// a chat starts.
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

// arrival is what the server knows of a conversation when a customer's
// message to it arrives.
type arrival struct {
	// started: the conversation has a record, or the contact its first
	// message gave. A message to a conversation not started starts one.
	started bool
	// kept is the contact kept for it (saveContact), nil for none.
	kept *models.ConversationContact
	// recorded is its record, nil for none.
	recorded *recordedConversation
}

// recordedConversation is what a conversation's record tells a message
// arriving: the conversation's channel, status and issue type, and the
// agent's reply to that message when one is recorded.
type recordedConversation struct {
	channelID, status, issueType string
	// reply is the agent's recorded reply to the message, nil for none.
	reply *models.Message
}

// arrival reads, in one statement (every message asks), what the server
// knows of conversation wfID when message messageID arrives.
func (s *Server) arrival(ctx context.Context, wfID, messageID string) (arrival, error) {
	rowID := models.ConversationRowID(wfID)
	var row struct {
		Recorded, Answered, HasContact                      bool
		RecordedChannel, Status, IssueType, ReplyText       string
		ReplyCitations                                      models.JSON[[]answer.Citation]
		WorkspaceID, ChannelID, Email, Name, Phone, Subject string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT c.id IS NOT NULL AS recorded, COALESCE(c.channel_id, '') AS recorded_channel,
	COALESCE(c.status, '') AS status, COALESCE(c.issue_type, '') AS issue_type,
	m.id IS NOT NULL AS answered, COALESCE(m.text, '') AS reply_text, m.citations AS reply_citations,
	cc.conversation_id IS NOT NULL AS has_contact, COALESCE(cc.workspace_id, '') AS workspace_id,
	COALESCE(cc.channel_id, '') AS channel_id, COALESCE(cc.email, '') AS email, COALESCE(cc.name, '') AS name,
	COALESCE(cc.phone, '') AS phone, COALESCE(cc.subject, '') AS subject
FROM (SELECT 1 AS one) AS arrival
LEFT JOIN conversations c ON c.id = @id
LEFT JOIN messages m ON m.conversation_id = c.id AND m.client_id = @message AND m.role = @agent
LEFT JOIN conversation_contacts cc ON cc.conversation_id = @id`,
		map[string]any{"id": rowID, "message": messageID, "agent": models.MessageAgent}).Scan(&row).Error
	if err != nil {
		return arrival{}, fmt.Errorf("read conversation: %w", err)
	}
	out := arrival{started: row.Recorded || row.HasContact}
	if row.Recorded {
		out.recorded = &recordedConversation{channelID: row.RecordedChannel, status: row.Status, issueType: row.IssueType}
		if row.Answered {
			out.recorded.reply = &models.Message{ClientID: messageID, Text: row.ReplyText, Citations: row.ReplyCitations}
		}
	}
	if row.HasContact {
		out.kept = &models.ConversationContact{
			ConversationID: rowID, WorkspaceID: row.WorkspaceID, ChannelID: row.ChannelID,
			Email: row.Email, Name: row.Name, Phone: row.Phone, Subject: row.Subject,
		}
	}
	return out, nil
}

// recordedReply is the agent's recorded reply to the message that
// arrived, if any, as the API answers it. A conversation recorded on
// another channel is not this one's.
func (a arrival) recordedReply(convID, channelID string) (messageResponse, bool, error) {
	r := a.recorded
	if r == nil {
		return messageResponse{}, false, nil
	}
	if r.channelID != channelID {
		return messageResponse{}, false, apperr.Errorf(apperr.ENOTFOUND, "conversation not found")
	}
	if r.reply == nil {
		return messageResponse{}, false, nil
	}
	return messageResponse{
		ConversationID: convID,
		Reply:          replyJSON{ID: r.reply.ClientID, Text: r.reply.Text, Citations: citations(r.reply.Citations.V)},
		Status:         r.status, IssueType: r.issueType,
	}, true, nil
}

// saveContact keeps what the customer told about themselves, adding to what
// an earlier message told: in one statement, a field given replaces the
// one kept, and a thread keeps the subject it started with. A message that
// tells nothing new beside kept, the contact its arrival read (the chat
// sends the customer's details with every message), writes nothing.
func (s *Server) saveContact(ctx context.Context, wfID string, given models.ConversationContact, kept *models.ConversationContact) error {
	if !addsTo(kept, given) {
		return nil
	}
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

// addsTo reports whether saving given would change kept (nil: nothing
// kept yet).
func addsTo(kept *models.ConversationContact, given models.ConversationContact) bool {
	if kept == nil || kept.WorkspaceID != given.WorkspaceID || kept.ChannelID != given.ChannelID {
		return true
	}
	replaces := func(g, k string) bool { return g != "" && g != k }
	return replaces(given.Email, kept.Email) || replaces(given.Name, kept.Name) || replaces(given.Phone, kept.Phone) ||
		(kept.Subject == "" && given.Subject != "")
}

type contactJSON struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// verifiedJSON is the identity a conversation's customer proved: the email,
// and how ("token": the site's identity token; "email_code": a code the
// agent emailed to it).
type verifiedJSON struct {
	Email  string `json:"email"`
	Method string `json:"method"`
}

// verifiedOf is the identity conv's customer proved, nil for none.
func verifiedOf(conv models.Conversation) *verifiedJSON {
	if conv.VerifiedEmail == "" {
		return nil
	}
	return &verifiedJSON{Email: conv.VerifiedEmail, Method: conv.VerifiedBy}
}
