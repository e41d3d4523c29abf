package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/replystream"
	"github.com/switchboardhq/switchboard/workflows"
)

type messageRequest struct {
	ID      string          `json:"id"`
	Text    string          `json:"text"`
	Contact *contactRequest `json:"contact,omitempty"`
	// IdentityToken is the JWT the channel's site signed for its customer
	// (see identity.go); optional.
	IdentityToken string `json:"identity_token,omitempty"`
}

type contactRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type replyJSON struct {
	ID        string            `json:"id"`
	Text      string            `json:"text"`
	Citations []answer.Citation `json:"citations"`
}

type messageResponse struct {
	ConversationID string    `json:"conversation_id"`
	Reply          replyJSON `json:"reply"`
	Status         string    `json:"status"`
	HandedOff      bool      `json:"handed_off,omitempty"`
	IssueType      string    `json:"issue_type,omitempty"`
}

// turnTimeout bounds how long a request waits for the agent's reply.
const turnTimeout = 3 * time.Minute

// postMessage delivers a customer's message to the conversation workflow
// (starting it if needed) and returns the agent's reply. The client's message
// ID is the update ID, so a retried request gets the same reply.
func (s *Server) postMessage(c *gin.Context) {
	p := principal(c)
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
	s.deliver(c, c.Param("conversationID"), channel.ID, channel.Type, false)
}

// TestChannelID is the channel of admins' test conversations.
const TestChannelID = workflows.TestChannelID

// TestConversationPrefix starts the conversation ID of every test
// conversation, keeping them apart from customers'.
const TestConversationPrefix = workflows.TestConversationPrefix

// postTestMessage is the admin's sandbox: a conversation with the real agent
// that is marked as a test and never consumes credits.
func (s *Server) postTestMessage(c *gin.Context) {
	id := c.Param("conversationID")
	if err := validID("conversationID", id); err != nil {
		s.fail(c, err)
		return
	}
	s.deliver(c, TestConversationPrefix+id, TestChannelID, "chat", true)
}

