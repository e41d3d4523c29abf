package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// handOff hands the conversation to a team, as decide.Assign says, and
// journals it; the caller commits.
func (c *conversation) handOff(ctx workflow.Context, h decide.Handoff, team decide.Team, messageID string) {
	a := decide.Assign(h, team, workflow.Now(ctx))
	c.state.Handoff = &Handoff{Assignment: a}
	c.state.HandoffCount++
	c.state.Status = StatusHandedOff
	c.note(messageID, a.Entry())
	payload := map[string]any{
		"reason": a.Reason, "trigger": a.Trigger, "mode": a.Mode,
		"team": a.Team, "customer_tier": c.state.CustomerTier, "issue_type": c.state.IssueType,
	}
	if a.Score != nil {
		payload["lead_score"] = *a.Score
	}
	c.emit(ctx, decide.EventHandoff, payload)
}

// notifyTeam calls the team's webhook after a handoff, when it has one.
func (c *conversation) notifyTeam(ctx workflow.Context, team decide.Team, ev activities.RepEventRecord) {
	if !team.HasWebhook || c.state.Test {
		return // an admin's test conversation reaches no team
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
	now := workflow.Now(ctx)
	c.state.LastActivity = now
	c.say(c.systemMessageID("fallback"), RoleSystem, decide.Localize(c.state.Language, h.Fallback), now)
	c.note("", decide.Entry{Kind: decide.KindHandoffTimeout, Summary: "no rep accepted in time: customer told, conversation flagged",
		Detail: map[string]any{"team": h.Team, "accept_by": h.AcceptBy}})
	c.emit(ctx, decide.EventFlagged, map[string]any{"team": h.Team})
	c.commitOrLog(ctx, decide.Team{})
}

func (c *conversation) onRepAccepted(ctx workflow.Context, sig RepAccepted) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	c.accepted(ctx, sig)
}

// accepted gives the conversation to the rep who accepted it.
func (c *conversation) accepted(ctx workflow.Context, sig RepAccepted) {
	if c.ended() || c.state.Status == StatusRepActive {
		return
	}
	now := workflow.Now(ctx)
	if c.state.Handoff == nil {
		// A rep may take over a conversation the agent still has.
		c.state.Handoff = &Handoff{Assignment: decide.Assignment{At: now, Handoff: decide.Handoff{
			Reason: "a rep took over", Trigger: decide.TriggerRepTookOver, Mode: decide.ModeTransferNow}}}
		c.state.HandoffCount++
	}
	h := c.state.Handoff
	h.AcceptedAt, h.RepKeyID, h.RepName = &now, sig.RepKeyID, sig.RepName
	c.state.Status = StatusRepActive
	c.state.LastActivity = now
	c.say(c.systemMessageID("joined"), RoleSystem, decide.Localize(c.state.Language, decide.RepJoinedText(sig.RepName, sig.RepTeam)), now)
	c.note("", decide.Entry{Kind: decide.KindRepAccepted, Summary: decide.RepName(sig.RepName) + " accepted",
		Detail: decide.RepAcceptedDetail{RepKeyID: sig.RepKeyID, WaitedMs: now.Sub(h.At).Milliseconds()}.Map()})
	c.emit(ctx, decide.EventAccepted, map[string]any{"rep": sig.RepName})
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.commitOrLog(ctx, decide.Team{})
}

func (c *conversation) onRepMessage(ctx workflow.Context, sig RepMessage) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() {
		return
	}
	if c.state.Status != StatusRepActive {
		// Writing to the customer is accepting the handoff.
		c.accepted(ctx, RepAccepted{RepKeyID: sig.RepKeyID, RepName: sig.RepName, RepTeam: sig.RepTeam})
	}
	now := workflow.Now(ctx)
	c.state.LastActivity = now
	c.say(sig.ID, RoleRep, sig.Text, now)
	c.emit(ctx, decide.EventRepMessage, map[string]any{"message_id": sig.ID})
	c.commitOrLog(ctx, decide.Team{})
}

