package decide

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/textfold"
	"github.com/switchboardhq/switchboard/understand"
)

// Handoff modes.
const (
	ModeTransferNow   = string(rules.ModeTransferNow)
	ModeKeepAssisting = string(rules.ModeKeepAssisting)
)

// Handoff is a decision to hand the conversation to a team.
type Handoff struct {
	// Reason says why, e.g. "rule: Refunds go to a person".
	Reason string
	// Trigger is one of the Trigger constants, or "rule:<rule ID>".
	Trigger string
	RuleID  string
	// Mode is ModeTransferNow or ModeKeepAssisting.
	Mode string
	// Team is the team's key ("" for DefaultTeam).
	Team string
	// Message is told to the customer.
	Message string
	// Score is a qualified lead's score.
	Score *float64
}

// ChannelDecision is what the channel's settings decide on a
// conversation's first turn.
type ChannelDecision struct {
	// Handoff is set when the agent does not take the conversation.
	Handoff *Handoff
	// InactivityTeam is the team an inactive conversation goes to, "" when
	// inactivity ends the conversation.
	InactivityTeam string
	Entry          Entry
}

// Channel follows the channel's policy (nil: the channel has no settings).
func Channel(ch *ChannelPolicy, defaultTeam string) ChannelDecision {
	if ch == nil {
		return ChannelDecision{}
	}
	team := ch.Team
	if team == "" {
		team = defaultTeam
	}
	var out ChannelDecision
	if ch.HandOffWhenInactive {
		out.InactivityTeam = team
	}
	summary := "channel settings: the agent takes this conversation"
	if !ch.AgentTakes {
		summary = "channel settings: " + ch.Reason
	}
	out.Entry = Entry{Kind: KindChannel, Summary: summary, Detail: map[string]any{
		"channel_id": ch.ChannelID, "agent_takes": ch.AgentTakes, "cause": ch.Cause,
		"hours_mode": ch.HoursMode, "hours_schedule": ch.HoursSchedule, "hours_open": ch.HoursOpen,
		"agent_share": ch.AgentShare, "inactivity_action": ch.InactivityAction, "team": team, "reason": ch.Reason,
	}}
	if ch.AgentTakes {
		return out
	}
	trigger := TriggerChannelShare
	if ch.Cause == ChannelCauseHours {
		trigger = TriggerChannelHours
	}
	out.Handoff = &Handoff{Reason: "channel settings: " + ch.Reason, Trigger: trigger, Mode: ModeTransferNow,
		Team: team, Message: TransferText}
	return out
}

// RuleResult is a rule set's evaluation: its version, how many rules it has
// and which rule matched.
type RuleResult struct {
	// Set is "routing" or "handoff".
	Set      string
	Version  int
	Count    int
	Decision rules.Decision
}

// Entry is the journal entry of the evaluation.
func (r RuleResult) Entry() Entry {
	matched := ""
	summary := fmt.Sprintf("%s rules v%d: no rule matched", r.Set, r.Version)
	if m := r.Decision.Matched; m != nil {
		matched = m.ID
		summary = fmt.Sprintf("%s rules v%d: %q matched", r.Set, r.Version, m.Name)
	}
	return Entry{Kind: RulesKind(r.Set), Summary: summary, Detail: map[string]any{
		"version": r.Version, "matched_rule_id": matched, "evaluations": r.Decision.Evaluations,
	}}
}

// Admission decides, on the first turn after the channel's settings let the
// agent take the conversation, whether the routing rules and the credit
// balance let it: routing rules that exist and match nothing leave the
// conversation to the default team, and so does a workspace without credits
// (test conversations use none).
func Admission(routing RuleResult, credits int, test bool, defaultTeam string) *Handoff {
	if routing.Count > 0 && routing.Decision.Matched == nil {
		return &Handoff{Reason: "routing rules: the agent does not take this conversation", Trigger: TriggerRouting,
			Mode: ModeTransferNow, Team: defaultTeam, Message: TransferText}
	}
	if credits <= 0 && !test {
		return &Handoff{Reason: "the workspace has no credits left", Trigger: TriggerCreditsExhausted,
			Mode: ModeTransferNow, Team: defaultTeam, Message: TransferText}
	}
	return nil
}

