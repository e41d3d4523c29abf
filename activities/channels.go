package activities

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// loadChannelPolicy reads the channel's settings and decides whether the
// agent takes the conversation at now: inside the agent's hours and within
// its share (a stable hash of the conversation ID, so a retried first turn
// decides the same way). nil when the channel has no settings.
func loadChannelPolicy(db *gorm.DB, in LoadContextInput, teams map[string]decide.Team, now time.Time) (*decide.ChannelPolicy, *models.ChannelSettings, error) {
	var s models.ChannelSettings
	err := db.Where("channel_id = ? AND workspace_id = ?", in.ChannelID, in.WorkspaceID).Limit(1).Find(&s).Error
	if err != nil {
		return nil, nil, fmt.Errorf("load channel settings: %w", err)
	}
	if s.ChannelID == "" {
		return nil, nil, nil
	}
	p := &decide.ChannelPolicy{
		ChannelID: s.ChannelID, AgentTakes: true, Team: s.Team, InactivityAction: s.InactivityAction,
		HoursMode: s.AgentHoursMode, AgentShare: s.AgentShare,
	}
	if p.InactivityAction == "" {
		p.InactivityAction = models.InactivityClose
	}
	p.HandOffWhenInactive = p.InactivityAction == models.InactivityHandoff
	if p.HoursMode == "" {
		p.HoursMode = models.AgentHoursAlways
	}
	if p.HoursMode != models.AgentHoursAlways {
		p.HoursSchedule = s.AgentHoursSchedule
		if p.HoursSchedule == "" {
			p.HoursSchedule = teams[s.AgentHoursTeam].WorkingHours
		}
		// A team without working hours is always open.
		p.HoursOpen = true
		hoursOK := true
		if p.HoursSchedule != "" {
			open, _, err := rules.NextOpen(p.HoursSchedule, now)
			if err != nil {
				// The API validates schedules; should a team's hours break
				// later, the agent keeps working rather than stranding the
				// customer, and the decision says why.
				hoursOK = false
				p.Reason = "agent hours ignored: " + err.Error()
			}
			p.HoursOpen = open
		}
		if hoursOK && (p.HoursMode == models.AgentHoursInside) != p.HoursOpen {
			p.AgentTakes, p.Cause = false, decide.ChannelCauseHours
			p.Reason = "the agent works on this channel only inside its hours"
			if p.HoursMode == models.AgentHoursOutside {
				p.Reason = "the agent works on this channel only outside its hours"
			}
			if s.AgentHoursSchedule == "" && s.AgentHoursTeam != "" {
				p.Reason += fmt.Sprintf(" (team %s's working hours)", s.AgentHoursTeam)
			}
			return p, &s, nil
		}
	}
	if !rules.InPercentage(in.ConversationID, s.AgentShare) {
		p.AgentTakes, p.Cause = false, decide.ChannelCauseShare
		p.Reason = fmt.Sprintf("the agent takes %d%% of this channel's conversations; this one is for the team", s.AgentShare)
	}
	return p, &s, nil
}

// ChannelNoticeInput is a message of the agent's that no customer message
// asked for (a rep's verification request's notice), to go to an email or
// WhatsApp customer.
type ChannelNoticeInput struct {
	ConversationRowID string
	// MessageID is the message's ID in the conversation: the notice is
	// queued once per ID.
	MessageID string
	Text      string
}

// ChannelNoticeResult says whether the notice was queued: not for a
// conversation whose customer's address is not known.
type ChannelNoticeResult struct {
	OutboxID string `json:",omitempty"`
}

// QueueChannelNotice puts the agent's notice in the outbox, to the
// conversation's customer on the channel it came in by (as a rep's message
// goes); a chat customer reads it in the transcript, so nothing is queued.
func (a *Activities) QueueChannelNotice(ctx context.Context, in ChannelNoticeInput) (ChannelNoticeResult, error) {
	var out ChannelNoticeResult
	var conv models.Conversation
	if err := a.DB.WithContext(ctx).Where("id = ?", in.ConversationRowID).Limit(1).Find(&conv).Error; err != nil {
		return out, fmt.Errorf("load conversation: %w", err)
	}
	if conv.ID == "" {
		return out, fmt.Errorf("conversation %s: not recorded", in.ConversationRowID)
	}
	r, ok, err := models.ReplyTo(ctx, a.DB, conv, in.Text, "agent_notice:"+conv.ID+":"+in.MessageID)
	if !ok || err != nil {
		return out, err
	}
	out.OutboxID, err = models.QueueChannelReply(ctx, a.DB, r)
	return out, err
}
