package models

import "time"

// Outbox statuses (OutboxMessage.Status).
const (
	// OutboxQueued: written, not yet given to the dispatcher (also the
	// status of rows written before delivery existed).
	OutboxQueued = "queued"
	// OutboxSending: a delivery workflow has it; Attempts and LastError say
	// how it is going.
	OutboxSending = "sending"
	// OutboxSent: the provider accepted it (ProviderMessageID).
	OutboxSent = "sent"
	// OutboxFailed: delivery gave up; LastError says why.
	OutboxFailed = "failed"
)

// Outbox kinds with their own channel; every other kind is an email.
const (
	OutboxEmailReply    = "email_reply"
	OutboxWhatsAppReply = "whatsapp_reply"
)

// ChannelProvider is how an email or whatsapp channel talks to its
// provider: the sender address of its emails, and its WhatsApp Business
// Cloud API number and credentials. A channel without a row sends email
// with the server's SMTP settings, and its WhatsApp replies stay queued for
// other glue to deliver.
type ChannelProvider struct {
	ChannelID   string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	// EmailFrom is the From address of the channel's emails ("" = the
	// server's SWITCHBOARD_SMTP_FROM).
	EmailFrom string
	// ReplyAll: the agent's replies go to every address of the customer's
	// thread (To and Cc), not only to the sender.
	ReplyAll bool `gorm:"not null;default:false"`
	// SMTPAddr ("" = the server's SWITCHBOARD_SMTP_*), SMTPTLS, SMTPUsername
	// and SMTPPassword (sealed for SMTPPasswordPurpose) are the SMTP server
	// of the channel's emails, and of its workspace's emails that have no
	// channel (resets, codes, labels).
	SMTPAddr     string `gorm:"column:smtp_addr;size:255"`
	SMTPTLS      string `gorm:"column:smtp_tls;size:16"`
	SMTPUsername string `gorm:"column:smtp_username;size:255"`
	SMTPPassword string `gorm:"column:smtp_password;type:text"`
	// WhatsAppPhoneNumberID is the Cloud API's phone number ID that sends.
	WhatsAppPhoneNumberID string `gorm:"column:whatsapp_phone_number_id;size:64"`
	// WhatsAppToken is the Cloud API access token, sealed (package sealed)
	// for WhatsAppTokenPurpose.
	WhatsAppToken string `gorm:"column:whatsapp_token;type:text"`
	// WhatsAppAppSecret is the Meta app's secret that signs webhooks
	// (X-Hub-Signature-256), sealed for WhatsAppAppSecretPurpose.
	WhatsAppAppSecret string `gorm:"column:whatsapp_app_secret;type:text"`
	// WhatsAppVerifyToken answers Meta's webhook verification challenge,
	// sealed for WhatsAppVerifyTokenPurpose.
	WhatsAppVerifyToken string `gorm:"column:whatsapp_verify_token;type:text"`
	// WhatsAppTemplate and WhatsAppTemplateLanguage name the approved
	// message template sent outside the 24-hour customer-service window
	// ("" = such replies fail and the conversation needs a rep).
	WhatsAppTemplate         string `gorm:"column:whatsapp_template;size:512"`
	WhatsAppTemplateLanguage string `gorm:"column:whatsapp_template_language;size:16"`
	// IMAPHost ("" = the channel reads no mailbox), IMAPPort, IMAPTLS
	// (IMAPImplicitTLS, IMAPStartTLS or IMAPNoTLS), IMAPUsername and
	// IMAPPassword (sealed for IMAPPasswordPurpose) are the IMAP mailbox
	// an email channel polls for its customers' emails: IMAPMailbox
	// ("INBOX") every IMAPPollSeconds. IMAPPaused keeps the settings
	// without polling.
	IMAPHost        string `gorm:"column:imap_host;size:255"`
	IMAPPort        int    `gorm:"column:imap_port;not null;default:0"`
	IMAPTLS         string `gorm:"column:imap_tls;size:16"`
	IMAPUsername    string `gorm:"column:imap_username;size:255"`
	IMAPPassword    string `gorm:"column:imap_password;type:text"`
	IMAPMailbox     string `gorm:"column:imap_mailbox;size:255"`
	IMAPPollSeconds int    `gorm:"column:imap_poll_seconds;not null;default:0"`
	IMAPPaused      bool   `gorm:"column:imap_paused;not null;default:false"`
	UpdatedAt       time.Time
}

