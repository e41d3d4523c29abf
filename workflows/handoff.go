package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/rules"
)

// Built-in handoff triggers (the HandoffReason search attribute holds these,
// or "rule:<rule ID>").
const (
	TriggerRule             = "rule"
	TriggerAskedForHuman    = "asked_for_human"
	TriggerUnansweredTwice  = "unanswered_twice"
	TriggerRouting          = "routing"
	TriggerCreditsExhausted = "credits_exhausted"
	TriggerRepTookOver      = "rep_took_over"
	// TriggerChannelHours: the channel's agent hours leave the conversation
	// to the team (e.g. the agent works only outside business hours).
	TriggerChannelHours = "channel_hours"
	// TriggerChannelShare: the conversation is outside the share of the
	// channel's conversations the agent takes.
	TriggerChannelShare = "channel_share"
	// TriggerInactive: nobody wrote for the channel's inactivity timeout and
	// the channel hands inactive conversations to its team.
	TriggerInactive = "inactive"
)

// Handoff modes.
const (
	ModeTransferNow   = string(rules.ModeTransferNow)
	ModeKeepAssisting = string(rules.ModeKeepAssisting)
)

// defaultFallback is told to the customer when no rep accepted in time and
// the team has no message of its own.
const defaultFallback = "Our team is busy right now. A member of the team will follow up with you by email as soon as possible."

// handOff hands the conversation to a team. The caller records it.
func (c *conversation) handOff(ctx workflow.Context, h Handoff, team activities.TeamInfo, rec *activities.RecordTurnInput, messageID string) {
	now := workflow.Now(ctx)
	h.At = now
	if h.Team == "" {
		h.Team = activities.DefaultTeam
	}
	accept := team.AcceptTimeout
	if accept <= 0 {
		accept = activities.DefaultAcceptTimeout
	}
	h.AcceptBy = now.Add(accept)
	h.Fallback = team.FallbackMessage
	if h.Fallback == "" {
		h.Fallback = defaultFallback
	}
	// Outside the team's working hours the customer is told when to expect a
	// person, and the acceptance clock starts when the team does.
	if team.WorkingHours != "" {
		if open, next, err := rules.NextOpen(team.WorkingHours, now); err == nil && !open {
			h.Message = joinSentences(h.Message, "Our team is available "+describeOpening(next, now)+"; a person will reply then.")
			h.AcceptBy = next.Add(accept)
		}
	}
	c.state.Handoff = &h
	c.state.HandoffCount++
	c.state.Status = StatusHandedOff
	rec.Decisions = append(rec.Decisions, c.decision(messageID, "handoff", "handed off to "+h.Team+": "+h.Reason, map[string]any{
		"trigger": h.Trigger, "rule_id": h.RuleID, "mode": h.Mode, "team": h.Team, "accept_by": h.AcceptBy,
	}))
	payload := map[string]any{
		"conversation_id": c.state.ConversationID, "reason": h.Reason, "trigger": h.Trigger, "mode": h.Mode,
		"team": h.Team, "customer_tier": c.state.CustomerTier, "issue_type": c.state.IssueType,
	}
	if h.Score != nil {
		payload["lead_score"] = *h.Score
	}
	rec.Events = append(rec.Events, c.event(ctx, "handoff", payload))
}

// notifyTeam calls the team's webhook after a handoff, when it has one.
func (c *conversation) notifyTeam(ctx workflow.Context, team activities.TeamInfo, ev activities.RepEventRecord) {
	if !team.HasWebhook {
		return
	}
	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		// A receiver that is down for long should not hold the conversation.
		ScheduleToCloseTimeout: 10 * time.Minute,
	})
	err := workflow.ExecuteActivity(actx, a.NotifyTeam, activities.NotifyTeamInput{
		WorkspaceID: c.state.WorkspaceID, Team: ev.Team, EventID: ev.Key, Event: ev.Payload, At: ev.At,
	}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("team webhook failed", "team", ev.Team, "error", err)
	}
}

// onNoRepInTime tells the customer when no rep accepted in time, and flags
// the conversation.
func (c *conversation) onNoRepInTime(ctx workflow.Context) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	h := c.state.Handoff
	if h == nil || h.AcceptedAt != nil || h.Flagged {
		return
	}
	h.Flagged = true
	c.state.LastActivity = workflow.Now(ctx)
	rec := c.record(ctx)
	c.state.EventSeq++
	c.add(&rec, TranscriptEntry{ClientID: eventID("fallback", c.state.EventSeq), Role: RoleSystem, Text: h.Fallback, At: workflow.Now(ctx)})
	rec.Decisions = append(rec.Decisions, c.decision("", "handoff_timeout", "no rep accepted in time: customer told, conversation flagged",
		map[string]any{"team": h.Team, "accept_by": h.AcceptBy}))
	rec.Events = append(rec.Events, c.event(ctx, "flagged", map[string]any{"conversation_id": c.state.ConversationID, "team": h.Team}))
	rec.Conversation.Flagged = true
	c.saveOrLog(ctx, rec)
}

