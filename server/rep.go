package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

type queueItem struct {
	ConversationID string     `json:"conversation_id"`
	Status         string     `json:"status"`
	Team           string     `json:"team"`
	HandoffReason  string     `json:"handoff_reason"`
	HandoffMode    string     `json:"handoff_mode"`
	HandedOffAt    *time.Time `json:"handed_off_at"`
	Flagged        bool       `json:"flagged"`
	CustomerTier   string     `json:"customer_tier,omitempty"`
	IssueType      string     `json:"issue_type,omitempty"`
	ChannelType    string     `json:"channel,omitempty"`
	// Contact is who the customer said they are, and Subject the subject
	// of the email that started the thread: what a rep tells handoffs apart
	// by. Nothing here is verified; Verified is the identity the customer
	// proved, omitted while they proved none.
	Contact  *contactJSON  `json:"contact,omitempty"`
	Subject  string        `json:"subject,omitempty"`
	Verified *verifiedJSON `json:"verified,omitempty"`
	// LastCustomerMessage is the start of the customer's latest message,
	// at most queuePreview characters.
	LastCustomerMessage string `json:"last_customer_message,omitempty"`
}

// queuePreview bounds the customer's message a queue item quotes.
const queuePreview = 280

// queueRow is a waiting conversation with its contact and the start of the
// customer's latest message (one character more than a preview keeps, so
// that preview knows it goes on).
type queueRow struct {
	models.Conversation `gorm:"embedded"`
	ContactEmail        string
	ContactName         string
	ContactPhone        string
	ContactSubject      string
	LastCustomerMessage string
}

// repTeam is the team a rep request is about: the key's team, or for a key
// serving every team the ?team= parameter ("" = all).
func repTeam(c *gin.Context) (string, error) {
	p := principal(c)
	q := c.Query("team")
	if p.Team != "" {
		if q != "" && q != p.Team {
			return "", apperr.Errorf(apperr.EFORBIDDEN, "team: this key serves team %q", p.Team)
		}
		return p.Team, nil
	}
	return q, nil
}

// repQueue lists the handoffs waiting for the rep's team, oldest first.
func (s *Server) repQueue(c *gin.Context) {
	p := principal(c)
	team, err := repTeam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := s.DB.WithContext(c.Request.Context()).Table("conversations").
		Select(`conversations.*, cc.email AS contact_email, cc.name AS contact_name, cc.phone AS contact_phone,
			cc.subject AS contact_subject,
			(SELECT SUBSTR(m.text, 1, ?) FROM messages m WHERE m.conversation_id = conversations.id AND m.role = ?
				ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_customer_message`,
			queuePreview+1, workflows.RoleCustomer).
		Joins("LEFT JOIN conversation_contacts cc ON cc.conversation_id = conversations.id").
		Where("conversations.workspace_id = ? AND conversations.status = ? AND conversations.test = ?",
			p.WorkspaceID, workflows.StatusHandedOff, false)
	if team != "" {
		q = q.Where("conversations.team = ?", team)
	}
	var rows []queueRow
	if err := q.Order("conversations.handed_off_at").Limit(200).Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := make([]queueItem, 0, len(rows))
	for _, r := range rows {
		item := queueItem{
			ConversationID: r.ExternalID, Status: r.Status, Team: r.Team, HandoffReason: r.HandoffReason,
			HandoffMode: r.HandoffMode, HandedOffAt: r.HandedOffAt, Flagged: r.Flagged,
			CustomerTier: r.CustomerTier, IssueType: r.IssueType, ChannelType: r.ChannelType,
			Subject: r.ContactSubject, LastCustomerMessage: preview(r.LastCustomerMessage, queuePreview),
			Verified: verifiedOf(r.Conversation),
		}
		if r.ContactEmail != "" || r.ContactName != "" || r.ContactPhone != "" {
			item.Contact = &contactJSON{Email: r.ContactEmail, Name: r.ContactName, Phone: r.ContactPhone}
		}
		out = append(out, item)
	}
	c.JSON(http.StatusOK, gin.H{"conversations": out})
}