// onRepVerify: a rep asks the customer to prove their email. A code goes
// to the address (if a contact has it; the customer is told the same either
// way), and the customer's next message holding it verifies them (verify),
// with no action waiting. A customer already verified is left as they are.
func (c *conversation) onRepVerify(ctx workflow.Context, sig RepVerify) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() || c.state.Verified != nil || sig.Email == "" {
		return
	}
	now := workflow.Now(ctx)
	c.state.LastActivity = now
	id := c.systemMessageID("verify")
	c.note(id, decide.Entry{Kind: decide.KindVerification, Summary: "a rep asked the customer to prove their email",
		Detail: map[string]any{"rep_key_id": sig.RepKeyID}})
	out, err := c.sendCode(ctx, id, sig.Email, PendingAction{MessageID: id, At: now})
	if err != nil {
		workflow.GetLogger(ctx).Error("verification code not sent", "error", err)
		c.note(id, decide.Entry{Kind: decide.KindVerification, Summary: "the verification code could not be sent",
			Detail: map[string]any{"error": err.Error()}})
		c.commitOrLog(ctx, decide.Team{})
		return
	}
	text := decide.Localize(c.state.Language, out.Text)
	c.say(id, RoleAgent, text, now)
	if c.in.Revision >= RevisionChannelNotices {
		c.tell(ctx, id, text)
	}
	c.commitOrLog(ctx, decide.Team{})
}

// tell sends an email or WhatsApp customer a message of the agent's that
// none of theirs asked for (and so no reply to them carries): it goes to
// the outbox, to their channel. A chat customer reads it in the transcript.
// A message that cannot be queued stays in the transcript, and the journal
// says so.
func (c *conversation) tell(ctx workflow.Context, messageID, text string) {
	if c.state.Test || (c.state.ChannelType != models.ChannelEmail && c.state.ChannelType != models.ChannelWhatsApp) {
		return
	}
	var a *activities.Activities
	err := workflow.ExecuteActivity(verifyOptions(ctx), a.QueueChannelNotice, activities.ChannelNoticeInput{
		ConversationRowID: models.ConversationRowID(workflow.GetInfo(ctx).WorkflowExecution.ID),
		MessageID:         messageID, Text: text,
	}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Error("notice not queued to the customer's channel", "error", err)
		c.note(messageID, decide.Entry{Kind: decide.KindDependencyFailure, Summary: "the message could not be queued to the customer's channel",
			Detail: map[string]any{"step": "channel_notice", "error": err.Error()}})
	}
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
	c.emit(ctx, decide.EventHandedBack, map[string]any{"note": sig.Note})
	c.note("", decide.Entry{Kind: decide.KindHandBack, Summary: "the rep handed the conversation back to the agent",
		Detail: map[string]any{"rep_key_id": sig.RepKeyID, "team": team, "note": sig.Note}})
	c.state.Handoff = nil
	c.state.Status = StatusAIActive
	c.state.ConsecutiveUnknown = 0
	c.state.LastActivity = now
	c.say(c.systemMessageID("handback"), RoleSystem, decide.Localize(c.state.Language, decide.HandedBackText), now)
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.commitOrLog(ctx, decide.Team{})
}

// onDeliveryFailed: a reply could not reach the customer's channel (its
// retries are over, or WhatsApp's 24-hour window closed with no template).
// Unless a team has the conversation already, it goes to the default team:
// only a person can reach the customer another way.
func (c *conversation) onDeliveryFailed(ctx workflow.Context, sig DeliveryFailed) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	if c.ended() {
		return
	}
	c.note("", decide.Entry{Kind: decide.KindDependencyFailure, Summary: "a reply could not be delivered: " + sig.Reason,
		Detail: map[string]any{"step": "delivery", "outbox_id": sig.OutboxID, "error": sig.Reason}})
	if c.state.Handoff != nil {
		c.commitOrLog(ctx, decide.Team{})
		return
	}
	held := c.config.config
	team := held.Settings.DefaultTeam
	if team == "" {
		team = decide.DefaultTeam
	}
	c.handOff(ctx, decide.DeliveryFailure(sig.Reason, team), held.Teams[team], c.systemMessageID("delivery"))
	if err := c.upsertSearch(ctx); err != nil {
		workflow.GetLogger(ctx).Error("search attributes", "error", err)
	}
	c.commitOrLog(ctx, held.Teams[team])
}
