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

// Transcript roles.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
	RoleRep      = "rep"
	RoleSystem   = "system"
)

// MaxMessageChars is the longest customer message accepted, in characters.
const MaxMessageChars = 4000

// DefaultMaxTurnsPerRun bounds a run's history: after this many turns the
// conversation continues as new (sooner when the server suggests it).
const DefaultMaxTurnsPerRun = 200

// Bounds of what a run carries into the next when it continues as new.
const (
	carriedTranscript = 100
	carriedReplies    = 100
)

// ConversationInput starts a conversation.
type ConversationInput struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	// ChannelType is chat, email or whatsapp.
	ChannelType string
	// Test marks an admin's test conversation: it never consumes credits.
	Test bool
	// InactivityTimeout overrides the workspace's inactivity setting.
	InactivityTimeout time.Duration
	// MaxTurnsPerRun overrides DefaultMaxTurnsPerRun.
	MaxTurnsPerRun int
	// Carried is the state of the previous run, set by continue-as-new.
	Carried *ConversationState
	// Unwritten are the records the previous run had not written to the
	// read model yet, oldest first; this run writes them before its own.
	Unwritten []UnwrittenRecord
}

// UnwrittenRecord is a record continue-as-new hands to the next run, with
// the team to notify of a handoff in it once it is written.
type UnwrittenRecord struct {
	Record activities.RecordTurnInput
	Team   activities.TeamInfo
}

// ConversationResult is how the conversation ended.
type ConversationResult struct {
	Status   string
	Resolved bool
	Charged  bool
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
	// Text is the agent's reply; empty when a rep has the conversation (the
	// rep answers later).
	Text      string
	Citations []activities.Citation
	Status    string
	// Known is false when the agent said it does not know.
	Known bool
	// HandedOff is set when this message handed the conversation to a team.
	HandedOff bool
	// IssueType is the issue type the agent worked with.
	IssueType string
}

// RepAccepted is the rep_accepted signal.
type RepAccepted struct {
	RepKeyID string
	RepName  string
}

// RepMessage is the rep_message signal.
type RepMessage struct {
	ID       string
	RepKeyID string
	RepName  string
	Text     string
}

// HandBack is the hand_back signal.
type HandBack struct {
	RepKeyID string
	Note     string
}

// Close is the close signal.
type Close struct {
	By string
}

// CustomerFeedback is the customer_feedback signal.
type CustomerFeedback struct {
	Helpful bool
	Comment string
}

// TranscriptEntry is one message of the conversation.
type TranscriptEntry struct {
	ClientID  string
	Role      string
	Text      string
	Citations []activities.Citation `json:",omitempty"`
	At        time.Time
}

// Handoff is the conversation's current handoff.
type Handoff struct {
	// Reason says why, e.g. "rule: Refunds go to a person" or
	// "asked_for_human".
	Reason     string
	Trigger    string
	RuleID     string
	Mode       string
	Team       string
	Message    string
	At         time.Time
	AcceptedAt *time.Time
	RepKeyID   string
	RepName    string
	// Flagged is set when no rep accepted in time.
	Flagged bool
	// Score is a qualified lead's score.
	Score *float64
	// AcceptBy is when the fallback message goes out if no rep accepted.
	AcceptBy time.Time
	Fallback string
}

// RecentReply remembers a reply by message ID, for idempotency.
type RecentReply struct {
	ID    string
	Reply AgentReply
}

// ConversationState is the conversation's state: what the state query
// returns and what continue-as-new carries.
type ConversationState struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	ChannelType    string
	Test           bool
	Status         string
	StartedAt      time.Time
	LastActivity   time.Time

	ContactEmail string
	ContactID    string
	CustomerTier string
	IssueType    string

	// Pinned rule set versions, fixed by the first turn.
	Pinned         bool
	HandoffVersion int
	RoutingVersion int
	Inactivity     time.Duration

	Handoff      *Handoff
	HandoffCount int
	// AgentAnswered is set once the agent gave an answer it knew.
	AgentAnswered      bool
	Feedback           string
	ConsecutiveUnknown int
	UnansweredCount    int
	// ClarifyAsked is set once the agent asked a clarifying question since
	// its last answer.
	ClarifyAsked  bool
	TurnCount     int
	FirstAnswerMs int64
	// ReopenOf is the read-model ID of the resolved conversation this one
	// reopened.
	ReopenOf string
	// EventSeq numbers rep events and decisions uniquely across runs.
	EventSeq int
	// Lead is the progress of qualifying a sales inquiry.
	Lead *LeadState
	// Recorded is set once the read model has the conversation's row.
	Recorded bool
	// InactivityHandoff, set from the channel's settings on the first turn,
	// makes the inactivity timeout hand the conversation to this team first
	// (unless a team has it already); a further quiet period ends it. nil:
	// inactivity ends the conversation.
	InactivityHandoff *activities.TeamInfo

	Transcript    []TranscriptEntry
	RecentReplies []RecentReply
}