// Escalation decides on every turn of a conversation the agent has: the
// first matching handoff rule, else the customer asking for a person.
func Escalation(handoff RuleResult, askedForHuman bool, defaultTeam string) *Handoff {
	if r := handoff.Decision.Matched; r != nil {
		return &Handoff{Reason: "rule: " + r.Name, Trigger: TriggerRule + ":" + r.ID, RuleID: r.ID,
			Mode: string(r.Mode), Team: r.Team, Message: r.Message}
	}
	if askedForHuman {
		return &Handoff{Reason: "the customer asked for a person", Trigger: TriggerAskedForHuman,
			Mode: ModeTransferNow, Team: defaultTeam, Message: TransferText}
	}
	return nil
}

// UnansweredTwice is the handoff after the agent could not answer twice in
// a row, nil before that.
func UnansweredTwice(consecutiveUnknown int, defaultTeam string) *Handoff {
	if consecutiveUnknown < 2 {
		return nil
	}
	return &Handoff{Reason: "the agent could not answer twice in a row", Trigger: TriggerUnansweredTwice,
		Mode: ModeTransferNow, Team: defaultTeam, Message: TransferText}
}

// AnsweredAgain is the handoff of a message the agent would answer with the
// answer it gave before in the conversation, when the message says rather
// than asks ("I did that and it's still not working"): the content has
// nothing more to say, and a person may. nil for a question, which the same
// section may answer again ("How long does that take?" after "Do you ship
// to Canada?").
func AnsweredAgain(text, defaultTeam string) *Handoff {
	if asks(text) {
		return nil
	}
	return &Handoff{Reason: "the agent would have given the same answer again", Trigger: TriggerAnsweredAgain,
		Mode: ModeTransferNow, Team: defaultTeam, Message: TransferText}
}

// asks reports whether text is a question: it has a question mark, or
// starts with a question word.
func asks(text string) bool {
	if strings.ContainsAny(text, "?¿") {
		return true
	}
	words := textfold.Words(text)
	return len(words) > 0 && questionStarts[words[0]]
}

// questionStarts are the words a question starts with.
var questionStarts = map[string]bool{
	"how": true, "what": true, "when": true, "where": true, "which": true, "who": true, "why": true,
	"can": true, "could": true, "do": true, "does": true, "did": true, "is": true, "are": true,
	"will": true, "would": true, "should": true, "may": true, "and": true,
}

// ActionUnavailable is the handoff of a message asking for a built-in
// action the workspace has not enabled, or for what no built-in action
// does (understand.PersonOnly: a cancellation), which the content did not
// answer either: a person can do what the agent may not. nil when intent
// is neither, or an action the workspace has (its own of that name).
func ActionUnavailable(intent string, s Settings) *Handoff {
	_, builtin := actions.Builtin(intent)
	if !builtin && !understand.PersonOnly(understand.Intent(intent)) {
		return nil
	}
	if _, enabled := s.Actions[intent]; enabled {
		return nil
	}
	reason := "the customer asked for " + intent + ", which the agent may not do here"
	if !builtin {
		reason = "the customer asked for " + intent + ", which only a person does here"
	}
	return &Handoff{Reason: reason, Trigger: TriggerActionUnavailable, Mode: ModeTransferNow, Team: s.DefaultTeam, Message: TransferText}
}

// DependencyFailure is the handoff after a step of the turn failed for good
// (step names it: "context", "rules", "retrieval", "model", "action", …):
// the customer gets an apology and a person.
func DependencyFailure(step, defaultTeam string) Handoff {
	return Handoff{Reason: "dependency failure: " + step + " failed", Trigger: TriggerDependencyFailure,
		Mode: ModeTransferNow, Team: defaultTeam, Message: ApologyText}
}

