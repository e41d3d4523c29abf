package decide

import (
	"time"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/models"
)

// Defaults for agent settings left at zero.
const (
	DefaultConfidenceThreshold = 0.5
	DefaultInactivity          = 72 * time.Hour
	DefaultReopenWindow        = 7 * 24 * time.Hour
	DefaultAcceptTimeout       = 5 * time.Minute
	DefaultTeam                = "support"
)

// Contact is the CRM's view of the customer, as a turn sees it.
type Contact struct {
	ID             string
	Email          string
	Tier           string
	LifecycleStage string
	CompanySize    int
	EmailVerified  bool
	Properties     map[string]any
	OpenOrders     int
	// LastTicketIssueType is the issue type of the contact's latest ticket.
	LastTicketIssueType string
}

// Order is an order the message is about.
type Order struct {
	ID          string
	Number      string
	Status      string
	TotalCents  int64
	Currency    string
	PlacedAt    time.Time
	ShippedAt   *time.Time
	DeliveredAt *time.Time
	// ContactEmail is the email of the order's contact, for identity checks.
	ContactEmail string
}

// Team is a team that receives handoffs.
type Team struct {
	Key             string
	Name            string
	WorkingHours    string
	AcceptTimeout   time.Duration
	FallbackMessage string
	HasWebhook      bool
}

// Voice is how the agent speaks: its name, tone and guidelines.
type Voice struct {
	AgentName  string
	Tone       string
	Guidelines string
}

// Settings are the agent settings a turn follows.
type Settings struct {
	ConfidenceThreshold float64
	TopicsToAvoid       []string
	ReusableResponses   []models.ReusableResponse
	DefaultTeam         string
	Inactivity          time.Duration
	ReopenWindow        time.Duration
	// ReturnWindows are the return windows in days by contact tier, with
	// DefaultTier's for every other tier.
	ReturnWindows map[string]int
	// Actions are the enabled actions, by name.
	Actions map[string]actions.Spec
	// Voice is nil in turn contexts recorded before it was part of the
	// settings, which histories keep.
	Voice *Voice
}

// SettingsOf is the agent settings as a turn follows them: a zero
// threshold, team, inactivity or reopen window replaced by its default.
func SettingsOf(s models.AgentSettings) Settings {
	out := Settings{
		ConfidenceThreshold: s.ConfidenceThreshold,
		TopicsToAvoid:       s.TopicsToAvoid.V,
		ReusableResponses:   s.ReusableResponses.V,
		DefaultTeam:         s.DefaultTeam,
		Inactivity:          SecondsOr(s.InactivitySeconds, DefaultInactivity),
		ReopenWindow:        SecondsOr(s.ReopenWindowSeconds, DefaultReopenWindow),
		Actions:             map[string]actions.Spec{},
		ReturnWindows:       map[string]int{DefaultTier: DefaultReturnDays},
		Voice:               &Voice{AgentName: s.AgentName, Tone: s.Tone, Guidelines: s.Guidelines},
	}
	if out.ConfidenceThreshold <= 0 {
		out.ConfidenceThreshold = DefaultConfidenceThreshold
	}
	if out.DefaultTeam == "" {
		out.DefaultTeam = DefaultTeam
	}
	for tier, days := range s.ReturnWindowDays.V {
		out.ReturnWindows[tier] = days
	}
	return out
}

// Return windows: DefaultTier's applies to every tier the settings do not
// name; without settings, DefaultReturnDays.
const (
	DefaultTier       = "default"
	DefaultReturnDays = 30
)

// ReturnWindow is how long after delivery a contact of tier may return an
// order.
func ReturnWindow(windows map[string]int, tier string) time.Duration {
	days, ok := windows[tier]
	if !ok {
		days, ok = windows[DefaultTier]
	}
	if !ok {
		days = DefaultReturnDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// SecondsOr is seconds as a duration, or def when seconds is not positive
// (a setting left at zero).
func SecondsOr(seconds int, def time.Duration) time.Duration {
	if seconds <= 0 {
		return def
	}
	return time.Duration(seconds) * time.Second
}

// Why the agent does not take a conversation (ChannelPolicy.Cause).
const (
	ChannelCauseHours = "hours"
	ChannelCauseShare = "share"
)

// ChannelPolicy is what the conversation's channel settings decided on its
// first turn.
type ChannelPolicy struct {
	ChannelID string
	// AgentTakes is false when the channel's agent hours or agent share
	// leave the conversation to the team.
	AgentTakes bool
	// Cause is ChannelCauseHours or ChannelCauseShare when the agent does not
	// take it; Reason says it in words.
	Cause  string
	Reason string
	// Team receives the channel's conversations the agent does not take and
	// inactive ones ("" = the workspace's default team).
	Team string
	// InactivityAction is models.InactivityClose or models.InactivityHandoff;
	// HandOffWhenInactive is true for the latter.
	InactivityAction    string
	HandOffWhenInactive bool
	// The inputs, for auditors.
	HoursMode     string
	HoursSchedule string
	HoursOpen     bool
	AgentShare    int
}

// LeadConfig is how the workspace qualifies sales inquiries.
type LeadConfig struct {
	Questions []models.LeadQuestion
	Threshold float64
	Team      string
}