// ConversationWorkflow is one customer conversation. Each customer message is
// an update answered by one agent turn; reps act by signals; the
// conversation ends on close or after a period of inactivity, and a
// conversation the agent resolved consumes one credit.
func ConversationWorkflow(ctx workflow.Context, in ConversationInput) (ConversationResult, error) {
	c := &conversation{in: in, wake: workflow.NewBufferedChannel(ctx, 1)}
	if in.Carried != nil {
		c.state = *in.Carried
	} else {
		now := workflow.Now(ctx)
		c.state = ConversationState{
			WorkspaceID: in.WorkspaceID, ConversationID: in.ConversationID,
			ChannelID: in.ChannelID, ChannelType: in.ChannelType, Test: in.Test,
			Status: StatusAIActive, StartedAt: now, LastActivity: now,
		}
	}
	if in.InactivityTimeout > 0 {
		c.state.Inactivity = in.InactivityTimeout
	}
	return c.run(ctx)
}

type conversation struct {
	in     ConversationInput
	state  ConversationState
	busy   bool
	closed bool
	// turns counts this run's turns, for continue-as-new.
	turns int
	// wake is sent to on every message, to restart the inactivity timer.
	wake workflow.Channel
	// async is set when records are written after the reply, batch when
	// those that can wait are written together (see startRecorder); queue
	// holds those not yet written, and they are written at once while flush
	// reports true.
	async bool
	batch bool
	queue []pendingRecord
	flush func() bool
	// writing is set while records are being written.
	writing bool
	// lasting is set when timers last across waits (see addTimers); idle
	// and accept are the inactivity and accept timers.
	lasting      bool
	idle, accept *deadlineTimer
	// answerInRetrieve is set when Retrieve writes the extractive reply
	// (see answerInRetrieve).
	answerInRetrieve bool
	// visibleSignals is set when the main loop waits with no receive
	// blocked on a signal channel (see visibleSignals).
	visibleSignals bool
	// config is the workspace configuration as this run last loaded it,
	// which later turns' LoadContext leaves out while it stays the same.
	config heldConfig
	// closeCh is where close signals arrive.
	closeCh workflow.ReceiveChannel
	// prefetch is the turn's retrieval started alongside LoadContext.
	prefetch *retrieval
	// searchSent is the search attributes last upserted by this run; a turn
	// that changes none of them upserts nothing.
	searchSent string
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
	c.closeCh = workflow.GetSignalChannel(ctx, SignalClose)
	acceptedCh := workflow.GetSignalChannel(ctx, SignalRepAccepted)
	repMessageCh := workflow.GetSignalChannel(ctx, SignalRepMessage)
	handBackCh := workflow.GetSignalChannel(ctx, SignalHandBack)
	feedbackCh := workflow.GetSignalChannel(ctx, SignalCustomerFeedback)
	c.startRecorder(ctx)
	c.lasting = workflow.GetVersion(ctx, lastingTimers, workflow.DefaultVersion, 1) == 1
	c.answerInRetrieve = workflow.GetVersion(ctx, answerInRetrieve, workflow.DefaultVersion, 1) == 1
	c.visibleSignals = workflow.GetVersion(ctx, visibleSignals, workflow.DefaultVersion, 1) == 1
	// The wait below is not cancelled with the workflow: a cancellation
	// request leaves the conversation to end as it would.
	waitCtx, _ := workflow.NewDisconnectedContext(ctx)

	maxTurns := c.in.MaxTurnsPerRun
	if maxTurns <= 0 {
		maxTurns = DefaultMaxTurnsPerRun
	}
	for !c.closed {
		if (c.turns >= maxTurns || workflow.GetInfo(ctx).GetContinueAsNewSuggested()) && !c.busy {
			// Let every handler finish, then start afresh with the state.
			if err := c.quiesce(ctx); err != nil {
				return ConversationResult{}, err
			}
			// A signal that came in meanwhile would be lost with this run:
			// the selector below takes it first.
			if !signalsPending(c.closeCh, acceptedCh, repMessageCh, handBackCh, feedbackCh) {
				next := c.in
				carried := c.carry()
				next.Carried = &carried
				next.Unwritten = nil
				for _, p := range c.queue {
					next.Unwritten = append(next.Unwritten, UnwrittenRecord{Record: p.rec, Team: p.team})
				}
				return ConversationResult{}, workflow.NewContinueAsNewError(ctx, ConversationWorkflow, next)
			}
		}

		sel := workflow.NewSelector(ctx)
		var cancelTimers func()
		if !c.visibleSignals {
			cancelTimers = c.addTimers(ctx, sel)
		}
		sel.AddReceive(c.closeCh, func(ch workflow.ReceiveChannel, _ bool) {
			var sig Close
			ch.Receive(ctx, &sig)
			c.closed = true
		})
		sel.AddReceive(acceptedCh, func(ch workflow.ReceiveChannel, _ bool) {
			var sig RepAccepted
			ch.Receive(ctx, &sig)
			c.onRepAccepted(ctx, sig)
		})
		sel.AddReceive(repMessageCh, func(ch workflow.ReceiveChannel, _ bool) {
			var sig RepMessage
			ch.Receive(ctx, &sig)
			c.onRepMessage(ctx, sig)
		})
		sel.AddReceive(handBackCh, func(ch workflow.ReceiveChannel, _ bool) {
			var sig HandBack
			ch.Receive(ctx, &sig)
			c.onHandBack(ctx, sig)
		})
		sel.AddReceive(feedbackCh, func(ch workflow.ReceiveChannel, _ bool) {
			var sig CustomerFeedback
			ch.Receive(ctx, &sig)
			c.onFeedback(ctx, sig)
		})
		sel.AddReceive(c.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		if c.visibleSignals {
			// Signals before timers: a rep who accepts as the accept timer
			// fires, or a close as the inactivity timer fires, wins.
			cancelTimers = c.addTimers(ctx, sel)
			if err := workflow.Await(waitCtx, sel.HasPending); err != nil {
				return ConversationResult{}, err
			}
		}
		sel.Select(ctx)
		cancelTimers()
	}
	c.idle.stop()
	c.accept.stop()
	return c.end(ctx)
}

// addTimers adds the inactivity timer and, while a handoff waits for a rep,
// the accept timer to sel, and returns what to call once sel has selected.
//
// Before lastingTimers, each wait started its timers and cancelled them
// once something else happened, so every message cancelled and restarted
// the inactivity timer. Now a timer lasts until it fires or its deadline
// comes sooner: a message only moves the inactivity deadline later, so the
// timer that fires before the new deadline starts another for the rest.
func (c *conversation) addTimers(ctx workflow.Context, sel workflow.Selector) (cancel func()) {
	onIdle := func(workflow.Future) {
		c.idle = nil
		if c.lasting && workflow.Now(ctx).Before(c.state.LastActivity.Add(c.inactivity())) {
			return // active since the timer started: wait for the rest
		}
		if c.handOffWhenInactive() {
			c.onInactive(ctx)
			return
		}
		c.closed = true
	}
	onAccept := func(workflow.Future) {
		c.accept = nil
		c.onNoRepInTime(ctx)
	}
	h := c.state.Handoff
	waiting := h != nil && h.AcceptedAt == nil && !h.Flagged && !h.AcceptBy.IsZero()
	if !c.lasting {
		// Both timers on one context, as before: a context's children are
		// cancelled in a random order when histories from then replay.
		timerCtx, cancel := workflow.WithCancel(ctx)
		c.idle = &deadlineTimer{future: workflow.NewTimer(timerCtx, untilDeadline(ctx, c.state.LastActivity.Add(c.inactivity()))), cancel: cancel}
		sel.AddFuture(c.idle.future, onIdle)
		if waiting {
			c.accept = &deadlineTimer{future: workflow.NewTimer(timerCtx, untilDeadline(ctx, h.AcceptBy)), cancel: cancel}
			sel.AddFuture(c.accept.future, onAccept)
		}
		return cancel
	}
	if deadline := c.state.LastActivity.Add(c.inactivity()); c.idle == nil || deadline.Before(c.idle.at) {
		c.idle.stop()
		c.idle = newDeadlineTimer(ctx, deadline)
	}
	sel.AddFuture(c.idle.future, onIdle)
	switch {
	case !waiting:
		c.accept.stop()
		c.accept = nil
	case c.accept == nil || !c.accept.at.Equal(h.AcceptBy):
		c.accept.stop()
		c.accept = newDeadlineTimer(ctx, h.AcceptBy)
	}
	if c.accept != nil {
		sel.AddFuture(c.accept.future, onAccept)
	}
	return func() {}
}

// deadlineTimer is a durable timer that fires at a deadline.
type deadlineTimer struct {
	at     time.Time
	future workflow.Future
	cancel workflow.CancelFunc
}

// newDeadlineTimer starts a timer firing at at (at once, if at has passed).
func newDeadlineTimer(ctx workflow.Context, at time.Time) *deadlineTimer {
	ctx, cancel := workflow.WithCancel(ctx)
	return &deadlineTimer{at: at, future: workflow.NewTimer(ctx, untilDeadline(ctx, at)), cancel: cancel}
}

// untilDeadline is how long a timer firing at at waits (at least 1 ms).
func untilDeadline(ctx workflow.Context, at time.Time) time.Duration {
	return max(at.Sub(workflow.Now(ctx)), time.Millisecond)
}

// stop cancels the timer unless it has fired; t may be nil.
func (t *deadlineTimer) stop() {
	if t != nil && !t.future.IsReady() {
		t.cancel()
	}
}

// lastingTimers is the workflow change that keeps the inactivity and accept
// timers across waits (see addTimers).
const lastingTimers = "lasting-timers"

// answerInRetrieve is the workflow change that has Retrieve write the reply
// when the worker's answerer is the in-process extractive one, saving the
// turn a Generate local activity: histories started before it replay with
// Generate after Retrieve.
const answerInRetrieve = "answer-in-retrieve"

// visibleSignals is the workflow change that has the main loop wait for
// something to select (workflow.Await) before it selects, instead of
// blocking in Select. A receive blocked in Select takes a signal the moment
// it is delivered, and its channel then looks empty until the main loop
// runs; the customer_message validator, which runs before the main loop in
// the same workflow task, then did not see a close delivered with the
// message, and the closing run answered it. Waiting leaves the signal in
// its channel. Selected first are now the signals, then the timers.
const visibleSignals = "visible-signals"

// signalsPending reports whether a signal waits in one of chs.
func signalsPending(chs ...workflow.ReceiveChannel) bool {
	for _, ch := range chs {
		if ch.Len() > 0 {
			return true
		}
	}
	return false
}

func (c *conversation) inactivity() time.Duration {
	if c.state.Inactivity > 0 {
		return c.state.Inactivity
	}
	return activities.DefaultInactivity
}

// carry is the state the next run starts from, trimmed to bounds.
func (c *conversation) carry() ConversationState {
	s := c.state
	if n := len(s.Transcript); n > carriedTranscript {
		s.Transcript = append([]TranscriptEntry(nil), s.Transcript[n-carriedTranscript:]...)
	}
	if n := len(s.RecentReplies); n > carriedReplies {
		s.RecentReplies = append([]RecentReply(nil), s.RecentReplies[n-carriedReplies:]...)
	}
	return s
}

// lock runs steps that change the conversation one at a time, in arrival
// order: turns, rep signals, timers.
func (c *conversation) lock(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return !c.busy }); err != nil {
		return err
	}
	c.busy = true
	return nil
}

