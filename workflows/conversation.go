package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

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
	if in.StartAttributes && in.Revision >= RevisionStartAttributes {
		c.searchSent = searchKey(StatusAIActive, "", "", "")
	}
	return c.run(ctx)
}

// conversation is a run of ConversationWorkflow: its state, the journal of
// the step under way and the records waiting to be written.
type conversation struct {
	in     ConversationInput
	state  ConversationState
	busy   bool
	closed bool
	// turns counts this run's turns, for continue-as-new.
	turns int
	// answeredIn is the history length of the workflow task in which this
	// run last answered a message (RevisionContinueAlone).
	answeredIn int
	// wake is sent to on every step, to re-arm the timers.
	wake workflow.Channel
	// idle and accept are the inactivity and accept timers.
	idle, accept *deadlineTimer
	// closeCh is where close signals arrive.
	closeCh workflow.ReceiveChannel
	// config is the workspace configuration as this run last loaded it,
	// which later turns' LoadContext leaves out while it stays the same.
	config heldConfig
	// journal is what the step under way adds to the read model.
	journal journal
	// recorder writes the records, in order (see record.go).
	recorder recorder
	// searchSent is the search attributes last upserted by this run; a step
	// that changes none of them upserts nothing.
	searchSent string
	// lateHandoff is a hand-off decided in the turn under way after its
	// rules ran: the agent's model asked for one, the rules matched an
	// order the turn could read only once the customer was verified, or
	// the agent would have given the same answer again. nil for none.
	lateHandoff *decide.Handoff
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
	verifyCh := workflow.GetSignalChannel(ctx, SignalRepVerify)
	feedbackCh := workflow.GetSignalChannel(ctx, SignalCustomerFeedback)
	deliveryCh := workflow.GetSignalChannel(ctx, SignalDeliveryFailed)
	c.startRecorder(ctx)
	// The wait below is not cancelled with the workflow: a cancellation
	// request leaves the conversation to end as it would.
	waitCtx, _ := workflow.NewDisconnectedContext(ctx)

	if (len(c.in.Script) > 0 || c.in.Simulation != nil) && c.in.Carried == nil && c.state.Test {
		return c.play(ctx)
	}
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
			if c.in.Revision >= RevisionContinueAlone && c.answeredIn == workflow.GetInfo(ctx).GetCurrentHistoryLength() {
				// This task answers a message: continue in the next.
				if err := workflow.Sleep(ctx, continueAloneDelay); err != nil {
					return ConversationResult{}, err
				}
				continue
			}
			// A signal that came in meanwhile would be lost with this run:
			// the selector below takes it first.
			if !signalsPending(c.closeCh, acceptedCh, repMessageCh, handBackCh, feedbackCh, deliveryCh, verifyCh) {
				return ConversationResult{}, workflow.NewContinueAsNewError(ctx, ConversationWorkflow, c.next())
			}
		}

		// The loop waits for something to select before it selects: a
		// receive blocked in Select would take a signal the moment it is
		// delivered, and the customer_message validator, which runs first
		// in the workflow task, would then not see a close that came with a
		// message. Signals are selected before timers, so a rep who accepts
		// as the accept timer fires, or a close as the inactivity timer
		// fires, wins.
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(c.closeCh, func(ch workflow.ReceiveChannel, _ bool) {
			ch.Receive(ctx, &Close{})
			c.closed = true
		})
		addSignal(ctx, sel, acceptedCh, c.onRepAccepted)
		addSignal(ctx, sel, repMessageCh, c.onRepMessage)
		addSignal(ctx, sel, handBackCh, c.onHandBack)
		addSignal(ctx, sel, verifyCh, c.onRepVerify)
		addSignal(ctx, sel, feedbackCh, c.onFeedback)
		addSignal(ctx, sel, deliveryCh, c.onDeliveryFailed)
		sel.AddReceive(c.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		c.addTimers(ctx, sel)
		if err := workflow.Await(waitCtx, sel.HasPending); err != nil {
			return ConversationResult{}, err
		}
		sel.Select(ctx)
	}
	c.idle.stop()
	c.accept.stop()
	return c.end(ctx)
}

// addSignal has sel receive a signal of type T and pass it to handle.
func addSignal[T any](ctx workflow.Context, sel workflow.Selector, ch workflow.ReceiveChannel, handle func(workflow.Context, T)) {
	sel.AddReceive(ch, func(ch workflow.ReceiveChannel, _ bool) {
		var sig T
		ch.Receive(ctx, &sig)
		handle(ctx, sig)
	})
}

// next is the input of the run this one continues as: the state, trimmed to
// bounds, and the records not written yet.
func (c *conversation) next() ConversationInput {
	next := c.in
	carried := c.state
	if n := len(carried.RecentReplies); n > carriedReplies {
		carried.RecentReplies = append([]RecentReply(nil), carried.RecentReplies[n-carriedReplies:]...)
	}
	next.Carried = &carried
	next.Unwritten = c.recorder.unwritten()
	// The new run upserts its attributes at its first step, as the run
	// before this revision did.
	next.StartAttributes = false
	// A new run follows the current behaviour, whichever this one did.
	next.Revision = CurrentRevision
	return next
}