// deliver reads a customer's message, checks it (and, for a new
// conversation, the contact fields its channel asks for) and answers it.
func (s *Server) deliver(c *gin.Context, convID, channelID, channelType string, test bool) {
	p := principal(c)
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
	if err := validText(req.Text); err != nil {
		s.fail(c, err)
		return
	}
	contact, err := contactOf(req.Contact)
	if err != nil {
		s.fail(c, err)
		return
	}
	wfID := workflows.ConversationWorkflowID(p.WorkspaceID, convID)
	// A message an abuse limit refuses never reaches the workflow.
	known, err := s.limitCustomerMessage(c, wfID, req.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	started := known.started
	// Only a valid identity token verifies the customer; contact.email is
	// what they say.
	var verified *workflows.Identity
	if req.IdentityToken != "" {
		if verified, err = s.verifyIdentity(c.Request.Context(), p.WorkspaceID, channelID, convID, req.IdentityToken); err != nil {
			s.fail(c, err)
			return
		}
	}
	if !test {
		if err := s.checkMandatoryFields(c.Request.Context(), p.WorkspaceID, channelID, started, contact); err != nil {
			s.fail(c, err)
			return
		}
	}
	msg := workflows.CustomerMessage{ID: req.ID, Text: req.Text, ContactEmail: contact.Email, ChannelID: channelID, Verified: verified}
	var given *models.ConversationContact
	if !test && contact != (models.ConversationContact{}) {
		contact.WorkspaceID, contact.ChannelID = p.WorkspaceID, channelID
		given = &contact
	}
	turn := func(ctx context.Context) (messageResponse, error) {
		return s.converse(ctx, p.WorkspaceID, convID, channelType, test, known, msg, given)
	}
	if wantsStream(c) {
		s.streamedTurn(c, replystream.Key(wfID, msg.ID), turn)
		return
	}
	out, err := turn(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// converse runs a customer message through the conversation's workflow and
// returns the agent's reply. A message already answered (in this run or an
// earlier one) gets its recorded reply without touching the workflow; a
// message to a conversation that has ended reopens it. known is what the
// server knew of the conversation when the message arrived: one not
// recorded has no recorded reply to look for, and the same message sent
// twice at once is answered once by the workflow.
//
// contact, when not nil, is what the message tells of the customer. It is
// kept before the workflow sees the message, so whoever the turn hands the
// conversation to (a rep's inbox, a team's webhook) finds who wrote.
func (s *Server) converse(ctx context.Context, workspaceID, convID, channelType string, test bool, known arrival,
	msg workflows.CustomerMessage, contact *models.ConversationContact) (messageResponse, error) {
	wfID := workflows.ConversationWorkflowID(workspaceID, convID)
	out, answered, err := known.recordedReply(convID, msg.ChannelID)
	if err != nil {
		return out, err
	}
	if contact != nil {
		if err := s.saveContact(ctx, wfID, *contact, known.kept); err != nil {
			return messageResponse{}, err
		}
	}
	if answered {
		return out, nil
	}

	ctx, cancel := context.WithTimeout(ctx, turnTimeout)
	defer cancel()
	input := workflows.ConversationInput{
		WorkspaceID: workspaceID, ConversationID: convID,
		ChannelID: msg.ChannelID, ChannelType: channelType, Test: test,
	}
	reply, err := s.customerTurn(ctx, input, msg)
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == workflows.ErrConversationClosed {
		// The conversation is finishing: once its run has ended, the
		// message reopens it. Wait for the end, then try once more.
		wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
		_ = s.Temporal.GetWorkflow(wctx, wfID, "").Get(wctx, nil)
		wcancel()
		reply, err = s.customerTurn(ctx, input, msg)
	}
	if err != nil {
		return messageResponse{}, turnError(err)
	}
	return messageResponse{
		ConversationID: convID,
		Reply:          replyJSON{ID: reply.MessageID, Text: reply.Text, Citations: citations(reply.Citations)},
		Status:         reply.Status,
		HandedOff:      reply.HandedOff,
		IssueType:      reply.IssueType,
	}, nil
}

// customerTurn runs one customer message through the conversation's workflow
// with Update-With-Start (workflows.CustomerMessageStart) and returns the
// agent's reply; an update the server dropped unrun is sent again
// (workflows.AwaitUpdate).
func (s *Server) customerTurn(ctx context.Context, input workflows.ConversationInput, msg workflows.CustomerMessage) (workflows.AgentReply, error) {
	var reply workflows.AgentReply
	err := workflows.AwaitUpdate(ctx, func(ctx context.Context) (client.WorkflowUpdateHandle, error) {
		return s.Temporal.UpdateWithStartWorkflow(ctx, workflows.CustomerMessageStart(s.Temporal, input, msg, s.TaskQueue))
	}, &reply)
	return reply, err
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
		case workflows.ErrIdentityConflict:
			return apperr.Errorf(apperr.EFORBIDDEN, "identity_token: this conversation belongs to another verified customer")
		}
	}
	if isTimeout(err) {
		return apperr.Errorf(apperr.EUNAVAILABLE, "the agent did not answer in time; retry with the same message id")
	}
	if temporalUnreachable(err) {
		// The message reached no workflow, so nothing of it is kept: the
		// client keeps it and sends it again (the same id is answered
		// once).
		return apperr.Errorf(apperr.EUNAVAILABLE, "the agent cannot be reached just now; retry with the same message id")
	}
	return fmt.Errorf("customer message update: %w", err)
}

// citations is in, or an empty list for none (never null in JSON).
func citations(in []answer.Citation) []answer.Citation {
	if in == nil {
		return []answer.Citation{}
	}
	return in
}

type transcriptMessage struct {
	ID        string            `json:"id"`
	Role      string            `json:"role"`
	Text      string            `json:"text"`
	Citations []answer.Citation `json:"citations,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
}

type decisionJSON struct {
	MessageID string         `json:"message_id,omitempty"`
	Kind      string         `json:"kind"`
	Summary   string         `json:"summary"`
	Detail    map[string]any `json:"detail,omitempty"`
	At        time.Time      `json:"at"`
}

type conversationResponse struct {
	ID            string              `json:"id"`
	ChannelID     string              `json:"channel_id"`
	Status        string              `json:"status"`
	Test          bool                `json:"test,omitempty"`
	Team          string              `json:"team,omitempty"`
	HandoffReason string              `json:"handoff_reason,omitempty"`
	Resolved      bool                `json:"resolved"`
	StartedAt     time.Time           `json:"started_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
	EndedAt       *time.Time          `json:"ended_at,omitempty"`
	Messages      []transcriptMessage `json:"messages"`
	// Decisions are shown to staff roles, not to the customer's widget.
	Decisions []decisionJSON `json:"decisions,omitempty"`
	// Contact (what the customer told about themselves) and
	// ReplySuggestions (whether the channel lets reps ask for a suggested
	// reply) are shown to staff roles too.
	Contact          *contactJSON `json:"contact,omitempty"`
	ReplySuggestions *bool        `json:"reply_suggestions,omitempty"`
	// WorkflowID names the conversation's workflow, to read its history in
	// the Temporal UI (staff roles).
	WorkflowID string `json:"workflow_id,omitempty"`
	// Verified is the identity the customer proved, unlike Contact (staff
	// roles; omitted while they proved none).
	Verified *verifiedJSON `json:"verified,omitempty"`
	// Deliveries are the messages sent to the customer by email or
	// whatsapp, with their delivery status (staff roles).
	Deliveries []outboxJSON `json:"deliveries,omitempty"`
	// NextPageToken asks for the earlier messages (?page_token=); "" when
	// this page starts the conversation.
	NextPageToken string `json:"next_page_token"`
}

// getConversation returns a page of a conversation's transcript from the
// read model: the newest messages, or those before ?page_token= (see
// transcriptPage). A widget key reads only conversations of its channel.
func (s *Server) getConversation(c *gin.Context) {
	p := principal(c)
	convID := c.Param("conversationID")
	if err := validID("conversationID", convID); err != nil {
		s.fail(c, err)
		return
	}
	pageQuery, err := parseTranscriptQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("test") == "true" {
		convID = TestConversationPrefix + convID
	}
	db := s.DB.WithContext(c.Request.Context())
	q := db.Where("workspace_id = ? AND external_id = ?", p.WorkspaceID, convID)
	if p.Role == roleWidget {
		q = q.Where("channel_id = ?", p.ChannelID)
	}
	var conv models.Conversation
	err = q.Take(&conv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "conversation not found"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.transcriptPage(c.Request.Context(), conv.ID, pageQuery)
	if err != nil {
		s.fail(c, err)
		return
	}
	id := conv.ExternalID
	if conv.Test {
		id = c.Param("conversationID") // the ID the sandbox or a rehearsal reads it by
	}
	out := conversationResponse{
		ID: id, ChannelID: conv.ChannelID, Status: conv.Status, Test: conv.Test,
		Resolved: conv.Resolved, StartedAt: conv.StartedAt, UpdatedAt: conv.UpdatedAt, EndedAt: conv.EndedAt,
		Messages: []transcriptMessage{}, NextPageToken: page.next,
	}
	if p.Role != roleWidget {
		out.Team, out.HandoffReason, out.Verified = conv.Team, conv.HandoffReason, verifiedOf(conv)
		out.WorkflowID = workflows.ConversationWorkflowID(p.WorkspaceID, convID)
		var decisions []models.Decision
		if err := page.decisionsOf(db, conv.ID).Order("created_at").Find(&decisions).Error; err != nil {
			s.fail(c, err)
			return
		}
		for _, d := range decisions {
			out.Decisions = append(out.Decisions, decisionJSON{MessageID: d.MessageID, Kind: d.Kind, Summary: d.Summary, Detail: d.Detail.V, At: d.CreatedAt})
		}
		var contact models.ConversationContact
		if err := db.Where("conversation_id = ?", conv.ID).Limit(1).Find(&contact).Error; err != nil {
			s.fail(c, err)
			return
		}
		if contact.ConversationID != "" {
			out.Contact = &contactJSON{Email: contact.Email, Name: contact.Name, Phone: contact.Phone}
		}
		st, err := s.channelSettings(c.Request.Context(), conv.WorkspaceID, conv.ChannelID)
		if err != nil {
			s.fail(c, err)
			return
		}
		suggestions := !st.ReplySuggestionsOff
		out.ReplySuggestions = &suggestions
		if out.Deliveries, err = s.conversationDeliveries(c.Request.Context(), conv.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	for _, m := range page.messages {
		out.Messages = append(out.Messages, transcriptMessage{ID: m.ClientID, Role: m.Role, Text: m.Text,
			Citations: m.Citations.V, CreatedAt: m.CreatedAt})
	}
	c.JSON(http.StatusOK, out)
}
