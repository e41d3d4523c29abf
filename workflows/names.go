package workflows

import "go.temporal.io/sdk/temporal"

// Message handler names of ConversationWorkflow.
const (
	// UpdateCustomerMessage delivers a customer's message; the update's result
	// is the agent's reply.
	UpdateCustomerMessage = "customer_message"
	// SignalRepAccepted: a rep takes the handed-off conversation (RepAccepted).
	SignalRepAccepted = "rep_accepted"
	// SignalRepMessage: a rep writes to the customer (RepMessage).
	SignalRepMessage = "rep_message"
	// SignalRepVerify: a rep asks the customer to prove their email
	// (RepVerify).
	SignalRepVerify = "rep_verify"
	// SignalHandBack: the rep returns the conversation to the agent (HandBack).
	SignalHandBack = "hand_back"
	// SignalClose ends the conversation (Close).
	SignalClose = "close"
	// SignalCustomerFeedback: the customer says whether the agent helped
	// (CustomerFeedback).
	SignalCustomerFeedback = "customer_feedback"
	// SignalDeliveryFailed: a reply to the customer's channel (an email, a
	// WhatsApp message) could not be delivered (DeliveryFailed).
	SignalDeliveryFailed = "delivery_failed"
	// QueryState returns the ConversationState.
	QueryState = "state"
)

// Application error types the conversation's update validator returns.
const (
	ErrInvalidMessage       = "InvalidMessage"
	ErrConversationClosed   = "ConversationClosed"
	ErrConversationNotFound = "ConversationNotFound"
	// ErrIdentityConflict: the message proves another customer than the
	// one the conversation is bound to.
	ErrIdentityConflict = "IdentityConflict"
)

// Custom search attributes, registered in the dev server, docker-compose and
// by `switchboard migrate`. None holds names, emails or message text.
var (
	SearchWorkspaceID      = temporal.NewSearchAttributeKeyKeyword("WorkspaceId")
	SearchChannel          = temporal.NewSearchAttributeKeyKeyword("Channel")
	SearchStatus           = temporal.NewSearchAttributeKeyKeyword("Status")
	SearchCustomerTier     = temporal.NewSearchAttributeKeyKeyword("CustomerTier")
	SearchIssueType        = temporal.NewSearchAttributeKeyKeyword("IssueType")
	SearchHandoffReason    = temporal.NewSearchAttributeKeyKeyword("HandoffReason")
	SearchResolved         = temporal.NewSearchAttributeKeyBool("Resolved")
	SearchTestConversation = temporal.NewSearchAttributeKeyBool("TestConversation")
)

// SearchAttribute is a custom search attribute's name and Temporal type.
type SearchAttribute struct {
	Name string
	Type string // "Keyword" or "Bool", as the Temporal CLI spells them
}

// SearchAttributes lists every custom search attribute, for registration.
func SearchAttributes() []SearchAttribute {
	return []SearchAttribute{
		{"WorkspaceId", "Keyword"}, {"Channel", "Keyword"}, {"Status", "Keyword"},
		{"CustomerTier", "Keyword"}, {"IssueType", "Keyword"}, {"HandoffReason", "Keyword"},
		{"Resolved", "Bool"}, {"TestConversation", "Bool"},
	}
}

// ConversationWorkflowID is the workflow ID of a workspace's conversation. The
// client chooses the conversation ID; the workspace prefix keeps workspaces
// apart.
func ConversationWorkflowID(workspaceID, conversationID string) string {
	return "conversation:" + workspaceID + ":" + conversationID
}
