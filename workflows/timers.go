package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/decide"
)

// addTimers adds the inactivity timer and, while a handoff waits for a rep,
// the accept timer to sel. A timer lasts until it fires or its deadline
// comes sooner: a message only moves the inactivity deadline later, so the
// timer that fires before the new deadline starts another for the rest.
func (c *conversation) addTimers(ctx workflow.Context, sel workflow.Selector) {
	if deadline := c.state.LastActivity.Add(c.inactivity()); c.idle == nil || deadline.Before(c.idle.at) {
		c.idle.stop()
		c.idle = newDeadlineTimer(ctx, deadline)
	}
	sel.AddFuture(c.idle.future, func(workflow.Future) {
		c.idle = nil
		if workflow.Now(ctx).Before(c.state.LastActivity.Add(c.inactivity())) {
			return // active since the timer started: wait for the rest
		}
		if c.handOffWhenInactive() {
			c.onInactive(ctx)
			return
		}
		c.closed = true
	})
	h := c.state.Handoff
	waiting := h != nil && h.AcceptedAt == nil && !h.Flagged && !h.AcceptBy.IsZero()
	switch {
	case !waiting:
		c.accept.stop()
		c.accept = nil
	case c.accept == nil || !c.accept.at.Equal(h.AcceptBy):
		c.accept.stop()
		c.accept = newDeadlineTimer(ctx, h.AcceptBy)
	}
	if c.accept != nil {
		sel.AddFuture(c.accept.future, func(workflow.Future) {
			c.accept = nil
			c.onNoRepInTime(ctx)
		})
	}
}

func (c *conversation) inactivity() time.Duration {
	if c.state.Inactivity > 0 {
		return c.state.Inactivity
	}
	return decide.DefaultInactivity
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
	wait := max(at.Sub(workflow.Now(ctx)), time.Millisecond)
	return &deadlineTimer{at: at, future: workflow.NewTimer(ctx, wait), cancel: cancel}
}

// stop cancels the timer unless it has fired; t may be nil.
func (t *deadlineTimer) stop() {
	if t != nil && !t.future.IsReady() {
		t.cancel()
	}
}
