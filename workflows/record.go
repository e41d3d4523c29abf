package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
)

// replyBeforeRecord is the workflow change that answers the customer before
// the turn's record is written: histories started before it replay with
// the record written inside the turn.
const replyBeforeRecord = "reply-before-record"

// batchRecords is the workflow change that writes a conversation's records
// at most once per recordInterval, together: histories started before it
// replay with one RecordTurn per record.
const batchRecords = "batch-records"

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

// pendingRecord is a record waiting to be written to the read model, and the
// team to notify of a handoff once it is.
type pendingRecord struct {
	rec  activities.RecordTurnInput
	team activities.TeamInfo
	// canWait is set for a record nobody watches live: no rep event, and
	// the conversation is the agent's alone.
	canWait bool
}

// startRecorder writes queued records in the order the conversation
// produced them, so a turn's reply does not wait for the database: the
// activity is scheduled by a workflow task of this run, so the record is as
// durable as the reply. Records that can wait are written at most once per
// recordInterval, those queued meanwhile together; one that cannot wait is
// written at once, with any queued before it.
//
// The first record is written before the reply all the same: it creates
// the conversation's row, which every later API call (feedback, a rep's
// accept, close) looks the conversation up by.
func (c *conversation) startRecorder(ctx workflow.Context) {
	c.async = workflow.GetVersion(ctx, replyBeforeRecord, workflow.DefaultVersion, 1) == 1
	if !c.async {
		return
	}
	c.batch = workflow.GetVersion(ctx, batchRecords, workflow.DefaultVersion, 1) == 1
	// The previous run's unwritten records have waited long enough.
	for _, u := range c.in.Unwritten {
		c.queue = append(c.queue, pendingRecord{rec: u.Record, team: u.Team})
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		var last time.Time // when the last write was scheduled
		for {
			if err := workflow.Await(ctx, func() bool { return len(c.queue) > 0 }); err != nil {
				return
			}
			n := 1
			if c.batch {
				if wait := last.Add(recordInterval).Sub(workflow.Now(ctx)); wait > 0 && !c.mustWrite() {
					// The timer is cancelled when the records must be
					// written sooner, so it does not wake the run later.
					timerCtx, cancel := workflow.WithCancel(ctx)
					timer := workflow.NewTimer(timerCtx, wait)
					err := workflow.Await(ctx, func() bool { return timer.IsReady() || c.mustWrite() })
					cancel()
					if err != nil {
						return
					}
				}
				n = min(len(c.queue), maxBatch)
				last = workflow.Now(ctx)
			}
			c.writing = true
			c.writeRecords(ctx, c.queue[:n])
			c.queue = c.queue[n:]
			c.writing = false
		}
	})
}

// mustWrite reports whether the queued records are to be written without
// waiting for recordInterval to pass.
func (c *conversation) mustWrite() bool {
	if (c.flush != nil && c.flush()) || len(c.queue) >= maxBatch {
		return true
	}
	return slices.ContainsFunc(c.queue, func(p pendingRecord) bool { return !p.canWait })
}

// recorded reports whether every queued record has been written.
func (c *conversation) recorded() bool { return len(c.queue) == 0 }

// commit writes a record (queued, when the reply need not wait for it) and
// then notifies the team of a handoff it contains.
func (c *conversation) commit(ctx workflow.Context, rec activities.RecordTurnInput, team activities.TeamInfo) error {
	p := pendingRecord{rec: rec, team: team, canWait: len(rec.Events) == 0 && c.state.Handoff == nil}
	if c.async && c.state.Recorded {
		c.queue = append(c.queue, p)
		return nil
	}
	// Nothing is queued before the first record, so order holds.
	if err := c.save(ctx, rec); err != nil {
		return err
	}
	c.state.Recorded = true
	c.notifyHandoffs(ctx, p)
	return nil
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
	if err != nil {
		workflow.GetLogger(ctx).Error("record failed", "error", err)
		return
	}
	for _, p := range ps {
		c.notifyHandoffs(ctx, p)
	}
}

func (c *conversation) notifyHandoffs(ctx workflow.Context, p pendingRecord) {
	for _, ev := range p.rec.Events {
		if ev.Kind == "handoff" {
			c.notifyTeam(ctx, p.team, ev)
		}
	}
}
