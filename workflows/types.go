package workflows

import (
	"time"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
)

// Conversation statuses (also the Status search attribute's values).
const (
	StatusAIActive         = "ai_active"
	StatusHandedOff        = "handed_off"
	StatusRepActive        = "rep_active"
	StatusResolved         = "resolved"
	StatusClosedUnresolved = "closed_unresolved"
)

// Transcript roles.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
	RoleRep      = "rep"
	RoleSystem   = "system"
)

// DefaultMaxTurnsPerRun bounds a run's history: after this many turns the
// conversation continues as new (sooner when the server suggests it).
const DefaultMaxTurnsPerRun = 200

// continueAloneDelay is the timer a run of RevisionContinueAlone waits on
// before it continues as new, when the task it would do so in answers a
// message.
const continueAloneDelay = time.Millisecond

// recentTurns bounds ConversationState.Recent.
const recentTurns = 12

// carriedReplies bounds the replies a run carries into the next when it
// continues as new (see ConversationState.RecentReplies).
const carriedReplies = 100

// ConversationInput starts a conversation.
type ConversationInput struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	// ChannelType is chat, email or whatsapp.
	ChannelType string
	// Test marks an admin's test conversation: it never consumes credits.
	Test bool
	// InactivityTimeout overrides the workspace's inactivity setting.
	InactivityTimeout time.Duration
	// MaxTurnsPerRun overrides DefaultMaxTurnsPerRun.
	MaxTurnsPerRun int
	// Carried is the state of the previous run, set by continue-as-new.
	Carried *ConversationState
	// Unwritten are the records the previous run had not written to the
	// read model yet, oldest first; this run writes them before its own.
	Unwritten []UnwrittenRecord
	// Pins, in a test conversation, are the configuration it runs under
	// instead of the workspace's (a rehearsal's drafts).
	Pins *Pins `json:",omitempty"`
	// Script, in a test conversation, are customer messages it plays one
	// after another, then it ends (a rehearsal's case).
	Script []CustomerMessage `json:",omitempty"`
	// Simulation, in a test conversation, has a language model play the
	// customer (SimulateCustomer), one message after each reply, then it
	// ends (a rehearsal's simulated scenario).
	Simulation *Simulation `json:",omitempty"`
	// Revision is the conversation behaviour the run follows: whoever
	// starts a run (the API, continue-as-new, a rehearsal) sets
	// CurrentRevision, and a run started before a change has a lower one
	// and keeps the old path until it ends. Unlike workflow.GetVersion,
	// it adds no marker and no search-attribute upsert to every
	// conversation's first task.
	Revision int `json:",omitempty"`
	// StartAttributes is set when the run was started with the search
	// attributes of a new conversation (CustomerMessageStart): the
	// workspace, the channel, the test flag, the ai_active status and not
	// resolved, with no customer tier, issue type or hand-off reason.
	StartAttributes bool `json:",omitempty"`
}

// Pins are what a rehearsal's test conversation runs under: rule set
// versions, the rehearsal whose stored configuration (agent settings,
// issue types) LoadContext and ClassifyIssue read instead of the
// workspace's, and the content snapshot it searches. RuleVersions is embedded: its fields cross Temporal at the
// top level, as before Rehearsal was added.
type Pins struct {
	RuleVersions
	Rehearsal string `json:",omitempty"`
	// Snapshot is the content snapshot the case searches instead of the
	// current content ("": the current content).
	Snapshot string `json:",omitempty"`
}

// Simulation is a customer a language model plays in a test conversation.
type Simulation struct {
	Persona string
	Goal    string
	// MaxTurns bounds the customer's messages (at most MaxScript).
	MaxTurns int
	// ContactEmail, when set, is who the customer is, verified.
	ContactEmail string `json:",omitempty"`
}

// DeliveryFailed is the argument of SignalDeliveryFailed.
type DeliveryFailed struct {
	OutboxID string
	Reason   string
}