// conversationFor loads a conversation of the principal's workspace that a
// rep of its team may act on.
func (s *Server) conversationFor(c *gin.Context) (models.Conversation, error) {
	p := principal(c)
	convID := c.Param("conversationID")
	if err := validID("conversationID", convID); err != nil {
		return models.Conversation{}, err
	}
	var conv models.Conversation
	err := s.DB.WithContext(c.Request.Context()).
		Where("workspace_id = ? AND external_id = ?", p.WorkspaceID, convID).Limit(1).Find(&conv).Error
	if err != nil {
		return conv, err
	}
	if conv.ID == "" || (p.Role == roleWidget && conv.ChannelID != p.ChannelID) {
		return conv, apperr.Errorf(apperr.ENOTFOUND, "conversation not found")
	}
	if p.Role == roleRep && p.Team != "" && conv.Team != "" && conv.Team != p.Team {
		return conv, apperr.Errorf(apperr.EFORBIDDEN, "the conversation is with team %q", conv.Team)
	}
	return conv, nil
}

// signal sends a signal to the conversation's running workflow.
func (s *Server) signal(c *gin.Context, conv models.Conversation, name string, arg any) error {
	if conv.EndedAt != nil {
		return apperr.Errorf(apperr.ECONFLICT, "the conversation has ended")
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 10*time.Second)
	defer cancel()
	err := s.Temporal.SignalWorkflow(ctx, conv.WorkflowID, "", name, arg)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return apperr.Errorf(apperr.ECONFLICT, "the conversation has ended")
	}
	if err != nil {
		return fmt.Errorf("signal %s: %w", name, err)
	}
	return nil
}

// repOf is the name of the rep the request's key names, and the display
// name of the rep's team (the key's, else the conversation's), as the
// customer reads them: "Ada from Support has joined".
func (s *Server) repOf(c *gin.Context, conv models.Conversation) (name, team string) {
	db := s.DB.WithContext(c.Request.Context())
	var key models.APIKey
	db.Where("id = ?", principal(c).KeyID).Limit(1).Find(&key)
	teamKey := key.Team
	if teamKey == "" {
		teamKey = conv.Team
	}
	if teamKey != "" {
		var t models.Team
		db.Where("workspace_id = ? AND key = ?", conv.WorkspaceID, teamKey).Limit(1).Find(&t)
		team = t.Name
	}
	return key.Name, team
}

// repAccept takes a handed-off conversation.
func (s *Server) repAccept(c *gin.Context) {
	conv, err := s.conversationFor(c)
	if err == nil && conv.Status == workflows.StatusRepActive {
		err = apperr.Errorf(apperr.ECONFLICT, "the conversation was already accepted")
	}
	if err == nil {
		name, team := s.repOf(c, conv)
		err = s.signal(c, conv, workflows.SignalRepAccepted, workflows.RepAccepted{RepKeyID: principal(c).KeyID, RepName: name, RepTeam: team})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID, "status": "accepting"})
}

type repMessageRequest struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// repReply writes to the customer (accepting the handoff if needed).
func (s *Server) repReply(c *gin.Context) {
	var req repMessageRequest
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
	conv, err := s.conversationFor(c)
	if err == nil {
		name, team := s.repOf(c, conv)
		err = s.signal(c, conv, workflows.SignalRepMessage, workflows.RepMessage{
			ID: req.ID, RepKeyID: principal(c).KeyID, RepName: name, RepTeam: team, Text: req.Text,
		})
	}
	if err == nil {
		err = s.queueRepReply(c.Request.Context(), conv, req)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID, "id": req.ID})
}

type handBackRequest struct {
	Note string `json:"note"`
}

// repHandBack returns the conversation to the agent.
func (s *Server) repHandBack(c *gin.Context) {
	var req handBackRequest
	if c.Request.ContentLength != 0 {
		if err := s.readJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	conv, err := s.conversationFor(c)
	if err == nil && conv.Status != workflows.StatusHandedOff && conv.Status != workflows.StatusRepActive {
		err = apperr.Errorf(apperr.ECONFLICT, "the conversation is not with a rep")
	}
	if err == nil {
		err = s.signal(c, conv, workflows.SignalHandBack, workflows.HandBack{RepKeyID: principal(c).KeyID, Note: req.Note})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID, "status": "handing_back"})
}

type repVerifyRequest struct {
	Email string `json:"email"`
}