// How an email channel's IMAP connection is secured (ChannelProvider.IMAPTLS).
const (
	// IMAPImplicitTLS speaks TLS from the first byte (port 993).
	IMAPImplicitTLS = "tls"
	// IMAPStartTLS upgrades a plain connection (port 143) and refuses a
	// server that does not offer STARTTLS.
	IMAPStartTLS = "starttls"
	// IMAPNoTLS reads in the clear: only for a server on the loopback
	// interface.
	IMAPNoTLS = "none"
)

// IMAPPasswordPurpose is the sealing purpose of a channel's IMAP password.
func IMAPPasswordPurpose(channelID string) string { return "imap-password:" + channelID }

// IMAPMailbox is how the polling of an email channel's IMAP mailbox is
// going: where it has read to, and its last error, for the API. Every UID
// up to LastUID of the mailbox of UIDValidity has been read (or left unread
// on purpose, counted in Skipped); when the mailbox's UIDVALIDITY or Source
// changes, reading starts again from its unread messages, and the emails'
// Message-IDs keep those read before from becoming messages twice.
type IMAPMailbox struct {
	ChannelID   string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	// Source is the server, user and mailbox the UIDs are of
	// ("host:port/user/mailbox").
	Source      string `gorm:"type:text"`
	UIDValidity int64  `gorm:"column:uid_validity;not null;default:0"`
	// Baseline is the mailbox's highest UID when it was first read: an
	// earlier message already read (\Seen) then is old mail, never taken.
	Baseline int64 `gorm:"not null;default:0"`
	LastUID  int64 `gorm:"column:last_uid;not null;default:0"`
	// Accepted, Ignored (automatic replies and bounces) and Skipped
	// (unreadable, too large, or failing poll after poll while later
	// mail went through: left unread in the mailbox) count the messages
	// read.
	Accepted int64 `gorm:"not null;default:0"`
	Ignored  int64 `gorm:"not null;default:0"`
	Skipped  int64 `gorm:"not null;default:0"`
	// LastSkipped says which message was last left unread, and why.
	LastSkipped string `gorm:"type:text"`
	// Stuck counts, for each message after the read position that failed
	// to be taken in, the polls in a row that failed on it.
	Stuck JSON[map[int64]int]
	// LastError is the last poll's failure ("" after a poll that went
	// through); Failures counts the failed polls since the last good one.
	LastError     string `gorm:"type:text"`
	LastErrorAt   *time.Time
	Failures      int `gorm:"not null;default:0"`
	LastPollAt    *time.Time
	LastSuccessAt *time.Time
	UpdatedAt     time.Time
}

// SMTPPasswordPurpose is the sealing purpose of a channel's SMTP password.
func SMTPPasswordPurpose(channelID string) string { return "smtp-password:" + channelID }

// WhatsAppTokenPurpose and its siblings bind a channel's sealed WhatsApp
// secrets to the channel.
func WhatsAppTokenPurpose(channelID string) string { return "whatsapp-token:" + channelID }

// WhatsAppAppSecretPurpose is the sealing purpose of a channel's app secret.
func WhatsAppAppSecretPurpose(channelID string) string { return "whatsapp-app-secret:" + channelID }

// WhatsAppVerifyTokenPurpose is the sealing purpose of a channel's verify
// token.
func WhatsAppVerifyTokenPurpose(channelID string) string {
	return "whatsapp-verify-token:" + channelID
}

// EmailThread links an email's Message-ID, received or sent on a channel,
// to its conversation, so that a reply naming it in In-Reply-To or
// References joins that conversation.
type EmailThread struct {
	// ID is DerivedID(channel ID, Message-ID).
	ID        string `gorm:"primaryKey;size:36"`
	ChannelID string `gorm:"not null;size:36;index:idx_email_thread_conversation,priority:1"`
	// ConversationID is the conversation's external ID (the one its
	// workflow ID is built from).
	ConversationID string `gorm:"not null;size:128;index:idx_email_thread_conversation,priority:2"`
	MessageID      string `gorm:"type:text;not null"`
	// Addresses are the other addresses of the message (its To and Cc),
	// for replying to all.
	Addresses JSON[[]string]
	CreatedAt time.Time
}

// deliveryModels lists the models of outbound delivery.
func deliveryModels() []any {
	return []any{&ChannelProvider{}, &EmailThread{}, &IMAPMailbox{}}
}