func (c *conversation) onRepAccepted(ctx workflow.Context, sig RepAccepted) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() || c.state.Status == StatusRepActive {
		return
	}
	now := workflow.Now(ctx)
	rec := c.record(ctx)
	if c.state.Handoff == nil {
		// A rep may take over a conversation the agent still has.
		c.state.Handoff = &Handoff{Reason: "a rep took over", Trigger: TriggerRepTookOver, Mode: ModeTransferNow, Team: "", At: now}
		c.state.HandoffCount++
	}
	h := c.state.Handoff
	h.AcceptedAt, h.RepKeyID, h.RepName = &now, sig.RepKeyID, sig.RepName
	c.state.Status = StatusRepActive
	c.state.LastActivity = now
	rec = c.record(ctx)
	c.state.EventSeq++
	c.add(&rec, TranscriptEntry{ClientID: eventID("joined", c.state.EventSeq), Role: RoleSystem, Text: repName(sig.RepName) + " has joined the conversation.", At: now})
	rec.Decisions = append(rec.Decisions, c.decision("", "rep_accepted", repName(sig.RepName)+" accepted", map[string]any{
		"rep_key_id": sig.RepKeyID, "waited_ms": now.Sub(h.At).Milliseconds(),
	}))
	rec.Events = append(rec.Events, c.event(ctx, "accepted", map[string]any{"conversation_id": c.state.ConversationID, "rep": sig.RepName}))
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.saveOrLog(ctx, rec)
}

func (c *conversation) onRepMessage(ctx workflow.Context, sig RepMessage) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() {
		return
	}
	now := workflow.Now(ctx)
	if c.state.Status != StatusRepActive {
		// Writing to the customer is accepting the handoff.
		c.unlock()
		c.onRepAccepted(ctx, RepAccepted{RepKeyID: sig.RepKeyID, RepName: sig.RepName})
		if err := c.lock(ctx); err != nil {
			return
		}
	}
	c.state.LastActivity = now
	rec := c.record(ctx)
	c.add(&rec, TranscriptEntry{ClientID: sig.ID, Role: RoleRep, Text: sig.Text, At: now})
	rec.Events = append(rec.Events, c.event(ctx, "rep_message", map[string]any{"conversation_id": c.state.ConversationID, "message_id": sig.ID}))
	c.saveOrLog(ctx, rec)
}

func (c *conversation) onHandBack(ctx workflow.Context, sig HandBack) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() || c.state.Handoff == nil {
		return
	}
	now := workflow.Now(ctx)
	team := c.state.Handoff.Team
	rec := c.record(ctx)
	rec.Events = append(rec.Events, c.event(ctx, "handed_back", map[string]any{"conversation_id": c.state.ConversationID, "note": sig.Note}))
	rec.Decisions = append(rec.Decisions, c.decision("", "hand_back", "the rep handed the conversation back to the agent",
		map[string]any{"rep_key_id": sig.RepKeyID, "team": team, "note": sig.Note}))
	c.state.Handoff = nil
	c.state.Status = StatusAIActive
	c.state.ConsecutiveUnknown = 0
	c.state.LastActivity = now
	rec.Conversation.Status = StatusAIActive
	c.state.EventSeq++
	c.add(&rec, TranscriptEntry{ClientID: eventID("handback", c.state.EventSeq), Role: RoleSystem, Text: "You're back with our assistant.", At: now})
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.saveOrLog(ctx, rec)
}

func repName(name string) string {
	if name == "" {
		return "A member of our team"
	}
	return name
}

func eventID(kind string, seq int) string {
	return kind + "-" + itoa(seq)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func joinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// describeOpening says when the team opens, relative to now, in the
// team's time zone (next's): "today" is the team's today.
func describeOpening(next, now time.Time) string {
	now = now.In(next.Location())
	switch {
	case next.YearDay() == now.YearDay() && next.Year() == now.Year():
		return "from " + next.Format("15:04 MST") + " today"
	case next.Sub(now) < 48*time.Hour && next.YearDay() == now.Add(24*time.Hour).YearDay():
		return "from " + next.Format("15:04 MST") + " tomorrow"
	default:
		return "from " + next.Format("Monday 15:04 MST")
	}
}
