package models

import "time"

// Channel types.
const (
	ChannelChat     = "chat"
	ChannelEmail    = "email"
	ChannelWhatsApp = "whatsapp"
)

// Fields a chat channel can require before the first message
// (ChannelSettings.MandatoryFields).
const (
	FieldEmail = "email"
	FieldName  = "name"
	FieldPhone = "phone"
)

// When the agent works on a channel (ChannelSettings.AgentHoursMode).
const (
	// AgentHoursAlways: the agent takes conversations at any time (also "").
	AgentHoursAlways = "always"
	// AgentHoursInside: only while the schedule is open.
	AgentHoursInside = "inside"
	// AgentHoursOutside: only while the schedule is closed, e.g. outside the
	// team's business hours.
	AgentHoursOutside = "outside"
)

// What happens to a conversation nobody writes to
// (ChannelSettings.InactivityAction).
const (
	// InactivityClose ends the conversation (also "").
	InactivityClose = "close"
	// InactivityHandoff hands it to the channel's team first; it ends after
	// the next quiet period.
	InactivityHandoff = "handoff"
)

// ChannelSettings are an admin's settings of a channel. A channel without a
// row behaves as before channel settings existed: the agent takes every
// conversation at any time, nothing is required before a chat, the
// workspace's inactivity timeout closes conversations, and reps get reply
// suggestions. Zero values keep that behaviour, except AgentShare, which the
// API always writes.
type ChannelSettings struct {
	ChannelID   string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	// Team receives the channel's conversations the agent does not take
	// ("" = the workspace's default team).
	Team string `gorm:"size:64"`
	// MandatoryFields are the contact fields (FieldEmail, FieldName,
	// FieldPhone) a chat's first message must carry.
	MandatoryFields JSON[[]string]
	// AgentHoursMode is AgentHoursAlways, AgentHoursInside or
	// AgentHoursOutside, judged by AgentHoursSchedule or, when that is
	// empty, by the working hours of team AgentHoursTeam.
	AgentHoursMode     string `gorm:"size:16"`
	AgentHoursSchedule string
	AgentHoursTeam     string `gorm:"size:64"`
	// InactivitySeconds overrides the workspace's inactivity timeout (0:
	// the workspace's).
	InactivitySeconds int
	// InactivityAction is InactivityClose or InactivityHandoff.
	InactivityAction string `gorm:"size:16"`
	// AgentShare is the percentage (0–100) of new conversations the agent
	// takes, chosen by a stable hash of the conversation ID.
	AgentShare int `gorm:"not null"`
	// ReplySuggestionsOff turns off reps' suggested replies.
	ReplySuggestionsOff bool `gorm:"not null"`
	// WebhookSecret verifies the signatures of inbound webhooks (email and
	// whatsapp channels). It is kept as it is, because verifying an
	// HMAC needs the key itself; the API shows it only when it is created or
	// rotated.
	WebhookSecret   string
	SecretRotatedAt *time.Time
	// IdentitySecret is the key (HS256) with which the channel's site signs
	// the identity tokens of its customers (a chat channel's); "" = the
	// channel verifies no identities. Kept as it is, like WebhookSecret, and
	// shown only when it is created or rotated.
	IdentitySecret          string
	IdentitySecretRotatedAt *time.Time
	UpdatedAt               time.Time
}

// ConversationContact is what a customer told about themselves when writing
// (the chat's mandatory fields, an email's or message's sender), for reps
// and for delivering replies to email and whatsapp conversations.
type ConversationContact struct {
	// ConversationID is the read model's conversation ID.
	ConversationID string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;index;size:36"`
	ChannelID      string `gorm:"not null;size:36"`
	Email          string
	Name           string
	Phone          string `gorm:"size:32"`
	// Subject is the subject of the email that started the thread.
	Subject   string
	UpdatedAt time.Time
}

// ChannelDelivery says on which channel, to which conversation and in reply
// to which inbound message an outbox message goes, when it answers an email
// or whatsapp conversation (OutboxMessage itself has no channel).
type ChannelDelivery struct {
	OutboxMessageID string `gorm:"primaryKey;size:36"`
	ChannelID       string `gorm:"not null;index;size:36"`
	ConversationID  string `gorm:"not null;size:36"`
	// InReplyTo is the provider's message ID being answered (an email's
	// Message-ID, for threading); empty for a rep's message.
	InReplyTo string
	CreatedAt time.Time
}

// channelModels lists the models of channel settings and inbound channels.
func channelModels() []any {
	return []any{&ChannelSettings{}, &ConversationContact{}, &ChannelDelivery{}}
}
