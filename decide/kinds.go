package decide

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/actions"
)

// Kind names a decision in a conversation's journal (the decisions table):
// the workflow writes them and analytics reads them.
type Kind string

// The decision kinds.
const (
	KindPinned           Kind = "pinned"
	KindEnrich           Kind = "enrich"
	KindIssueType        Kind = "issue_type"
	KindChannel          Kind = "channel"
	KindRoutingRules     Kind = "routing_rules"
	KindHandoffRules     Kind = "handoff_rules"
	KindHandoff          Kind = "handoff"
	KindHandoffTimeout   Kind = "handoff_timeout"
	KindRepAccepted      Kind = "rep_accepted"
	KindHandBack         Kind = "hand_back"
	KindReusableResponse Kind = "reusable_response"
	KindAvoidedTopic     Kind = "avoided_topic"
	KindAnswer           Kind = "answer"
	KindClarify          Kind = "clarify"
	KindUnknown          Kind = "unknown"
	KindAction           Kind = "action"
	KindLead             Kind = "lead"
	KindReply            Kind = "reply"
	KindReopened         Kind = "reopened"
	KindFeedback         Kind = "feedback"
	KindEnd              Kind = "end"
	// KindSmallTalk: a greeting, thanks or a goodbye, and the reply.
	KindSmallTalk Kind = "small_talk"
	// KindVerification: a verification code was sent or checked.
	KindVerification Kind = "verification"
	// KindDependencyFailure: a step of the turn failed after its retries.
	KindDependencyFailure Kind = "dependency_failure"
	// KindAgentStep: one step of a turn the model ran (its calls, tokens).
	KindAgentStep Kind = "agent_step"
)

// RulesKind is the decision kind of evaluating a rule set of kind
// "routing" or "handoff".
func RulesKind(ruleSet string) Kind { return Kind(ruleSet + "_rules") }

// Entry is a decision as the journal keeps it: what was decided, in words
// for people and in detail for auditors and analytics.
type Entry struct {
	Kind    Kind
	Summary string
	Detail  map[string]any
}

// Event kinds: what reps' live event streams (and team webhooks) receive.
const (
	EventCustomerMessage = "customer_message"
	EventHandoff         = "handoff"
	EventFlagged         = "flagged"
	EventAccepted        = "accepted"
	EventRepMessage      = "rep_message"
	EventHandedBack      = "handed_back"
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
	// TriggerQualifiedLead: a sales lead that qualified goes to sales.
	TriggerQualifiedLead = "qualified_lead"
	// TriggerDependencyFailure: a step of the turn (retrieval, the model,
	// the rules, an action, the CRM) still failed after its retries.
	TriggerDependencyFailure = "dependency_failure"
	// TriggerModel: the agent's model handed the conversation to a person.
	TriggerModel = "model"
	// TriggerDeliveryFailure: a reply could not be delivered to the
	// customer's channel.
	TriggerDeliveryFailure = "delivery_failure"
	// TriggerActionUnavailable: the customer asked for something only an
	// action the workspace has not enabled does ("reset my password"), and
	// the content does not answer it either.
	TriggerActionUnavailable = "action_unavailable"
	// TriggerAnsweredAgain: the agent would have given the answer it gave
	// before in the conversation: the customer is back because it did not
	// help ("I did that and it's still not working").
	TriggerAnsweredAgain = "answered_again"
)

// Why a customer message is a knowledge gap.
const (
	// GapUnanswered: the agent said it does not know.
	GapUnanswered = "unanswered"
	// GapLowConfidence: the agent asked a clarifying question.
	GapLowConfidence = "low_confidence"
	// GapHandoff: the agent could not answer and a person took over.
	GapHandoff = "handoff"
	// GapUnknownIssueType: the message matched none of the issue types.
	GapUnknownIssueType = "unknown_issue_type"
)

// GapReasons are the reasons a knowledge gap can have.
var GapReasons = []string{GapUnanswered, GapLowConfidence, GapHandoff, GapUnknownIssueType}

// The built-in actions.
const (
	ActionOrderStatus   = actions.OrderStatus
	ActionStartReturn   = actions.StartReturn
	ActionUpdateContact = actions.UpdateContact
	ActionPasswordReset = actions.PasswordReset
)

// Feedback values.
const (
	FeedbackHelpful    = "helpful"
	FeedbackNotHelpful = "not_helpful"
)

// HandoffDetail is the detail of a KindHandoff entry.
type HandoffDetail struct {
	Trigger  string    `json:"trigger"`
	RuleID   string    `json:"rule_id"`
	Mode     string    `json:"mode"`
	Team     string    `json:"team"`
	AcceptBy time.Time `json:"accept_by"`
}

// RepAcceptedDetail is the detail of a KindRepAccepted entry.
type RepAcceptedDetail struct {
	RepKeyID string `json:"rep_key_id"`
	WaitedMs int64  `json:"waited_ms"`
}

// Map is the detail as the journal keeps it (the keys of its JSON tags).
func (d HandoffDetail) Map() map[string]any {
	return map[string]any{"trigger": d.Trigger, "rule_id": d.RuleID, "mode": d.Mode, "team": d.Team, "accept_by": d.AcceptBy}
}

// Map is the detail as the journal keeps it (the keys of its JSON tags).
func (d RepAcceptedDetail) Map() map[string]any {
	return map[string]any{"rep_key_id": d.RepKeyID, "waited_ms": d.WaitedMs}
}

// DetailAs reads a journal entry's detail as its typed detail T; fields
// missing from m are left zero.
func DetailAs[T any](m map[string]any) (T, error) {
	var out T
	b, err := json.Marshal(m)
	if err != nil {
		return out, fmt.Errorf("detail: %w", err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("detail as %T: %w", out, err)
	}
	return out, nil
}