// unlock ends a step and wakes the main loop, so it re-arms its timers for
// the new state (a handoff's acceptance deadline, the inactivity timeout) and
// considers continuing as new.
func (c *conversation) unlock() {
	c.busy = false
	c.wake.SendAsync(struct{}{})
}

func (c *conversation) reply(id string) (AgentReply, bool) {
	for _, r := range c.state.RecentReplies {
		if r.ID == id {
			return r.Reply, true
		}
	}
	return AgentReply{}, false
}

func (c *conversation) ended() bool {
	return c.closed || c.state.Status == StatusResolved || c.state.Status == StatusClosedUnresolved
}

func (c *conversation) validateCustomerMessage(_ workflow.Context, msg CustomerMessage) error {
	switch {
	case msg.ChannelID != c.state.ChannelID:
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
	if _, answered := c.reply(msg.ID); answered {
		return nil
	}
	// A close signal the main loop has not taken yet (it may be waiting on
	// something else, or the signal came in this workflow task) closes the
	// conversation all the same: the message must start a new run that
	// reopens it, not slip in before the end. Runs started before
	// visibleSignals can miss a close that came in this task.
	if c.ended() || (c.closeCh != nil && c.closeCh.Len() > 0) {
		return temporal.NewApplicationError("the conversation is closed", ErrConversationClosed)
	}
	return nil
}

func (c *conversation) onCustomerMessage(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	if r, ok := c.reply(msg.ID); ok {
		return r, nil
	}
	if err := c.lock(ctx); err != nil {
		return AgentReply{}, err
	}
	defer c.unlock()
	if r, ok := c.reply(msg.ID); ok {
		return r, nil
	}
	c.turns++
	reply, err := c.turn(ctx, msg)
	if err != nil {
		return AgentReply{}, err
	}
	c.state.RecentReplies = append(c.state.RecentReplies, RecentReply{ID: msg.ID, Reply: reply})
	return reply, nil
}

// settle waits until no turn or handler is running and every record is
// written; once nothing is running, those that could wait are written at
// once. (A customer who keeps writing keeps the records batched meanwhile.)
func (c *conversation) settle(ctx workflow.Context) error {
	c.flush = func() bool { return c.quiet(ctx) }
	defer func() { c.flush = nil }()
	return workflow.Await(ctx, func() bool { return c.quiet(ctx) && c.recorded() })
}

// quiet reports whether no turn or handler is running.
func (c *conversation) quiet(ctx workflow.Context) bool {
	return !c.busy && workflow.AllHandlersFinished(ctx)
}

// quiesce waits until the run may continue as new: no turn or handler
// running and no record being written. Records not written yet go to the
// next run (ConversationInput.Unwritten), so a customer who writes
// without pause does not keep the run from continuing as new. Before
// batchRecords, the run waited for every record to be written.
func (c *conversation) quiesce(ctx workflow.Context) error {
	if !c.batch {
		return c.settle(ctx)
	}
	return workflow.Await(ctx, func() bool { return c.quiet(ctx) && !c.writing })
}

// end decides the outcome, charges a resolution and records the end.
func (c *conversation) end(ctx workflow.Context) (ConversationResult, error) {
	// Let a turn or signal in flight finish first, and its record.
	if err := c.settle(ctx); err != nil {
		return ConversationResult{}, err
	}
	resolved := c.state.AgentAnswered && c.state.HandoffCount == 0 && c.state.Feedback != FeedbackNotHelpful
	c.state.Status = StatusClosedUnresolved
	if resolved {
		c.state.Status = StatusResolved
	}
	result := ConversationResult{Status: c.state.Status, Resolved: resolved}
	if resolved && !c.state.Test {
		var a *activities.Activities
		info := workflow.GetInfo(ctx)
		var charged activities.ChargeResult
		err := workflow.ExecuteActivity(sideEffectOptions(ctx), a.ChargeResolution, activities.ChargeInput{
			WorkspaceID: c.state.WorkspaceID, ConversationRowID: activities.ConversationRowID(info.WorkflowExecution.ID),
			Key: info.WorkflowExecution.ID + ":" + info.FirstRunID, At: workflow.Now(ctx),
		}).Get(ctx, &charged)
		if err != nil {
			return ConversationResult{}, fmt.Errorf("charge resolution: %w", err)
		}
		result.Charged = charged.Charged
	}
	if err := c.upsertSearch(ctx); err != nil {
		return ConversationResult{}, err
	}
	now := workflow.Now(ctx)
	rec := c.record(ctx)
	rec.Conversation.EndedAt = &now
	rec.Conversation.Resolved = resolved
	rec.Decisions = append(rec.Decisions, c.decision("", "end", "conversation ended: "+c.state.Status, map[string]any{
		"resolved": resolved, "charged": result.Charged, "test": c.state.Test,
		"agent_answered": c.state.AgentAnswered, "handoffs": c.state.HandoffCount, "feedback": c.state.Feedback,
	}))
	if err := c.save(ctx, rec); err != nil {
		return ConversationResult{}, err
	}
	return result, nil
}

// Feedback values.
const (
	FeedbackHelpful    = "helpful"
	FeedbackNotHelpful = "not_helpful"
)

func (c *conversation) onFeedback(ctx workflow.Context, sig CustomerFeedback) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	c.state.Feedback = FeedbackNotHelpful
	if sig.Helpful {
		c.state.Feedback = FeedbackHelpful
	}
	rec := c.record(ctx)
	rec.Decisions = append(rec.Decisions, c.decision("", "feedback", "customer feedback: "+c.state.Feedback,
		map[string]any{"helpful": sig.Helpful, "comment": sig.Comment}))
	c.saveOrLog(ctx, rec)
}

