package models

import (
	"encoding/json"
	"time"

	"github.com/switchboardhq/switchboard/answer"
)

// Roles an API key can have.
const (
	RoleAdmin   = "admin"
	RoleRep     = "rep"
	RoleAuditor = "auditor"
	RoleWidget  = "widget"
)

// Workspace is one company using Switchboard; every other row belongs to one.
type Workspace struct {
	ID   string `gorm:"primaryKey;size:36"`
	Name string `gorm:"not null"`
	Demo bool   `gorm:"not null;default:false"`
	// TimeZone is an IANA time zone name ("Europe/Berlin").
	TimeZone string `gorm:"not null;size:64;default:UTC"`
	// DefaultLanguage is a BCP 47 tag ("en", "pt-BR"): the language the
	// workspace speaks when a customer's is not known.
	DefaultLanguage string `gorm:"not null;size:35;default:en"`
	// ConfigVersion goes up whenever a row of a table in ConfigTables
	// changes (a trigger does it, in the same transaction), so a cache of
	// the workspace's configuration knows when it is stale.
	ConfigVersion int64 `gorm:"not null;default:0"`
	// CreditBalance is the sum of the workspace's credit entries, kept by a
	// trigger in the transaction that writes one (see createCreditTriggers),
	// so a new conversation reads one row instead of summing the ledger.
	CreditBalance int64 `gorm:"not null;default:0"`
	// ActionHosts are hosts the company's actions may call although they
	// resolve to private addresses (an on-premise order system).
	ActionHosts JSON[[]string]
	// RequireRehearsal: a rule set draft is published only after a
	// rehearsal of it in which every scenario passed.
	RequireRehearsal bool `gorm:"not null;default:false"`
	CreatedAt        time.Time
}

// APIKey authenticates a request. Only the SHA-256 of the key is stored; keys
// are long random strings, so a fast hash is enough.
type APIKey struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	Name        string `gorm:"not null"`
	Role        string `gorm:"not null;size:16"`
	// ChannelID is the channel a widget key posts to; empty for other roles.
	ChannelID string `gorm:"size:36"`
	// Team is the team whose handoff queue a rep key serves ("" = every team).
	Team string `gorm:"size:64"`
	// Prefix is the key's first characters, to tell keys apart in listings.
	Prefix    string `gorm:"not null;size:16"`
	Hash      string `gorm:"not null;uniqueIndex;size:64"`
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Channel is a way customers reach the agent (chat widget, email, messaging).
type Channel struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	Type        string `gorm:"not null;size:32"`
	Name        string `gorm:"not null"`
	CreatedAt   time.Time
}

// AgentSettings are the admin's instructions to the agent of a workspace.
type AgentSettings struct {
	WorkspaceID string `gorm:"primaryKey;size:36"`
	AgentName   string `gorm:"not null"`
	Tone        string `gorm:"not null"`
	Guidelines  string `gorm:"type:text;not null"`
	// TopicsToAvoid are subjects the agent declines to discuss.
	TopicsToAvoid JSON[[]string]
	// ReusableResponses are the admin's fixed answers to common scenarios.
	ReusableResponses JSON[[]ReusableResponse]
	// ConfidenceThreshold: answers below it get a clarifying question first,
	// then an honest "I don't know" (0..1; 0 means the default 0.5).
	ConfidenceThreshold float64
	// DefaultTeam receives built-in handoffs (the customer asks for a person,
	// two unanswered questions in a row).
	DefaultTeam string `gorm:"size:64"`
	// InactivitySeconds ends a conversation nobody writes to (0: 72 hours).
	InactivitySeconds int
	// ReopenWindowSeconds: a contact back about the same issue within it
	// reopens the resolved conversation and its charge is reversed (0: 7 days).
	ReopenWindowSeconds int
	// ReturnWindowDays is how long after delivery an order may be returned,
	// in days, by the contact's tier, "default" for every other tier (none
	// set: 30 days for everyone).
	ReturnWindowDays JSON[map[string]int]
	UpdatedAt        time.Time
}

// ReusableResponse is a fixed answer used when a message contains one of its
// trigger phrases.
type ReusableResponse struct {
	Name     string   `json:"name"`
	Triggers []string `json:"triggers"`
	Response string   `json:"response"`
}