// DeliveryFailure is the hand-off of a conversation whose reply could not be
// delivered (the customer is told nothing: nothing reaches them).
func DeliveryFailure(reason, defaultTeam string) Handoff {
	return Handoff{Reason: "a reply could not be delivered: " + reason, Trigger: TriggerDeliveryFailure,
		Mode: ModeTransferNow, Team: defaultTeam}
}

// ModelHandoff is the hand-off the agent's model asked for, with its reason.
func ModelHandoff(reason, defaultTeam string) Handoff {
	return Handoff{Reason: "the agent's model: " + reason, Trigger: TriggerModel, Mode: ModeTransferNow,
		Team: defaultTeam, Message: TransferText}
}

// FailureEntry is the journal entry of a step that failed for good.
func FailureEntry(step string, err error) Entry {
	return Entry{Kind: KindDependencyFailure, Summary: step + " failed after its retries: apologised and handed to a person",
		Detail: map[string]any{"step": step, "error": err.Error()}}
}

// Inactive is the handoff of a conversation nobody wrote to for idle, to
// the channel's team.
func Inactive(idle time.Duration, team string) Handoff {
	return Handoff{Reason: "nobody wrote for " + idle.String() + ": the channel hands inactive conversations to its team",
		Trigger: TriggerInactive, Mode: ModeTransferNow, Team: team}
}

// Assignment is a handoff as the conversation applies it: the team, what
// the customer is told, and when the fallback message goes out if no rep
// accepts.
type Assignment struct {
	Handoff
	At       time.Time
	AcceptBy time.Time
	Fallback string
}

// Assign applies a handoff to a team at now. Outside the team's working
// hours the customer is told when to expect a person, and the acceptance
// clock starts when the team does.
func Assign(h Handoff, team Team, now time.Time) Assignment {
	if h.Team == "" {
		h.Team = DefaultTeam
	}
	accept := team.AcceptTimeout
	if accept <= 0 {
		accept = DefaultAcceptTimeout
	}
	a := Assignment{Handoff: h, At: now, AcceptBy: now.Add(accept), Fallback: team.FallbackMessage}
	if a.Fallback == "" {
		a.Fallback = DefaultFallback
	}
	if team.WorkingHours != "" {
		if open, next, err := rules.NextOpen(team.WorkingHours, now); err == nil && !open {
			msg := strings.Replace(a.Message, TransferText, TransferLaterText, 1)
			a.Message = JoinSentences(msg, "Our team is available "+DescribeOpening(next, now)+"; a person will reply then.")
			a.AcceptBy = next.Add(accept)
		}
	}
	return a
}

// Entry is the journal entry of the assignment.
func (a Assignment) Entry() Entry {
	return Entry{Kind: KindHandoff, Summary: "handed off to " + a.Team + ": " + a.Reason, Detail: HandoffDetail{
		Trigger: a.Trigger, RuleID: a.RuleID, Mode: a.Mode, Team: a.Team, AcceptBy: a.AcceptBy,
	}.Map()}
}

// DescribeOpening says when the team opens, relative to now, in the team's
// time zone (next's): "today" is the team's today.
func DescribeOpening(next, now time.Time) string {
	now = now.In(next.Location())
	switch {
	case next.YearDay() == now.YearDay() && next.Year() == now.Year():
		return "from " + next.Format("15:04 MST") + " today"
	case next.Sub(now) < 48*time.Hour && next.YearDay() == now.Add(24*time.Hour).YearDay():
		return "from " + next.Format("15:04 MST") + " tomorrow"
	default:
		return "from " + next.Format("Monday 15:04 MST")
	}
}

// Resolved reports whether a conversation that ends counts as resolved by
// the agent (and so consumes a credit): the agent answered, no person was
// needed, and the customer did not say it did not help.
func Resolved(agentAnswered bool, handoffs int, feedback string) bool {
	return agentAnswered && handoffs == 0 && feedback != FeedbackNotHelpful
}