// sideEffectOptions are the options of activities that write: retried with
// backoff until they succeed, as each is idempotent.
func sideEffectOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
}

// readOptions are the options of the short reads run as local activities.
func readOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaximumAttempts: 5},
	})
}

// record starts a read-model record of the conversation's current state.
func (c *conversation) record(ctx workflow.Context) activities.RecordTurnInput {
	s := c.state
	snap := activities.ConversationSnapshot{
		Status: s.Status, ChannelType: s.ChannelType, ContactID: s.ContactID, CustomerTier: s.CustomerTier,
		IssueType: s.IssueType, Feedback: s.Feedback, FirstAnswerMs: s.FirstAnswerMs, RuleSetVersion: s.HandoffVersion,
	}
	if h := s.Handoff; h != nil {
		at := h.At
		snap.Team, snap.HandoffReason, snap.HandoffRuleID, snap.HandoffMode = h.Team, h.Reason, h.RuleID, h.Mode
		snap.HandedOffAt, snap.AcceptedAt, snap.RepKeyID, snap.Flagged = &at, h.AcceptedAt, h.RepKeyID, h.Flagged
	}
	return activities.RecordTurnInput{
		WorkspaceID: s.WorkspaceID, ConversationID: s.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: s.ChannelID,
		Test: s.Test, StartedAt: s.StartedAt, Conversation: snap, ReopenOf: s.ReopenOf,
	}
}

