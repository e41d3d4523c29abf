package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
)

// replyBeforeRecord is the workflow change that answers the customer before
// the turn's record is written: histories started before it replay with
// the record written inside the turn.
const replyBeforeRecord = "reply-before-record"

// pendingRecord is a record waiting to be written to the read model, and the
// team to notify of a handoff once it is.
type pendingRecord struct {
	rec  activities.RecordTurnInput
	team activities.TeamInfo
}

// startRecorder writes queued records one at a time, in the order the
// conversation produced them, so a turn's reply does not wait for the
// database: the RecordTurn activity is scheduled in the same workflow task
// that completes the update, so the record is as durable as the reply.
//
// The first record is written before the reply all the same: it creates
// the conversation's row, which every later API call (feedback, a rep's
// accept, close) looks the conversation up by.
func (c *conversation) startRecorder(ctx workflow.Context) {
	c.async = workflow.GetVersion(ctx, replyBeforeRecord, workflow.DefaultVersion, 1) == 1
	if !c.async {
		return
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return len(c.queue) > 0 }); err != nil {
				return
			}
			p := c.queue[0]
			c.writeRecord(ctx, p)
			c.queue = c.queue[1:]
		}
	})
}

// recorded reports whether every queued record has been written.
func (c *conversation) recorded() bool { return len(c.queue) == 0 }

// commit writes a record (queued, when the reply need not wait for it) and
// then notifies the team of a handoff it contains.
func (c *conversation) commit(ctx workflow.Context, rec activities.RecordTurnInput, team activities.TeamInfo) error {
	p := pendingRecord{rec: rec, team: team}
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

// writeRecord saves a queued record; the activity retries until it
// succeeds, so an error means the workflow is being cancelled.
func (c *conversation) writeRecord(ctx workflow.Context, p pendingRecord) {
	if err := c.save(ctx, p.rec); err != nil {
		workflow.GetLogger(ctx).Error("record failed", "error", err)
		return
	}
	c.notifyHandoffs(ctx, p)
}

func (c *conversation) notifyHandoffs(ctx workflow.Context, p pendingRecord) {
	for _, ev := range p.rec.Events {
		if ev.Kind == "handoff" {
			c.notifyTeam(ctx, p.team, ev)
		}
	}
}
