package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
)

const (
	// recordInterval is the least time between two writes of a
	// conversation's records that may wait (see pendingRecord.canWait). A
	// customer writing at a person's pace has each record written as soon as
	// the reply is sent; one who writes faster has the records of the
	// messages sent meanwhile written together, so the read model lags the
	// conversation by this much at most, and each message does not wait for
	// the previous one's write.
	recordInterval = 500 * time.Millisecond
	// maxBatch bounds how many records one activity writes.
	maxBatch = 50
)

// journal is what the step under way adds to the read model: its messages,
// decisions, rep events and knowledge gap. commit writes it with the
// conversation's state as the step leaves it.
type journal struct {
	messages  []activities.TranscriptMessage
	decisions []activities.DecisionRecord
	events    []activities.RepEventRecord
	gap       *activities.GapRecord
}

// say adds a message to the transcript.
func (c *conversation) say(clientID, role, text string, at time.Time) {
	c.journal.messages = append(c.journal.messages, activities.TranscriptMessage{ClientID: clientID, Role: role, Text: text, At: at})
}

// sayReply adds the agent's reply, with its citations, to the transcript.
func (c *conversation) sayReply(clientID string, out AgentReply, at time.Time) {
	c.journal.messages = append(c.journal.messages, activities.TranscriptMessage{
		ClientID: clientID, Role: RoleAgent, Text: out.Text, Citations: out.Citations, At: at})
}

// note adds a decision, numbered uniquely in the conversation.
func (c *conversation) note(messageID string, e decide.Entry) {
	c.state.EventSeq++
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	detail["seq"] = c.state.EventSeq
	c.journal.decisions = append(c.journal.decisions, activities.DecisionRecord{
		MessageID: messageID, Kind: string(e.Kind), Summary: e.Summary, Detail: detail, At: c.state.LastActivity})
}

// emit adds a rep event with a key unique to this conversation.
func (c *conversation) emit(ctx workflow.Context, kind string, payload map[string]any) {
	c.state.EventSeq++
	team := ""
	if c.state.Handoff != nil {
		team = c.state.Handoff.Team
	}
	payload["conversation_id"] = c.state.ConversationID
	payload["status"] = c.state.Status
	c.journal.events = append(c.journal.events, activities.RepEventRecord{
		Key:  fmt.Sprintf("%s/%d", workflow.GetInfo(ctx).WorkflowExecution.ID, c.state.EventSeq),
		Team: team, Kind: kind, Payload: payload, At: workflow.Now(ctx),
	})
}

// systemMessageID numbers a system message of a kind ("joined", …).
func (c *conversation) systemMessageID(kind string) string {
	c.state.EventSeq++
	return fmt.Sprintf("%s-%d", kind, c.state.EventSeq)
}

// take is the record of the conversation's state and the journal, which
// starts again empty.
func (c *conversation) take(ctx workflow.Context) activities.RecordTurnInput {
	s := c.state
	snap := activities.ConversationSnapshot{
		Status: s.Status, ChannelType: s.ChannelType, ContactID: s.ContactID, CustomerTier: s.CustomerTier,
		IssueType: s.IssueType, Feedback: s.Feedback, FirstAnswerMs: s.FirstAnswerMs, RuleSetVersion: s.HandoffVersion,
	}
	if v := s.Verified; v != nil {
		snap.VerifiedEmail, snap.VerifiedBy = v.Email, v.Method
	}
	if h := s.Handoff; h != nil {
		at := h.At
		snap.Team, snap.HandoffReason, snap.HandoffRuleID, snap.HandoffMode = h.Team, h.Reason, h.RuleID, h.Mode
		snap.HandedOffAt, snap.AcceptedAt, snap.RepKeyID, snap.Flagged = &at, h.AcceptedAt, h.RepKeyID, h.Flagged
	}
	j := c.journal
	c.journal = journal{}
	return activities.RecordTurnInput{
		WorkspaceID: s.WorkspaceID, ConversationID: s.ConversationID,
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, ChannelID: s.ChannelID,
		Test: s.Test, StartedAt: s.StartedAt, Conversation: snap, ReopenOf: s.ReopenOf,
		Messages: j.messages, Decisions: j.decisions, Events: j.events, Gap: j.gap,
	}
}