// add appends entries to the transcript and to the record.
func (c *conversation) add(rec *activities.RecordTurnInput, entries ...TranscriptEntry) {
	for _, e := range entries {
		c.state.Transcript = append(c.state.Transcript, e)
		rec.Messages = append(rec.Messages, activities.TranscriptMessage{
			ClientID: e.ClientID, Role: e.Role, Text: e.Text, Citations: e.Citations, At: e.At,
		})
	}
}

// decision numbers a decision record.
func (c *conversation) decision(messageID, kind, summary string, detail map[string]any) activities.DecisionRecord {
	c.state.EventSeq++
	detail["seq"] = c.state.EventSeq
	return activities.DecisionRecord{MessageID: messageID, Kind: kind, Summary: summary, Detail: detail, At: c.state.LastActivity}
}

// event makes a rep event with a key unique to this conversation.
func (c *conversation) event(ctx workflow.Context, kind string, payload map[string]any) activities.RepEventRecord {
	c.state.EventSeq++
	team := ""
	if c.state.Handoff != nil {
		team = c.state.Handoff.Team
	}
	payload["status"] = c.state.Status
	return activities.RepEventRecord{
		Key:  fmt.Sprintf("%s/%d", workflow.GetInfo(ctx).WorkflowExecution.ID, c.state.EventSeq),
		Team: team, Kind: kind, Payload: payload, At: workflow.Now(ctx),
	}
}