// Revisions of the conversation's behaviour (ConversationInput.Revision).
const (
	// RevisionOneTaskTurns: the message is classified within LoadContext,
	// the first turn's search reads the verified customer's tier itself,
	// and the first record is written by a local activity, all in the
	// workflow task that replies. Runs before it issue ClassifyIssue and
	// the first record as steps of their own, and search again once
	// LoadContext found the tier.
	RevisionOneTaskTurns = 1
	// RevisionSearchWithRecords: a turn the agent answers alone updates
	// the search attributes with the write of its record, not in the
	// reply's own commands, so a customer who writes faster than
	// recordInterval has the upserts of several turns made as one, after
	// the replies (see conversation.upsertSearch). Runs before it upsert in
	// every turn that changes an attribute.
	RevisionSearchWithRecords = 2
	// RevisionStartAttributes: a run started with a new conversation's
	// search attributes (ConversationInput.StartAttributes) counts them as
	// upserted, so a first turn that changes none of them (a customer who
	// did not verify, a message of no issue type) upserts nothing. Runs
	// before it upsert at their first step whatever it changed.
	RevisionStartAttributes = 3
	// RevisionContinueAlone: a run continues as new in a workflow task that
	// answers no message. Temporal refuses a task that continues as new
	// while a timer fires or a signal comes in, and drops the update that
	// task answered (the caller must send it again, see AwaitUpdate); a run
	// that reaches its turns in the task answering a message first waits
	// continueAloneDelay, so that the continue-as-new comes in a task of its
	// own. Runs before it continue as new in that task.
	RevisionContinueAlone = 4
	// RevisionConversationOrder: the conversation remembers the last order
	// a message named (ConversationState.Order), and a message asking for
	// an action on an order without naming one ("can I return it?") is
	// about that one (LoadContextInput.ConversationOrder). Runs before it
	// ask which order.
	RevisionConversationOrder = 5
	// RevisionYesNo: a bare yes or no ("ok", "no thanks") that no question
	// of the agent waits for is small talk (decide.Agree, decide.Decline),
	// answered with a set reply, not from the content (no knowledge gap),
	// unless a model runs the turn. Runs before it answer it from the
	// content.
	RevisionYesNo = 6
	// RevisionCompanyActionOrder: a company action's input named for an
	// order that the message leaves out ("cancel it") takes the
	// conversation's order, when that is a valid value for it; the
	// confirmation names it. Runs before it ask the customer for it.
	RevisionCompanyActionOrder = 7
	// RevisionMoreSmallTalk: the greetings, thanks and goodbyes of Italian,
	// Portuguese, Dutch and French that small talk lacked ("Buongiorno!",
	// "bom dia") and a form of address ("cheers mate") are small talk
	// (decide.SmallTalkReading.MoreWords). Runs before it answer them from
	// the content.
	RevisionMoreSmallTalk = 8
	// RevisionLanguageAnswers: the customer's short answers are read in
	// every language the agent speaks: the answer to a confirmation
	// question ("sim", "nee", "pode avançar", "ga door";
	// decide.ConfirmationReading.AllLanguages), "that's all" ("eso es
	// todo", "c'est tout") and a bare yes or no with a please ("ja bitte";
	// decide.SmallTalkReading.OtherLanguages). Runs before it read English
	// and a few yes and no words, dropped the action on "sim" as a change
	// of subject, and searched the content for "merci, c'est tout".
	RevisionLanguageAnswers = 9
	// RevisionActionUnavailable: a message asking for a built-in action the
	// workspace has not enabled ("I forgot my password" without
	// password_reset), which the content does not answer either, goes to a
	// person (decide.ActionUnavailable). Runs before it asked the customer to
	// say more, or to rephrase.
	RevisionActionUnavailable = 10
	// RevisionChannelNotices: the agent's notice of a code a rep asked it
	// to send goes to an email or WhatsApp customer's channel too
	// (conversation.tell). Runs before it said it only in the transcript,
	// which such a customer does not read.
	RevisionChannelNotices = 11
	// RevisionTheyFollowUp: a short message with "they" or "their" after an
	// answered question is a follow-up to it ("How much do they cost?"
	// after "Do you do tours?"; decide.FollowUpQuery). Runs before it
	// searched the message alone, and could start a lead on it.
	RevisionTheyFollowUp = 12
	// RevisionPersonFollowUp: "he", "she", "him", "her" and "his" make a
	// short message after an answered question a follow-up to it too ("Can
	// he come in the restaurant?" after "Can I bring my dog?"). Runs before
	// it searched the message alone, and could start a lead on it.
	RevisionPersonFollowUp = 13
	// RevisionAnsweredAgain: a message that says rather than asks, which
	// the agent would answer from content with the answer it gave before in
	// the conversation, goes to a person ("I did that and it's still not
	// working" after the troubleshooting steps; decide.AnsweredAgain). Runs
	// before it gave the same answer again.
	RevisionAnsweredAgain = 14

	// CurrentRevision is the revision new runs follow.
	CurrentRevision = RevisionAnsweredAgain
)