// repVerify asks the customer to prove their email: the workflow emails a
// code to the address the rep gives, or else to the one the customer gave,
// and the customer types it in the conversation. A customer verified
// already, or a conversation that has ended, is refused (409); no address
// at all, or one that is not an email, is refused naming email (400).
func (s *Server) repVerify(c *gin.Context) {
	var req repVerifyRequest
	if c.Request.ContentLength != 0 {
		if err := s.readJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	conv, err := s.conversationFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case conv.VerifiedEmail != "":
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "the customer has proved %s already", conv.VerifiedEmail))
		return
	case conv.EndedAt != nil:
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "the conversation has ended"))
		return
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		var given models.ConversationContact
		if err := s.DB.WithContext(c.Request.Context()).Where("conversation_id = ?", conv.ID).Limit(1).Find(&given).Error; err != nil {
			s.fail(c, err)
			return
		}
		if email = given.Email; email == "" {
			s.fail(c, apperr.Invalid("email", "the customer gave none: ask them for it and send it here"))
			return
		}
	} else if email, err = bareEmail("email", email); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.signal(c, conv, workflows.SignalRepVerify, workflows.RepVerify{RepKeyID: principal(c).KeyID,
		Email: strings.ToLower(email)}); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID, "status": "code_sent_if_on_file"})
}

// closeConversation ends a conversation (reps and admins).
func (s *Server) closeConversation(c *gin.Context) {
	conv, err := s.conversationFor(c)
	if err == nil {
		err = s.signal(c, conv, workflows.SignalClose, workflows.Close{By: principal(c).Role})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID, "status": "closing"})
}

// customerAccount is the account of the customer of a conversation, as a
// rep reads it: the CRM's contact with the email the customer proved, their
// newest orders and their other conversations. A customer who proved
// nothing shows none, whatever email they typed (Note says why).
type customerAccount struct {
	Verified *verifiedJSON      `json:"verified"`
	Contact  *crm.ContactRecord `json:"contact"`
	Orders   []crm.OrderRecord  `json:"orders"`
	// Conversations are the customer's other conversations in which they
	// proved the same email, newest first.
	Conversations []pastConversation `json:"conversations"`
	Note          string             `json:"note,omitempty"`
}