// Team is a group of reps that receives handoffs.
type Team struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_team_key"`
	// Key is how rules name the team ("support").
	Key  string `gorm:"not null;size:64;uniqueIndex:idx_team_key"`
	Name string `gorm:"not null"`
	// WorkingHours uses the rules' schedule syntax ("mon-fri 09:00-17:00
	// Europe/Berlin"); empty means always.
	WorkingHours string
	// AcceptSeconds is how long a handoff waits for a rep before the customer
	// gets the fallback message (0: 5 minutes).
	AcceptSeconds int
	// FallbackMessage is what the customer is told when no rep accepted in time.
	FallbackMessage string `gorm:"type:text"`
	// WebhookURL, when set, receives each handoff event, signed with
	// WebhookSecret (HMAC-SHA256).
	WebhookURL    string
	WebhookSecret string
	CreatedAt     time.Time
}

// Action protection levels.
const (
	ProtectionNone     = "none"
	ProtectionVerified = "verified"
)

// Action kinds (Action.Kind; package actions defines them).
const (
	ActionBuiltin = "builtin"
	ActionHTTP    = "http"
)

// Action is one thing the agent can do: a built-in action over the CRM
// tables (its row enables it, sets its protection and says, in the
// company's words, what the agent cannot know: BuiltinOptions) or a call to
// the company's own system. SecretHeaders hold sealed values (package sealed),
// never returned by the API. Its table keeps the name it had when only the
// built-ins existed.
type Action struct {
	WorkspaceID string `gorm:"primaryKey;size:36"`
	Name        string `gorm:"primaryKey;column:action;size:64"`
	Kind        string `gorm:"not null;size:16;default:builtin"`
	Enabled     bool   `gorm:"not null"`
	Protection  string `gorm:"not null;size:16"`
	Description string `gorm:"type:text;not null;default:''"`
	// Inputs is the inputs' JSON Schema, as the admin wrote it.
	Inputs         JSON[json.RawMessage]
	Triggers       JSON[[]string]
	Examples       JSON[[]string]
	Method         string `gorm:"not null;size:8;default:''"`
	URLTemplate    string `gorm:"type:text;not null;default:''"`
	Headers        JSON[map[string]string]
	SecretHeaders  JSON[map[string]string]
	ChangesData    bool   `gorm:"not null;default:false"`
	TimeoutSeconds int    `gorm:"not null;default:0"`
	ReplyTemplate  string `gorm:"type:text;not null;default:''"`
	ReplyFallback  string `gorm:"type:text;not null;default:''"`
	// Options are a built-in action's; empty for the others.
	Options   JSON[BuiltinOptions]
	CreatedAt time.Time
	UpdatedAt time.Time
}

// BuiltinOptions are what a built-in action tells the customer of the
// company's own ways, which only the company knows. Each is optional: without
// it the agent says nothing of it, and the password reset is not sent.
type BuiltinOptions struct {
	// StatusNotes (order_status) are sentences added to an order's status,
	// by status ("delayed": what the company does about a late parcel).
	StatusNotes map[string]string `json:"status_notes,omitempty"`
	// ReturnInstructions (start_return) say how the customer sends the
	// items back and what follows; the reply and the email carry them.
	ReturnInstructions string `json:"return_instructions,omitempty"`
	// ResetURL (password_reset) is the company's page where a customer
	// sets a new password; the email links to it.
	ResetURL string `json:"reset_url,omitempty"`
}

// Empty reports whether o sets nothing.
func (o BuiltinOptions) Empty() bool {
	return len(o.StatusNotes) == 0 && o.ReturnInstructions == "" && o.ResetURL == ""
}

// TableName keeps the table the built-in actions' settings were in.
func (Action) TableName() string { return "action_settings" }

// Content source kinds and statuses.
const (
	SourceKBArticle   = "kb_article"
	SourceShortAnswer = "short_answer"
	SourceURL         = "url"
	SourceSite        = "site"
	SourceFile        = "file"

	SourcePending = "pending"
	SourceSyncing = "syncing"
	SourceReady   = "ready"
	SourceFailed  = "failed"
)