// pronouns are the pronouns that make a short message a follow-up in the
// run's revision.
func (in ConversationInput) pronouns() decide.Pronouns {
	switch {
	case in.Revision >= RevisionPersonFollowUp:
		return decide.PronounsPerson
	case in.Revision >= RevisionTheyFollowUp:
		return decide.PronounsThey
	}
	return decide.PronounsIt
}

// RuleVersions are a handoff and a routing rule set version; 0 keeps the
// published one.
type RuleVersions struct {
	Handoff int
	Routing int
}

// MaxScript bounds a scripted conversation's messages.
const MaxScript = 30

// UnwrittenRecord is a record continue-as-new hands to the next run, with
// the team to notify of a handoff in it once it is written.
type UnwrittenRecord struct {
	Record activities.RecordTurnInput
	Team   decide.Team
}

// ConversationResult is how the conversation ended.
type ConversationResult struct {
	Status   string
	Resolved bool
	Charged  bool
	// Replies are a scripted conversation's replies, in order.
	Replies []AgentReply `json:",omitempty"`
}

// CustomerMessage is the argument of the customer_message update.
type CustomerMessage struct {
	// ID is the client's message ID; a message with an ID already answered
	// gets the same reply and no second turn.
	ID           string
	Text         string
	ContactEmail string
	// ChannelID is the channel the message came in on; it must be the
	// conversation's.
	ChannelID string
	// Verified is the identity the customer proved with this message (a
	// token signed by the channel's site), nil for none. ContactEmail, by
	// contrast, is only what the customer says.
	Verified *Identity `json:",omitempty"`
}

// Identity is a customer identity that was proved, not just given.
type Identity struct {
	// Email is the contact's email address, lower-cased.
	Email string
	// Method says how it was proved: IdentityToken or IdentityEmailCode.
	Method string
}

// PendingAction is an action the customer asked for that waits.
type PendingAction struct {
	// MessageID and Text are the message that asked for the action; its
	// context is loaded again when the action runs.
	MessageID string
	Text      string
	Action    string
	At        time.Time
	// Inputs are the action's inputs gathered so far (a company action's;
	// a built-in one reads its own from Text again).
	Inputs map[string]string `json:",omitempty"`
}

// PendingInput is a company action waiting for the customer to give one of
// its inputs; Tries counts the values given that the schema refused.
type PendingInput struct {
	PendingAction
	Input string
	Tries int `json:",omitempty"`
}

// PendingVerification is an action waiting for the customer to verify.
type PendingVerification struct {
	// PendingAction is the action that waits for the code; one with no
	// Action is a rep's request (onRepVerify), which nothing waits on.
	PendingAction
	// Email is where the code went; "" while the agent waits for the
	// customer to give an address.
	Email string
}

// How a customer proved who they are.
const (
	// IdentityToken: the channel's site signed a token naming the customer.
	IdentityToken = "token"
	// IdentityEmailCode: the customer typed the code the agent emailed to
	// the address on file.
	IdentityEmailCode = "email_code"
	// IdentityRehearsal: a rehearsal plays a scenario as its contact, in a
	// test conversation.
	IdentityRehearsal = "rehearsal"
)

// AgentReply is the result of the customer_message update.
type AgentReply struct {
	MessageID string
	// Text is the agent's reply; empty when a rep has the conversation (the
	// rep answers later).
	Text      string
	Citations []answer.Citation
	Status    string
	// Known is false when the agent said it does not know.
	Known bool
	// HandedOff is set when this message handed the conversation to a team.
	HandedOff bool
	// IssueType is the issue type the agent worked with.
	IssueType string
}

// RepAccepted is the rep_accepted signal.
type RepAccepted struct {
	RepKeyID string
	RepName  string
	// RepTeam is the display name of the rep's team, "" when unknown.
	RepTeam string `json:",omitempty"`
}