// pastConversation is one of a customer's other conversations, as a rep
// sees it beside the current one.
type pastConversation struct {
	ConversationID string     `json:"conversation_id"`
	Channel        string     `json:"channel"`
	Status         string     `json:"status"`
	IssueType      string     `json:"issue_type,omitempty"`
	HandoffReason  string     `json:"handoff_reason,omitempty"`
	StartedAt      time.Time  `json:"started_at"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
}

// pastConversations bounds the other conversations an account shows.
const pastConversations = 5

// repCustomer is the account of the conversation's customer (reps of its
// team, and admins).
func (s *Server) repCustomer(c *gin.Context) {
	conv, err := s.conversationFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := customerAccount{Verified: verifiedOf(conv), Orders: []crm.OrderRecord{}, Conversations: []pastConversation{}}
	if out.Verified == nil {
		out.Note = "The customer has not proved who they are: no account is shown for an email they only typed."
		c.JSON(http.StatusOK, out)
		return
	}
	account, err := s.crmService().AccountOf(c.Request.Context(), conv.WorkspaceID, conv.VerifiedEmail)
	if err != nil {
		s.fail(c, err)
		return
	}
	if account == nil {
		out.Note = "No contact in the CRM has the email " + conv.VerifiedEmail + "."
	} else {
		out.Contact, out.Orders = &account.Contact, account.Orders
	}
	var past []models.Conversation
	if err := s.DB.WithContext(c.Request.Context()).
		Where("workspace_id = ? AND verified_email = ? AND id <> ? AND test = ?", conv.WorkspaceID, conv.VerifiedEmail, conv.ID, false).
		Order("started_at DESC, id").Limit(pastConversations).Find(&past).Error; err != nil {
		s.fail(c, err)
		return
	}
	for _, p := range past {
		out.Conversations = append(out.Conversations, pastConversation{ConversationID: p.ExternalID, Channel: p.ChannelType,
			Status: p.Status, IssueType: p.IssueType, HandoffReason: p.HandoffReason, StartedAt: p.StartedAt, EndedAt: p.EndedAt})
	}
	c.JSON(http.StatusOK, out)
}

type feedbackRequest struct {
	Helpful *bool  `json:"helpful"`
	Comment string `json:"comment"`
}

// customerFeedback records whether the agent helped.
func (s *Server) customerFeedback(c *gin.Context) {
	var req feedbackRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if req.Helpful == nil {
		s.fail(c, apperr.Invalid("helpful", "must be true or false"))
		return
	}
	if utf8.RuneCountInString(req.Comment) > 2000 {
		s.fail(c, apperr.Invalid("comment", "longer than 2000 characters"))
		return
	}
	conv, err := s.conversationFor(c)
	if err == nil {
		err = s.signal(c, conv, workflows.SignalCustomerFeedback, workflows.CustomerFeedback{Helpful: *req.Helpful, Comment: req.Comment})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"conversation_id": conv.ExternalID})
}

// validText checks a message's text as the conversation does
// (decide.CheckText), so a bad message is refused before it reaches it.
func validText(text string) error {
	if err := decide.CheckText(text); err != nil {
		return apperr.Invalid(err.Field, err.Reason)
	}
	return nil
}

// eventPoll is how often the event stream looks for new events. Events are
// read from the database, so every API server behind a load balancer sees
// every event.
const eventPoll = 250 * time.Millisecond

// repEvents streams the rep's team's events as server-sent events. A client
// that reconnects sends Last-Event-ID and misses nothing; ?since=0 replays
// from the start, no parameter starts at now.
func (s *Server) repEvents(c *gin.Context) {
	p := principal(c)
	team, err := repTeam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var last uint64
	switch since := firstNonEmpty(c.GetHeader("Last-Event-ID"), c.Query("since")); since {
	case "":
		if err := db.Model(&models.RepEvent{}).Select("COALESCE(MAX(id), 0)").Scan(&last).Error; err != nil {
			s.fail(c, err)
			return
		}
	default:
		n, err := strconv.ParseUint(since, 10, 64)
		if err != nil {
			s.fail(c, apperr.Invalid("since", "must be an event ID"))
			return
		}
		last = n
	}
	lease, err := s.openStream(c.Request.Context(), p.KeyID)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer s.closeStream(c.Request.Context(), lease)
	w := c.Writer
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, ": connected\n\n")
	w.Flush()
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	keepAlive := time.NewTicker(eventKeepAlive)
	defer keepAlive.Stop()
	keyCheck := time.NewTicker(keyRecheck)
	defer keyCheck.Stop()
	for {
		q := db.Where("workspace_id = ? AND id > ?", p.WorkspaceID, last)
		if team != "" {
			q = q.Where("team = ? OR team = ''", team)
		}
		var events []models.RepEvent
		if err := q.Order("id").Limit(100).Find(&events).Error; err != nil {
			if c.Request.Context().Err() == nil {
				s.Log.Error("rep events", "err", err)
			}
			return
		}
		if len(events) > 0 && s.streamKeyRevoked(c, p.KeyID) {
			return
		}
		for _, e := range events {
			payload := e.Payload.V
			if payload == nil {
				payload = map[string]any{}
			}
			payload["conversation_id"] = e.ConversationID
			payload["team"] = e.Team
			payload["at"] = e.CreatedAt
			data, _ := json.Marshal(payload)
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Kind, data)
			last = e.ID
		}
		if len(events) > 0 {
			w.Flush()
		}
		select {
		case <-c.Request.Context().Done():
			return
		case <-s.closing():
			return // the server shuts down: the client reconnects elsewhere
		case <-keepAlive.C:
			// A stream whose lease is lost ends: the client reconnects
			// with Last-Event-ID and misses nothing.
			if err := s.renewStream(c.Request.Context(), lease); err != nil {
				if c.Request.Context().Err() == nil {
					s.Log.Warn("rep events", "err", err)
				}
				return
			}
			fmt.Fprintf(w, ": keep-alive\n\n")
			w.Flush()
		case <-keyCheck.C:
			if s.streamKeyRevoked(c, p.KeyID) {
				return
			}
		case <-tick.C:
		}
	}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// preview is text's first n characters, with "…" when it goes on.
func preview(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	return string([]rune(text)[:n]) + "…"
}
