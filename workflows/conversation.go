package workflows

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
)

// Conversation statuses (also the Status search attribute's values).
const (
	StatusAIActive         = "ai_active"
	StatusHandedOff        = "handed_off"
	StatusRepActive        = "rep_active"
	StatusResolved         = "resolved"
	StatusClosedUnresolved = "closed_unresolved"
)

// MaxMessageChars is the longest customer message accepted, in characters.
const MaxMessageChars = 4000

// DefaultInactivityTimeout ends a conversation nobody has written to.
const DefaultInactivityTimeout = 72 * time.Hour

// ConversationInput starts a conversation.
type ConversationInput struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	// ChannelType is chat, email or whatsapp.
	ChannelType string
	Test        bool
	// InactivityTimeout ends the conversation after this long without a
	// message (DefaultInactivityTimeout when zero).
	InactivityTimeout time.Duration
}

// ConversationResult is how the conversation ended.
type ConversationResult struct {
	Status string
}

// CustomerMessage is the argument of the customer_message update.
type CustomerMessage struct {
	// ID is the client's message ID; a message with an ID already answered
	// gets the same reply and no second turn.
	ID           string
	Text         string
	ContactEmail string
	// ChannelID is the channel the message came in on; it must be the
	// conversation's.
	ChannelID string
}

// AgentReply is the result of the customer_message update.
type AgentReply struct {
	MessageID string
	Text      string
	Citations []activities.Citation
	Status    string
	// Known is false when the agent said it does not know.
	Known bool
}

// TranscriptEntry is one message of the conversation.
type TranscriptEntry struct {
	ClientID  string
	Role      string
	Text      string
	Citations []activities.Citation `json:",omitempty"`
	At        time.Time
}

// ConversationState is what the state query returns.
type ConversationState struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	Status         string
	StartedAt      time.Time
	Transcript     []TranscriptEntry
}

// ConversationWorkflow is one customer conversation: each customer message is
// an update answered by one agent turn; the conversation ends on close or
// after a period of inactivity.
func ConversationWorkflow(ctx workflow.Context, in ConversationInput) (ConversationResult, error) {
	c := &conversation{
		in: in,
		state: ConversationState{
			WorkspaceID: in.WorkspaceID, ConversationID: in.ConversationID,
			ChannelID: in.ChannelID, Status: StatusAIActive, StartedAt: workflow.Now(ctx),
		},
		replies: map[string]AgentReply{},
		wake:    workflow.NewBufferedChannel(ctx, 1),
	}
	return c.run(ctx)
}

type conversation struct {
	in      ConversationInput
	state   ConversationState
	replies map[string]AgentReply
	busy    bool
	closed  bool
	// wake is sent to on every message, to restart the inactivity timer.
	wake workflow.Channel
}