// ContentSource is knowledge the agent answers from.
type ContentSource struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	Kind        string `gorm:"not null;size:32"`
	Title       string `gorm:"not null"`
	// PageTitle is a url source's page title (its readable article's, or
	// its <title>; the URL when it has none) as its last sync read it: the
	// source's name while Title is empty.
	PageTitle    string
	URL          string
	Body         string `gorm:"type:text"`
	Status       string `gorm:"not null;size:16"`
	StatusReason string
	Chunks       int
	Bytes        int
	// CitedCount counts the agent's replies that cited the source.
	CitedCount   int `gorm:"not null;default:0"`
	LastSyncedAt *time.Time
	// Format is how a kb_article's Body is written: "markdown" (also when
	// empty) or "html". A short_answer's Title is the question, Body the answer.
	Format string `gorm:"size:16"`
	// MaxPages bounds a site crawl.
	MaxPages int
	// FileName is an uploaded file's name; its bytes are an UploadedFile.
	FileName string
	// AudienceChannels and AudienceTiers restrict who may be answered from
	// the source (channel types such as "chat"; contact tiers); empty means
	// everyone.
	AudienceChannels JSON[[]string]
	AudienceTiers    JSON[[]string]
	// ResyncSeconds is how often a schedule syncs the source again (0: never).
	ResyncSeconds int
	// ChunksDone and ChunksTotal show a running sync's indexing progress.
	ChunksDone  int
	ChunksTotal int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Contact is a customer in the workspace's CRM.
type Contact struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_contact_email;uniqueIndex:idx_contact_external,where:external_id <> ''"`
	// ExternalID is the company's own ID of the contact; "" for a contact
	// only the agent knows (a lead it created).
	ExternalID     string `gorm:"not null;default:'';size:128;uniqueIndex:idx_contact_external,where:external_id <> ''"`
	Email          string `gorm:"not null;uniqueIndex:idx_contact_email"`
	Name           string
	Phone          string `gorm:"size:32"`
	Tier           string `gorm:"not null;size:32"`
	LifecycleStage string `gorm:"size:32"`
	Company        string
	CompanySize    int
	EmailVerified  bool
	Properties     JSON[map[string]any]
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Order statuses.
const (
	OrderProcessing = "processing"
	OrderShipped    = "shipped"
	OrderDelivered  = "delivered"
	OrderDelayed    = "delayed"
	OrderLost       = "lost"
	// OrderReturnRequested is set when the agent starts a return.
	OrderReturnRequested = "return_requested"
)

// OrderStatuses are the statuses an order may have.
var OrderStatuses = []string{
	OrderProcessing, OrderShipped, OrderDelivered, OrderDelayed, OrderLost, OrderReturnRequested,
}

// Order is a customer's order in the CRM.
type Order struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_order_number;uniqueIndex:idx_order_external,where:external_id <> ''"`
	// ExternalID is the company's own ID of the order.
	ExternalID string `gorm:"not null;default:'';size:128;uniqueIndex:idx_order_external,where:external_id <> ''"`
	// ContactID is "" once the contact was erased.
	ContactID   string `gorm:"not null;index;size:36"`
	Number      string `gorm:"not null;uniqueIndex:idx_order_number"`
	Status      string `gorm:"not null;size:16"`
	TotalCents  int64
	Currency    string `gorm:"size:3"`
	Items       JSON[[]OrderItem]
	Tracking    JSON[*OrderTracking]
	PlacedAt    time.Time
	ShippedAt   *time.Time
	DeliveredAt *time.Time
	UpdatedAt   time.Time
}

// OrderItem is one line of an order.
type OrderItem struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int    `json:"quantity"`
	PriceCents int64  `json:"price_cents,omitempty"`
}

// Ticket is a support ticket in the CRM.
type Ticket struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;index;size:36"`
	ContactID   string `gorm:"index;size:36"`
	Subject     string
	IssueType   string `gorm:"size:64"`
	Status      string `gorm:"size:16"`
	CreatedAt   time.Time
}

// Rule set version states.
const (
	RuleSetDraft     = "draft"
	RuleSetPublished = "published"
	RuleSetArchived  = "archived"
)

