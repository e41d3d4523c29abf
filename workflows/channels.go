package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/decide"
)

// handOffWhenInactive reports whether the inactivity timeout hands the
// conversation to a team instead of ending it.
func (c *conversation) handOffWhenInactive() bool {
	return c.state.InactivityHandoff != nil && c.state.Handoff == nil && !c.ended()
}

// onInactive hands a conversation nobody wrote to to the channel's team; the
// inactivity timeout starts again, and ends it the next time.
func (c *conversation) onInactive(ctx workflow.Context) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if !c.handOffWhenInactive() {
		return // a turn or a rep got there first
	}
	team := *c.state.InactivityHandoff
	c.state.LastActivity = workflow.Now(ctx)
	c.handOff(ctx, decide.Inactive(c.inactivity(), team.Key), team, "")
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.commitOrLog(ctx, team)
}