func (c *conversation) run(ctx workflow.Context) (ConversationResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ConversationState, error) {
		return c.state, nil
	}); err != nil {
		return ConversationResult{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCustomerMessage, c.onCustomerMessage,
		workflow.UpdateHandlerOptions{Validator: c.validateCustomerMessage}); err != nil {
		return ConversationResult{}, err
	}
	closeCh := workflow.GetSignalChannel(ctx, SignalClose)

	inactivity := c.in.InactivityTimeout
	if inactivity <= 0 {
		inactivity = DefaultInactivityTimeout
	}
	for !c.closed {
		// A timer per wait, cancelled when a message arrives first, so a long
		// conversation does not pile up live timers.
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		timer := workflow.NewTimer(timerCtx, inactivity)
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(timer, func(workflow.Future) { c.closed = true })
		sel.AddReceive(closeCh, func(ch workflow.ReceiveChannel, _ bool) {
			ch.Receive(ctx, nil)
			c.closed = true
		})
		sel.AddReceive(c.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		sel.Select(ctx)
		cancelTimer()
	}

	// Let a turn in flight finish before the conversation ends.
	if err := workflow.Await(ctx, func() bool { return !c.busy && workflow.AllHandlersFinished(ctx) }); err != nil {
		return ConversationResult{}, err
	}
	c.state.Status = StatusClosedUnresolved
	if c.agentAnswered() {
		c.state.Status = StatusResolved
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		SearchStatus.ValueSet(c.state.Status),
		SearchResolved.ValueSet(c.state.Status == StatusResolved),
	); err != nil {
		return ConversationResult{}, err
	}
	if err := c.record(ctx, nil); err != nil {
		return ConversationResult{}, err
	}
	return ConversationResult{Status: c.state.Status}, nil
}

func (c *conversation) agentAnswered() bool {
	for _, r := range c.replies {
		if r.Known {
			return true
		}
	}
	return false
}

func (c *conversation) validateCustomerMessage(_ workflow.Context, msg CustomerMessage) error {
	switch {
	case msg.ChannelID != c.in.ChannelID:
		return temporal.NewApplicationError("no such conversation on this channel", ErrConversationNotFound)
	case msg.ID == "":
		return temporal.NewApplicationError("id: must not be empty", ErrInvalidMessage)
	// JSON payloads turn invalid UTF-8 into U+FFFD on the way in, so the
	// replacement character is what a broken encoding looks like here.
	case !utf8.ValidString(msg.Text) || strings.ContainsRune(msg.Text, utf8.RuneError):
		return temporal.NewApplicationError("text: is not valid UTF-8", ErrInvalidMessage)
	case strings.TrimSpace(msg.Text) == "":
		return temporal.NewApplicationError("text: must not be empty", ErrInvalidMessage)
	case utf8.RuneCountInString(msg.Text) > MaxMessageChars:
		return temporal.NewApplicationError(fmt.Sprintf("text: longer than %d characters", MaxMessageChars), ErrInvalidMessage)
	}
	if _, answered := c.replies[msg.ID]; answered {
		return nil
	}
	if c.closed || c.state.Status == StatusResolved || c.state.Status == StatusClosedUnresolved {
		return temporal.NewApplicationError("the conversation is closed", ErrConversationClosed)
	}
	return nil
}

func (c *conversation) onCustomerMessage(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	if r, ok := c.replies[msg.ID]; ok {
		return r, nil
	}
	// Turns run one at a time, in arrival order.
	if err := workflow.Await(ctx, func() bool { return !c.busy }); err != nil {
		return AgentReply{}, err
	}
	if r, ok := c.replies[msg.ID]; ok {
		return r, nil
	}
	c.busy = true
	defer func() { c.busy = false }()
	c.wake.SendAsync(struct{}{})

	reply, err := c.turn(ctx, msg)
	if err != nil {
		return AgentReply{}, err
	}
	c.replies[msg.ID] = reply
	return reply, nil
}

// turn is one agent turn: retrieve, generate, record.
func (c *conversation) turn(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	var a *activities.Activities
	received := workflow.Now(ctx)

	// Retrieval is a short read: a local activity saves the round trips.
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	var retrieved activities.RetrieveResult
	err := workflow.ExecuteLocalActivity(lctx, a.Retrieve, activities.RetrieveInput{
		WorkspaceID: c.in.WorkspaceID, Query: msg.Text, Limit: 5,
	}).Get(ctx, &retrieved)
	if err != nil {
		return AgentReply{}, fmt.Errorf("retrieve: %w", err)
	}

	// Generation may call an LLM: a regular activity with its own retries and
	// history events. The timeout leaves room for a slow model.
	gctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 4,
		},
	})
	var gen activities.GenerateResult
	err = workflow.ExecuteActivity(gctx, a.Generate, activities.GenerateInput{
		WorkspaceID: c.in.WorkspaceID, Question: msg.Text, Passages: retrieved.Passages,
	}).Get(ctx, &gen)
	if err != nil {
		return AgentReply{}, fmt.Errorf("generate: %w", err)
	}
	answered := workflow.Now(ctx)

	c.state.Transcript = append(c.state.Transcript,
		TranscriptEntry{ClientID: msg.ID, Role: "customer", Text: msg.Text, At: received},
		TranscriptEntry{ClientID: msg.ID, Role: "agent", Text: gen.Text, Citations: gen.Citations, At: answered},
	)
	if err := c.record(ctx, c.state.Transcript[len(c.state.Transcript)-2:]); err != nil {
		return AgentReply{}, err
	}
	return AgentReply{
		MessageID: msg.ID, Text: gen.Text, Citations: gen.Citations,
		Status: c.state.Status, Known: gen.Known,
	}, nil
}

// record writes the conversation and the given messages to the read model.
func (c *conversation) record(ctx workflow.Context, entries []TranscriptEntry) error {
	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		// The read model must catch up eventually; keep retrying.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	in := activities.RecordTurnInput{
		WorkspaceID: c.in.WorkspaceID, ConversationID: c.in.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: c.in.ChannelID,
		Status: c.state.Status, Test: c.in.Test, StartedAt: c.state.StartedAt,
	}
	for _, e := range entries {
		in.Messages = append(in.Messages, activities.TranscriptMessage{
			ClientID: e.ClientID, Role: e.Role, Text: e.Text, Citations: e.Citations, At: e.At,
		})
	}
	if err := workflow.ExecuteActivity(actx, a.RecordTurn, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("record turn: %w", err)
	}
	return nil
}
