package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
)

// applyChannel follows the channel's settings on the first turn: it pins what
// inactivity does, records the channel's decision, and returns the handoff
// when the agent does not take the conversation (nil when it does).
func (c *conversation) applyChannel(ch *activities.ChannelPolicy, cx activities.LoadContextResult, messageID string,
	rec *activities.RecordTurnInput) *Handoff {
	team := ch.Team
	if team == "" {
		team = cx.Settings.DefaultTeam
	}
	if ch.HandOffWhenInactive {
		info := cx.Teams[team]
		info.Key = team
		c.state.InactivityHandoff = &info
	}
	summary := "channel settings: the agent takes this conversation"
	if !ch.AgentTakes {
		summary = "channel settings: " + ch.Reason
	}
	rec.Decisions = append(rec.Decisions, c.decision(messageID, "channel", summary, map[string]any{
		"channel_id": ch.ChannelID, "agent_takes": ch.AgentTakes, "cause": ch.Cause,
		"hours_mode": ch.HoursMode, "hours_schedule": ch.HoursSchedule, "hours_open": ch.HoursOpen,
		"agent_share": ch.AgentShare, "inactivity_action": ch.InactivityAction, "team": team, "reason": ch.Reason,
	}))
	if ch.AgentTakes {
		return nil
	}
	trigger := TriggerChannelShare
	if ch.Cause == activities.ChannelCauseHours {
		trigger = TriggerChannelHours
	}
	return &Handoff{Reason: "channel settings: " + ch.Reason, Trigger: trigger, Mode: ModeTransferNow,
		Team: team, Message: transferText}
}

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
	idle := c.inactivity()
	c.state.LastActivity = workflow.Now(ctx)
	rec := c.record(ctx)
	c.handOff(ctx, Handoff{Reason: "nobody wrote for " + idle.String() + ": the channel hands inactive conversations to its team",
		Trigger: TriggerInactive, Mode: ModeTransferNow, Team: team.Key}, team, &rec, "")
	fresh := c.record(ctx)
	fresh.Decisions, fresh.Events = rec.Decisions, rec.Events
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.saveOrLog(ctx, fresh)
	for _, ev := range fresh.Events {
		if ev.Kind == "handoff" {
			c.notifyTeam(ctx, team, ev)
		}
	}
}