// RuleSetVersion is one version of a workspace's rules of one kind. At most
// one version per kind is published; every version is kept.
type RuleSetVersion struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_ruleset_version"`
	Kind        string `gorm:"not null;size:16;uniqueIndex:idx_ruleset_version"`
	Version     int    `gorm:"not null;uniqueIndex:idx_ruleset_version"`
	State       string `gorm:"not null;size:16"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	Rules       []Rule `gorm:"constraint:OnDelete:CASCADE"`
}

// Rule is one routing or handoff rule of a rule set version.
type Rule struct {
	ID               string `gorm:"primaryKey;size:36"`
	RuleSetVersionID string `gorm:"not null;index;size:36"`
	Name             string `gorm:"not null"`
	Priority         int    `gorm:"not null"`
	Enabled          bool   `gorm:"not null"`
	Condition        string `gorm:"type:text"`
	Channels         JSON[[]string]
	Percentage       int
	Mode             string `gorm:"size:32"`
	Team             string `gorm:"size:64"`
	Message          string `gorm:"type:text"`
}

// Conversation statuses.
const (
	ConversationAIActive         = "ai_active"
	ConversationHandedOff        = "handed_off"
	ConversationRepActive        = "rep_active"
	ConversationResolved         = "resolved"
	ConversationClosedUnresolved = "closed_unresolved"
)

// Conversation is the read model of one conversation workflow.
type Conversation struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_conversation_external;index:idx_conversation_started,priority:1;index:idx_conversation_verified,priority:1"`
	// ExternalID is the conversation ID the client chose.
	ExternalID  string `gorm:"not null;size:128;uniqueIndex:idx_conversation_external"`
	ChannelID   string `gorm:"size:36;index"`
	ChannelType string `gorm:"size:16"`
	ContactID   string `gorm:"size:36;index"`
	// VerifiedEmail is the email the customer proved, with an identity
	// token or a code the agent emailed (VerifiedBy says which: "token" or
	// "email_code"); "" while they proved none. The contact details a
	// customer types are never verified.
	VerifiedEmail string `gorm:"size:320;index:idx_conversation_verified,priority:2"`
	VerifiedBy    string `gorm:"size:16"`
	WorkflowID    string `gorm:"not null"`
	Status        string `gorm:"not null;size:32;index"`
	Test          bool   `gorm:"not null;default:false"`
	// CustomerTier and IssueType are the values the agent used.
	CustomerTier string `gorm:"size:32"`
	IssueType    string `gorm:"size:64"`
	// Team, HandoffReason and HandoffRuleID are set when the conversation was
	// handed off.
	Team          string `gorm:"size:64;index"`
	HandoffReason string
	HandoffRuleID string `gorm:"size:36"`
	HandoffMode   string `gorm:"size:32"`
	HandedOffAt   *time.Time
	AcceptedAt    *time.Time
	RepKeyID      string `gorm:"size:36"`
	// Flagged marks a handoff no rep accepted in time.
	Flagged bool `gorm:"not null;default:false"`
	// Resolved is true when the agent resolved it (and a credit was charged).
	Resolved bool `gorm:"not null;default:false"`
	// Reopened is set when the contact came back about the same issue
	// within the reopen window; the charge was reversed.
	Reopened       bool   `gorm:"not null;default:false"`
	Feedback       string `gorm:"size:16"`
	FirstAnswerMs  int64
	RuleSetVersion int
	StartedAt      time.Time `gorm:"index:idx_conversation_started,priority:2"`
	EndedAt        *time.Time
	UpdatedAt      time.Time
}

// Decision is one decision the agent took in a conversation (rules
// evaluated, a built-in trigger, an action, an answer's confidence), for
// auditors reading a transcript.
type Decision struct {
	ID             string `gorm:"primaryKey;size:36"`
	ConversationID string `gorm:"not null;size:36;index"`
	// MessageID is the client ID of the customer message that led to it.
	MessageID string `gorm:"size:128"`
	Kind      string `gorm:"not null;size:32"`
	Summary   string `gorm:"type:text"`
	Detail    JSON[map[string]any]
	CreatedAt time.Time
}

// KnowledgeGap is a question the agent could not answer, or answered only
// with a clarifying question.
type KnowledgeGap struct {
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;size:36;index"`
	ConversationID string `gorm:"size:36"`
	Question       string `gorm:"type:text;not null"`
	IssueType      string `gorm:"size:64"`
	// Reason is why it is a gap (the reasons decide.GapReasons names; "" in rows written
	// before reasons were recorded, reported as unanswered).
	Reason           string `gorm:"size:32"`
	CreatedAt        time.Time
	ResolvedAt       *time.Time
	ResolvedSourceID string `gorm:"size:36"`
}