// commit writes the step's record (queued: the reply does not wait for it)
// and then notifies team of a handoff in it.
func (c *conversation) commit(ctx workflow.Context, team decide.Team) error {
	rec := c.take(ctx)
	p := pendingRecord{rec: rec, team: team, canWait: len(rec.Events) == 0 && c.state.Handoff == nil}
	if c.state.Recorded {
		c.recorder.queue = append(c.recorder.queue, p)
		return nil
	}
	// The first record is written before the reply: it creates the
	// conversation's row, which every later API call (feedback, a rep's
	// accept, close) looks the conversation up by. Nothing is queued before
	// it, so order holds. A database that does not take it in time does not
	// hold the reply back: the record goes first in the queue, which the
	// recorder writes once the database is back.
	c.state.Recorded = true
	c.searchWithRecords(ctx)
	var a *activities.Activities
	var err error
	if c.in.Revision < RevisionOneTaskTurns {
		fctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout:    10 * time.Second,
			ScheduleToCloseTimeout: 20 * time.Second,
			RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 5 * time.Second},
		})
		err = workflow.ExecuteActivity(fctx, a.RecordTurn, rec).Get(ctx, nil)
	} else {
		// A local activity, in the workflow task that answers: the first
		// reply waits for one insert, not for an activity task's round
		// trips through the Temporal server. RecordTurn is idempotent, so
		// a workflow task tried again writes nothing twice.
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout:    5 * time.Second,
			ScheduleToCloseTimeout: 15 * time.Second,
			RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaximumInterval: 2 * time.Second},
		})
		err = workflow.ExecuteLocalActivity(lctx, a.RecordTurn, rec).Get(ctx, nil)
	}
	switch {
	case err == nil:
		c.notifyHandoffs(ctx, p)
	case temporal.IsCanceledError(err) || ctx.Err() != nil:
		return fmt.Errorf("record: %w", err)
	default:
		workflow.GetLogger(ctx).Error("first record not written yet: queued", "error", err)
		p.canWait = false
		c.recorder.queue = append(c.recorder.queue, p)
	}
	return nil
}

