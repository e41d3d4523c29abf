package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

type messageRequest struct {
	ID      string          `json:"id"`
	Text    string          `json:"text"`
	Contact *contactRequest `json:"contact,omitempty"`
}

type contactRequest struct {
	Email string `json:"email"`
}

type citationJSON struct {
	SourceID string `json:"source_id"`
	Title    string `json:"title"`
	URL      string `json:"url,omitempty"`
}

type replyJSON struct {
	ID        string         `json:"id"`
	Text      string         `json:"text"`
	Citations []citationJSON `json:"citations"`
}

type messageResponse struct {
	ConversationID string    `json:"conversation_id"`
	Reply          replyJSON `json:"reply"`
	Status         string    `json:"status"`
}

// turnTimeout bounds how long a request waits for the agent's reply.
const turnTimeout = 3 * time.Minute

// postMessage delivers a customer's message to the conversation workflow
// (starting it if needed) and returns the agent's reply. The client's message
// ID is the update ID, so a retried request gets the same reply.
func (s *Server) postMessage(c *gin.Context) {
	p := principal(c)
	convID := c.Param("conversationID")
	if err := validID("conversationID", convID); err != nil {
		s.fail(c, err)
		return
	}
	var req messageRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validID("id", req.ID); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		s.fail(c, apperr.Invalid("text", "must not be empty"))
		return
	}
	if n := utf8.RuneCountInString(req.Text); n > workflows.MaxMessageChars {
		s.fail(c, apperr.Invalid("text", fmt.Sprintf("%d characters, more than the %d allowed", n, workflows.MaxMessageChars)))
		return
	}
	email := ""
	if req.Contact != nil && req.Contact.Email != "" {
		addr, err := mail.ParseAddress(req.Contact.Email)
		if err != nil || addr.Address != req.Contact.Email {
			s.fail(c, apperr.Invalid("contact.email", "is not an email address"))
			return
		}
		email = strings.ToLower(addr.Address)
	}

	var channel models.Channel
	err := s.DB.WithContext(c.Request.Context()).
		Where("id = ? AND workspace_id = ?", p.ChannelID, p.WorkspaceID).Take(&channel).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.EFORBIDDEN, "this widget key's channel no longer exists"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}

	ctx, cancel := context.WithTimeout(c.Request.Context(), turnTimeout)
	defer cancel()
	wfID := workflows.ConversationWorkflowID(p.WorkspaceID, convID)
	start := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:        wfID,
		TaskQueue: s.TaskQueue,
		// A message to a running conversation joins it; a finished
		// conversation is not started again under the same ID.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SearchWorkspaceID.ValueSet(p.WorkspaceID),
			workflows.SearchChannel.ValueSet(channel.Type),
			workflows.SearchStatus.ValueSet(workflows.StatusAIActive),
			workflows.SearchTestConversation.ValueSet(false),
		),
	}, workflows.ConversationWorkflow, workflows.ConversationInput{
		WorkspaceID: p.WorkspaceID, ConversationID: convID,
		ChannelID: channel.ID, ChannelType: channel.Type,
	})
	handle, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     req.ID,
			UpdateName:   workflows.UpdateCustomerMessage,
			Args:         []any{workflows.CustomerMessage{ID: req.ID, Text: req.Text, ContactEmail: email, ChannelID: channel.ID}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var reply workflows.AgentReply
	if err == nil {
		err = handle.Get(ctx, &reply)
	}
	if err != nil {
		s.fail(c, turnError(err))
		return
	}
	out := messageResponse{
		ConversationID: convID,
		Reply:          replyJSON{ID: reply.MessageID, Text: reply.Text, Citations: citationsJSON(reply.Citations)},
		Status:         reply.Status,
	}
	c.JSON(http.StatusOK, out)
}

// turnError maps a failed update to an API error.
func turnError(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case workflows.ErrInvalidMessage:
			return apperr.Errorf(apperr.EINVALID, "%s", app.Message())
		case workflows.ErrConversationClosed:
			return apperr.Errorf(apperr.ECONFLICT, "%s", app.Message())
		case workflows.ErrConversationNotFound:
			return apperr.Errorf(apperr.ENOTFOUND, "conversation not found")
		}
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return apperr.Errorf(apperr.ECONFLICT, "the conversation is closed; start a new conversation ID")
	}
	if isTimeout(err) {
		return apperr.Errorf(apperr.EUNAVAILABLE, "the agent did not answer in time; retry with the same message id")
	}
	return fmt.Errorf("customer message update: %w", err)
}

func citationsJSON(in []activities.Citation) []citationJSON {
	out := make([]citationJSON, 0, len(in))
	for _, c := range in {
		out = append(out, citationJSON(c))
	}
	return out
}

type transcriptMessage struct {
	ID        string         `json:"id"`
	Role      string         `json:"role"`
	Text      string         `json:"text"`
	Citations []citationJSON `json:"citations,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

type conversationResponse struct {
	ID        string              `json:"id"`
	ChannelID string              `json:"channel_id"`
	Status    string              `json:"status"`
	StartedAt time.Time           `json:"started_at"`
	UpdatedAt time.Time           `json:"updated_at"`
	Messages  []transcriptMessage `json:"messages"`
}

// getConversation returns a conversation's transcript from the read model. A
// widget key reads only conversations of its channel.
func (s *Server) getConversation(c *gin.Context) {
	p := principal(c)
	convID := c.Param("conversationID")
	if err := validID("conversationID", convID); err != nil {
		s.fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	q := db.Where("workspace_id = ? AND external_id = ?", p.WorkspaceID, convID)
	if p.Role == roleWidget {
		q = q.Where("channel_id = ?", p.ChannelID)
	}
	var conv models.Conversation
	err := q.Take(&conv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "conversation not found"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	var msgs []models.Message
	// Customer before agent within a turn: both share the turn's client ID.
	err = db.Where("conversation_id = ?", conv.ID).
		Order("created_at, CASE role WHEN 'customer' THEN 0 ELSE 1 END").Find(&msgs).Error
	if err != nil {
		s.fail(c, err)
		return
	}
	out := conversationResponse{
		ID: conv.ExternalID, ChannelID: conv.ChannelID, Status: conv.Status,
		StartedAt: conv.StartedAt, UpdatedAt: conv.UpdatedAt, Messages: []transcriptMessage{},
	}
	for _, m := range msgs {
		tm := transcriptMessage{ID: m.ClientID, Role: m.Role, Text: m.Text, CreatedAt: m.CreatedAt}
		for _, ct := range m.Citations.V {
			tm.Citations = append(tm.Citations, citationJSON(ct))
		}
		out.Messages = append(out.Messages, tm)
	}
	c.JSON(http.StatusOK, out)
}
