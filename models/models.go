package models

import (
	"time"
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
	ID        string `gorm:"primaryKey;size:36"`
	Name      string `gorm:"not null"`
	Demo      bool   `gorm:"not null;default:false"`
	CreatedAt time.Time
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
	UpdatedAt   time.Time
}

// Content source kinds and statuses.
const (
	SourceKBArticle = "kb_article"

	SourcePending = "pending"
	SourceSyncing = "syncing"
	SourceReady   = "ready"
	SourceFailed  = "failed"
)

// ContentSource is knowledge the agent answers from.
type ContentSource struct {
	ID           string `gorm:"primaryKey;size:36"`
	WorkspaceID  string `gorm:"not null;index;size:36"`
	Kind         string `gorm:"not null;size:32"`
	Title        string `gorm:"not null"`
	URL          string
	Body         string `gorm:"type:text"`
	Status       string `gorm:"not null;size:16"`
	StatusReason string
	Chunks       int
	Bytes        int
	LastSyncedAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Contact is a customer in the workspace's CRM.
type Contact struct {
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;size:36;uniqueIndex:idx_contact_email"`
	Email          string `gorm:"not null;uniqueIndex:idx_contact_email"`
	Name           string
	Tier           string `gorm:"not null;size:32"`
	LifecycleStage string `gorm:"size:32"`
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
)

// Order is a customer's order in the CRM.
type Order struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_order_number"`
	ContactID   string `gorm:"not null;index;size:36"`
	Number      string `gorm:"not null;uniqueIndex:idx_order_number"`
	Status      string `gorm:"not null;size:16"`
	TotalCents  int64
	Currency    string `gorm:"size:3"`
	Items       JSON[[]OrderItem]
	PlacedAt    time.Time
	ShippedAt   *time.Time
	DeliveredAt *time.Time
	UpdatedAt   time.Time
}

// OrderItem is one line of an order.
type OrderItem struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
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
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_conversation_external"`
	// ExternalID is the conversation ID the client chose.
	ExternalID string `gorm:"not null;size:128;uniqueIndex:idx_conversation_external"`
	ChannelID  string `gorm:"size:36;index"`
	ContactID  string `gorm:"size:36;index"`
	WorkflowID string `gorm:"not null"`
	Status     string `gorm:"not null;size:32"`
	Test       bool   `gorm:"not null;default:false"`
	StartedAt  time.Time
	UpdatedAt  time.Time
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
	Citations JSON[[]Citation]
	CreatedAt time.Time `gorm:"index"`
}

// Citation is a source an agent reply quotes.
type Citation struct {
	SourceID string `json:"source_id"`
	Title    string `json:"title"`
	URL      string `json:"url,omitempty"`
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
	return []any{
		&Workspace{}, &APIKey{}, &Channel{}, &AgentSettings{}, &ContentSource{},
		&Contact{}, &Order{}, &Ticket{}, &RuleSetVersion{}, &Rule{},
		&Conversation{}, &Message{}, &CreditEntry{},
	}
}