// commitOrLog is commit for signal handlers, which have no caller to fail
// to: the activity retries until it succeeds, so an error here means the
// workflow is being cancelled.
func (c *conversation) commitOrLog(ctx workflow.Context, team decide.Team) {
	if err := c.commit(ctx, team); err != nil {
		workflow.GetLogger(ctx).Error("record failed", "error", err)
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

// recorder holds the records waiting to be written, oldest first.
type recorder struct {
	queue []pendingRecord
	// flush, while it reports true, has the queued records written at once.
	flush func() bool
	// writing is set while records are being written.
	writing bool
}

// pendingRecord is a record waiting to be written to the read model, and the
// team to notify of a handoff once it is.
type pendingRecord struct {
	rec  activities.RecordTurnInput
	team decide.Team
	// canWait is set for a record nobody watches live: no rep event, and
	// the conversation is the agent's alone.
	canWait bool
}

func (r *recorder) done() bool { return len(r.queue) == 0 }

// unwritten is the queue as continue-as-new hands it to the next run.
func (r *recorder) unwritten() []UnwrittenRecord {
	var out []UnwrittenRecord
	for _, p := range r.queue {
		out = append(out, UnwrittenRecord{Record: p.rec, Team: p.team})
	}
	return out
}

// mustWrite reports whether the queued records are to be written without
// waiting for recordInterval to pass.
func (r *recorder) mustWrite() bool {
	if (r.flush != nil && r.flush()) || len(r.queue) >= maxBatch {
		return true
	}
	return slices.ContainsFunc(r.queue, func(p pendingRecord) bool { return !p.canWait })
}

// startRecorder writes queued records in the order the conversation
// produced them, so a turn's reply does not wait for the database: the
// activity is scheduled by a workflow task of this run, so the record is as
// durable as the reply. Records that can wait are written at most once per
// recordInterval, those queued meanwhile together; one that cannot wait is
// written at once, with any queued before it.
func (c *conversation) startRecorder(ctx workflow.Context) {
	r := &c.recorder
	// The previous run's unwritten records have waited long enough.
	for _, u := range c.in.Unwritten {
		r.queue = append(r.queue, pendingRecord{rec: u.Record, team: u.Team})
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		var last time.Time // when the last write was scheduled
		for {
			if err := workflow.Await(ctx, func() bool { return len(r.queue) > 0 }); err != nil {
				return
			}
			if wait := last.Add(recordInterval).Sub(workflow.Now(ctx)); wait > 0 && !r.mustWrite() {
				// The timer is cancelled when the records must be written
				// sooner, so it does not wake the run later.
				timerCtx, cancel := workflow.WithCancel(ctx)
				timer := workflow.NewTimer(timerCtx, wait)
				err := workflow.Await(ctx, func() bool { return timer.IsReady() || r.mustWrite() })
				cancel()
				if err != nil {
					return
				}
			}
			n := min(len(r.queue), maxBatch)
			last = workflow.Now(ctx)
			r.writing = true
			c.searchWithRecords(ctx)
			c.writeRecords(ctx, r.queue[:n])
			r.queue = r.queue[n:]
			r.writing = false
		}
	})
}

// writeRecords saves queued records, in one activity when there are
// several; the activity retries until it succeeds, so an error means the
// workflow is being cancelled.
func (c *conversation) writeRecords(ctx workflow.Context, ps []pendingRecord) {
	var err error
	if len(ps) == 1 {
		err = c.save(ctx, ps[0].rec)
	} else {
		in := activities.RecordTurnsInput{Records: make([]activities.RecordTurnInput, len(ps))}
		for i, p := range ps {
			in.Records[i] = p.rec
		}
		var a *activities.Activities
		if err = workflow.ExecuteActivity(sideEffectOptions(ctx), a.RecordTurns, in).Get(ctx, nil); err != nil {
			err = fmt.Errorf("record: %w", err)
		}
	}
	var app *temporal.ApplicationError
	switch {
	case err == nil:
		for _, p := range ps {
			c.notifyHandoffs(ctx, p)
		}
	case errors.As(err, &app) && app.Type() == activities.ErrUnwritableRecord && len(ps) > 1:
		// One record the database refuses must not take the others with
		// it: write them one by one.
		for _, p := range ps {
			c.writeRecords(ctx, []pendingRecord{p})
		}
	case errors.As(err, &app) && app.Type() == activities.ErrUnwritableRecord:
		// It can never be written: say so loudly, count it where the state
		// query shows it, and let the records after it through.
		c.state.UnwrittenRecords++
		workflow.GetLogger(ctx).Error("record can never be written: dropped", "error", err,
			"messages", len(ps[0].rec.Messages), "decisions", len(ps[0].rec.Decisions))
	default:
		workflow.GetLogger(ctx).Error("record failed", "error", err)
	}
}

func (c *conversation) notifyHandoffs(ctx workflow.Context, p pendingRecord) {
	for _, ev := range p.rec.Events {
		if ev.Kind == decide.EventHandoff {
			c.notifyTeam(ctx, p.team, ev)
		}
	}
}

// searchWithRecords brings the search attributes up to date as records
// are written, in runs of RevisionSearchWithRecords on. A turn the agent
// answers alone then carries no upsert among its reply's commands: the
// server applies the reply sooner, and the upserts of turns sent within
// recordInterval of each other are made once. The attributes lag the
// conversation no more than its records do. Steps that hand off or end
// the conversation still upsert at once, and their records cannot wait.
func (c *conversation) searchWithRecords(ctx workflow.Context) {
	if c.in.Revision < RevisionSearchWithRecords {
		return
	}
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes not upserted", "error", err)
	}
}

// searchKey is what upsertSearch compares to know whether the attributes
// changed.
func searchKey(status, tier, issueType, trigger string) string {
	return strings.Join([]string{status, tier, issueType, trigger}, "\x00")
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
	sent := searchKey(s.Status, s.CustomerTier, s.IssueType, trigger)
	if sent == c.searchSent {
		return nil
	}
	c.searchSent = sent
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}