// signalsPending reports whether a signal waits in one of chs.
func signalsPending(chs ...workflow.ReceiveChannel) bool {
	for _, ch := range chs {
		if ch.Len() > 0 {
			return true
		}
	}
	return false
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
	if msg.ChannelID != c.state.ChannelID {
		return temporal.NewApplicationError("no such conversation on this channel", ErrConversationNotFound)
	}
	if msg.ID == "" {
		return temporal.NewApplicationError("id: must not be empty", ErrInvalidMessage)
	}
	if err := decide.CheckText(msg.Text); err != nil {
		return temporal.NewApplicationError(err.Error(), ErrInvalidMessage)
	}
	if _, answered := c.reply(msg.ID); answered {
		return nil
	}
	// A conversation is bound to the first customer who proved who they
	// are: another proved identity is someone else's conversation.
	if v := c.state.Verified; v != nil && msg.Verified != nil && !strings.EqualFold(v.Email, msg.Verified.Email) {
		return temporal.NewApplicationError("identity: this conversation belongs to another verified customer", ErrIdentityConflict)
	}
	// A close signal the main loop has not taken yet (it may be waiting on
	// something else, or the signal came in this workflow task) closes the
	// conversation all the same: the message must start a new run that
	// reopens it, not slip in before the end.
	if c.ended() || (c.closeCh != nil && c.closeCh.Len() > 0) {
		return temporal.NewApplicationError("the conversation is closed", ErrConversationClosed)
	}
	return nil
}

func (c *conversation) onCustomerMessage(ctx workflow.Context, msg CustomerMessage) (AgentReply, error) {
	defer func() { c.answeredIn = workflow.GetInfo(ctx).GetCurrentHistoryLength() }()
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

// quiet reports whether no turn or handler is running.
func (c *conversation) quiet(ctx workflow.Context) bool {
	return !c.busy && workflow.AllHandlersFinished(ctx)
}

// quiesce waits until the run may continue as new: no turn or handler
// running and no record being written. Records not written yet go to the
// next run (ConversationInput.Unwritten), so a customer who writes
// without pause does not keep the run from continuing as new.
func (c *conversation) quiesce(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return c.quiet(ctx) && !c.recorder.writing })
}

// settle waits until no turn or handler is running and every record is
// written; once nothing is running, those that could wait are written at
// once.
func (c *conversation) settle(ctx workflow.Context) error {
	c.recorder.flush = func() bool { return c.quiet(ctx) }
	defer func() { c.recorder.flush = nil }()
	return workflow.Await(ctx, func() bool { return c.quiet(ctx) && c.recorder.done() })
}

// end decides the outcome, charges a resolution and records the end.
func (c *conversation) end(ctx workflow.Context) (ConversationResult, error) {
	// Let a turn or signal in flight finish first, and its record.
	if err := c.settle(ctx); err != nil {
		return ConversationResult{}, err
	}
	resolved := decide.Resolved(c.state.AgentAnswered, c.state.HandoffCount, c.state.Feedback)
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
			WorkspaceID: c.state.WorkspaceID, ConversationRowID: models.ConversationRowID(info.WorkflowExecution.ID),
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
	c.note("", decide.Entry{Kind: decide.KindEnd, Summary: "conversation ended: " + c.state.Status, Detail: map[string]any{
		"resolved": resolved, "charged": result.Charged, "test": c.state.Test,
		"agent_answered": c.state.AgentAnswered, "handoffs": c.state.HandoffCount, "feedback": c.state.Feedback,
	}})
	rec := c.take(ctx)
	now := workflow.Now(ctx)
	rec.Conversation.EndedAt = &now
	rec.Conversation.Resolved = resolved
	if err := c.save(ctx, rec); err != nil {
		return ConversationResult{}, err
	}
	return result, nil
}

func (c *conversation) onFeedback(ctx workflow.Context, sig CustomerFeedback) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	c.state.Feedback = decide.FeedbackNotHelpful
	if sig.Helpful {
		c.state.Feedback = decide.FeedbackHelpful
	}
	c.note("", decide.Entry{Kind: decide.KindFeedback, Summary: "customer feedback: " + c.state.Feedback,
		Detail: map[string]any{"helpful": sig.Helpful, "comment": sig.Comment}})
	c.commitOrLog(ctx, decide.Team{})
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
		// An attempt may take seconds only where a workspace's first
		// message trains its issue-type model (about 2.5 s here).
		StartToCloseTimeout: 10 * time.Second,
		// A dependency that does not answer fails the step within this, so
		// the customer gets an apology rather than a wait: one attempt that
		// hangs, and the short retries a refused connection gets.
		ScheduleToCloseTimeout: 12 * time.Second,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaximumAttempts: 5},
	})
}

// play runs a scripted or simulated test conversation (nextMessage): each
// message a turn, in order, then the end (a rehearsal's case). Nothing else
// reaches it: its workflow ID is the rehearsal's own.
func (c *conversation) play(ctx workflow.Context) (ConversationResult, error) {
	var replies []AgentReply
	var sent []string
	for {
		msg, ok, err := c.nextMessage(ctx, sent, replies)
		if err != nil {
			return ConversationResult{}, err
		}
		if !ok {
			break
		}
		msg.ChannelID = c.state.ChannelID
		reply, err := c.onCustomerMessage(ctx, msg)
		if err != nil {
			return ConversationResult{}, err
		}
		sent, replies = append(sent, msg.Text), append(replies, reply)
	}
	c.closed = true
	res, err := c.end(ctx)
	res.Replies = replies
	return res, err
}