// RepMessage is the rep_message signal.
type RepMessage struct {
	ID       string
	RepKeyID string
	RepName  string
	// RepTeam is the display name of the rep's team, "" when unknown.
	RepTeam string `json:",omitempty"`
	Text    string
}

// HandBack is the hand_back signal.
type HandBack struct {
	RepKeyID string
	Note     string
}

// RepVerify is a rep's request that the customer prove their email: a
// code goes to Email, which the customer types in the conversation.
type RepVerify struct {
	RepKeyID string
	Email    string
}

// Close is the close signal.
type Close struct {
	By string
}

// CustomerFeedback is the customer_feedback signal.
type CustomerFeedback struct {
	Helpful bool
	Comment string
}

// Handoff is the conversation's current handoff: the assignment to a team
// and how far a rep got with it.
type Handoff struct {
	decide.Assignment
	AcceptedAt *time.Time
	RepKeyID   string
	RepName    string
	// Flagged is set when no rep accepted in time.
	Flagged bool
}

// RecentReply remembers a reply by message ID, for idempotency.
type RecentReply struct {
	ID    string
	Reply AgentReply
}

// ConversationState is the conversation's state: what the state query
// returns and what continue-as-new carries.
type ConversationState struct {
	WorkspaceID    string
	ConversationID string
	ChannelID      string
	ChannelType    string
	Test           bool
	Status         string
	StartedAt      time.Time
	LastActivity   time.Time

	// ContactEmail is the email the customer gave (typed, or in the
	// widget's contact form): it authorizes nothing. Verified is the
	// identity the customer proved; the conversation is bound to it.
	ContactEmail string
	Verified     *Identity `json:",omitempty"`
	// Verification is an action waiting for the customer to prove who they
	// are with an emailed code; Confirmation one waiting for a yes.
	Verification *PendingVerification `json:",omitempty"`
	Confirmation *PendingAction       `json:",omitempty"`
	// Language is the customer's language as last recognised (a code of
	// package understand), which the agent's set texts follow.
	Language string `json:",omitempty"`
	// LastTopic is the question the agent last answered from content,
	// which a short follow-up is read against.
	LastTopic string `json:",omitempty"`
	// OrderFor is an action waiting for the customer to say which order.
	OrderFor *PendingAction `json:",omitempty"`
	// Order is the order the conversation is about: the last one a
	// customer message named (RevisionConversationOrder).
	Order string `json:",omitempty"`
	// InputFor is a company action waiting for one of its inputs.
	InputFor     *PendingInput `json:",omitempty"`
	ContactID    string
	CustomerTier string
	IssueType    string

	// Pinned rule set versions, fixed by the first turn.
	Pinned         bool
	HandoffVersion int
	RoutingVersion int
	Inactivity     time.Duration

	Handoff      *Handoff
	HandoffCount int
	// AgentAnswered is set once the agent gave an answer it knew.
	AgentAnswered      bool
	Feedback           string
	ConsecutiveUnknown int
	UnansweredCount    int
	// LastAnswer is a checksum of the agent's last answer from content
	// (answerSum), 0 before one: the same answer again goes to a person.
	LastAnswer uint64 `json:",omitempty"`
	// ClarifyAsked is set once the agent asked a clarifying question since
	// its last answer.
	ClarifyAsked  bool
	TurnCount     int
	FirstAnswerMs int64
	// ReopenOf is the read-model ID of the resolved conversation this one
	// reopened.
	ReopenOf string
	// EventSeq numbers rep events and decisions uniquely across runs.
	EventSeq int
	// Lead is the progress of qualifying a sales inquiry.
	Lead *decide.LeadState
	// Recorded is set once the conversation's first record was written or
	// queued first: later records follow it.
	Recorded bool
	// UnwrittenRecords counts the records the database refused for their
	// content (see activities.ErrUnwritableRecord), each logged as an error.
	UnwrittenRecords int
	// InactivityHandoff, set from the channel's settings on the first turn,
	// makes the inactivity timeout hand the conversation to this team first
	// (unless a team has it already); a further quiet period ends it. nil:
	// inactivity ends the conversation.
	InactivityHandoff *decide.Team

	// Recent is the conversation's latest messages, the customer's and the
	// agent's (at most recentTurns), which a language model sees.
	Recent []answer.Turn `json:",omitempty"`
	// RecentReplies are the replies to the latest messages, by message ID.
	RecentReplies []RecentReply
}