// save writes a record to the read model.
func (c *conversation) save(ctx workflow.Context, rec activities.RecordTurnInput) error {
	var a *activities.Activities
	if err := workflow.ExecuteActivity(sideEffectOptions(ctx), a.RecordTurn, rec).Get(ctx, nil); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// saveOrLog is save for signal handlers, which have no caller to fail to:
// the activity retries until it succeeds, so an error here means the
// workflow is being cancelled.
func (c *conversation) saveOrLog(ctx workflow.Context, rec activities.RecordTurnInput) {
	if err := c.commit(ctx, rec, activities.TeamInfo{}); err != nil {
		workflow.GetLogger(ctx).Error("record failed", "error", err)
	}
}

// upsertSearch brings the search attributes up to date.
func (c *conversation) upsertSearch(ctx workflow.Context) error {
	s := c.state
	updates := []temporal.SearchAttributeUpdate{
		SearchStatus.ValueSet(s.Status),
		SearchResolved.ValueSet(s.Status == StatusResolved),
	}
	if s.CustomerTier != "" {
		updates = append(updates, SearchCustomerTier.ValueSet(s.CustomerTier))
	}
	if s.IssueType != "" {
		updates = append(updates, SearchIssueType.ValueSet(s.IssueType))
	}
	trigger := ""
	if s.Handoff != nil {
		trigger = s.Handoff.Trigger
		updates = append(updates, SearchHandoffReason.ValueSet(trigger))
	}
	sent := strings.Join([]string{s.Status, s.CustomerTier, s.IssueType, trigger}, "\x00")
	if c.async && sent == c.searchSent {
		return nil
	}
	c.searchSent = sent
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}