// OutboxMessage is an email or whatsapp message the agent or a rep sends
// (reply, password reset, return label, verification code); package delivery
// delivers it. The idempotency key makes each send happen once.
type OutboxMessage struct {
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;size:36;index"`
	Kind           string `gorm:"not null;size:32"`
	Recipient      string `gorm:"not null"`
	Subject        string `gorm:"not null"`
	Body           string `gorm:"type:text;not null"`
	IdempotencyKey string `gorm:"not null;uniqueIndex"`
	CreatedAt      time.Time
	SentAt         *time.Time
	// Status is OutboxQueued, OutboxSending, OutboxSent or OutboxFailed
	// (package delivery moves it along).
	Status string `gorm:"not null;size:16;default:queued;index"`
	// Attempts counts the delivery attempts; LastError is the last one's
	// failure (the reason, once Status is OutboxFailed).
	Attempts  int    `gorm:"not null;default:0"`
	LastError string `gorm:"type:text"`
	// ProviderMessageID is the email's Message-ID or the WhatsApp message
	// ID; ProviderStatus the provider's last report on it (delivered, read,
	// failed).
	ProviderMessageID string `gorm:"index"`
	ProviderStatus    string `gorm:"size:16"`
}

// Return statuses.
const (
	ReturnRequested = "requested"
	ReturnCancelled = "cancelled"
)

// Return is a return the agent started for an order.
type Return struct {
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;size:36;index"`
	OrderID        string `gorm:"not null;size:36;index"`
	ConversationID string `gorm:"size:36"`
	Status         string `gorm:"not null;size:16"`
	IdempotencyKey string `gorm:"not null;uniqueIndex"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// RepEvent is something reps should learn about at once (a handoff, a
// customer message to a handed-off conversation). The API streams them to
// reps in ID order, so every API server sees the same events.
type RepEvent struct {
	ID             uint64 `gorm:"primaryKey;autoIncrement"`
	WorkspaceID    string `gorm:"not null;size:36;index:idx_rep_event"`
	Team           string `gorm:"size:64"`
	ConversationID string `gorm:"not null;size:128"`
	Kind           string `gorm:"not null;size:32"`
	Payload        JSON[map[string]any]
	// Key makes recording an event idempotent.
	Key       string `gorm:"not null;uniqueIndex;size:200"`
	CreatedAt time.Time
}

// Message roles.
const (
	MessageCustomer = "customer"
	MessageAgent    = "agent"
	MessageRep      = "rep"
	MessageSystem   = "system"
)

// Message is one message of a conversation's transcript.
type Message struct {
	ID             string `gorm:"primaryKey;size:36"`
	ConversationID string `gorm:"not null;size:36;uniqueIndex:idx_message_client"`
	// ClientID is the client's message ID (for replies: the ID of the message
	// answered), which makes recording a turn idempotent.
	ClientID  string `gorm:"not null;size:128;uniqueIndex:idx_message_client"`
	Role      string `gorm:"not null;size:16;uniqueIndex:idx_message_client"`
	Text      string `gorm:"type:text;not null"`
	Citations JSON[[]answer.Citation]
	CreatedAt time.Time `gorm:"index"`
}

// CreditEntry is one line of a workspace's credit ledger. The idempotency key
// makes charging a conversation twice impossible.
type CreditEntry struct {
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;index;size:36"`
	ConversationID string `gorm:"size:36;index"`
	Amount         int    `gorm:"not null"`
	Reason         string `gorm:"not null"`
	IdempotencyKey string `gorm:"not null;uniqueIndex"`
	CreatedAt      time.Time
}

// All lists every model, in the order Migrate creates them.
func All() []any {
	all := []any{
		&Workspace{}, &APIKey{}, &Channel{}, &AgentSettings{}, &ContentSource{},
		&Team{}, &Action{}, &Contact{}, &Order{}, &Ticket{}, &Return{},
		&RuleSetVersion{}, &Rule{}, &Conversation{}, &Message{}, &Decision{},
		&KnowledgeGap{}, &OutboxMessage{}, &RepEvent{}, &CreditEntry{}, &LeadSettings{},
	}
	all = append(all, sourceModels()...)
	all = append(all, channelModels()...)
	all = append(all, limitModels()...)
	all = append(all, verificationModels()...)
	all = append(all, identityModels()...)
	all = append(all, crmModels()...)
	all = append(all, deliveryModels()...)
	all = append(all, rehearsalModels()...)
	all = append(all, widgetModels()...)
	return append(all, analyticsModels()...)
}
