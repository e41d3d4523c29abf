package decide

import (
	"fmt"
	"maps"
	"strings"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/understand"
)

// LeadState is the progress of qualifying a sales inquiry.
type LeadState struct {
	// Asking is the index of the question the next message answers.
	Asking  int
	Answers map[string]any
	Done    bool
	Score   float64
	// Qualified is set when the score reached the threshold.
	Qualified bool
}

// LeadStep is what one message does to the lead dialogue.
type LeadStep struct {
	// Handled is false when the message is not part of the dialogue.
	Handled bool
	// Lead is the dialogue's state after the message (nil: none started).
	Lead *LeadState
	// Reply is the next question, or asks again for the current one.
	Reply string
	Known bool
	// Score is set when every question is answered: the answers are to be
	// stored on the contact and scored (then LeadScored decides).
	Score bool
	Entry *Entry
}

// Lead runs the lead-qualification dialogue for one message: a sales
// inquiry starts it; each later message answers the current question until
// all are answered. cfg nil means the workspace does not qualify leads.
// lead is not modified.
func Lead(cfg *LeadConfig, lead *LeadState, salesInquiry bool, text string) LeadStep {
	switch {
	case cfg == nil:
		return LeadStep{}
	case lead == nil:
		if !salesInquiry {
			return LeadStep{}
		}
		return LeadStep{Handled: true, Lead: &LeadState{Answers: map[string]any{}}, Known: true,
			Reply: "Happy to help with that! A few quick questions so we can prepare the right offer. " + cfg.Questions[0].Question,
			Entry: &Entry{Kind: KindLead, Summary: "sales inquiry: qualifying questions started",
				Detail: map[string]any{"questions": len(cfg.Questions)}}}
	case lead.Done || lead.Asking >= len(cfg.Questions):
		return LeadStep{Lead: lead}
	}
	q := cfg.Questions[lead.Asking]
	value, ok := ParseLeadAnswer(q, text)
	if !ok {
		return LeadStep{Handled: true, Lead: lead, Reply: "Sorry, I didn't catch that. " + leadHint(q)}
	}
	next := *lead
	next.Answers = maps.Clone(lead.Answers)
	if next.Answers == nil {
		next.Answers = map[string]any{}
	}
	next.Answers[q.Property] = value
	next.Asking++
	if next.Asking < len(cfg.Questions) {
		return LeadStep{Handled: true, Lead: &next, Reply: cfg.Questions[next.Asking].Question, Known: true}
	}
	return LeadStep{Handled: true, Lead: &next, Score: true}
}

// LeadOutcome is what a scored lead leads to.
type LeadOutcome struct {
	Lead  LeadState
	Entry Entry
	// Handoff is set for a qualified lead: it goes to the sales team.
	// Otherwise Reply thanks the prospect, and counts as an answer.
	Handoff *Handoff
	Reply   string
}

// LeadScored decides on a lead whose answers were scored against threshold.
func LeadScored(cfg *LeadConfig, lead LeadState, score, threshold float64, qualified bool) LeadOutcome {
	lead.Done, lead.Score, lead.Qualified = true, score, qualified
	out := LeadOutcome{Lead: lead, Entry: Entry{Kind: KindLead,
		Summary: fmt.Sprintf("lead scored %.0f (threshold %.0f)", score, threshold),
		Detail:  map[string]any{"score": score, "threshold": threshold, "qualified": qualified, "answers": lead.Answers}}}
	if !qualified {
		out.Reply = "Thank you! You can order everything directly in our online store, and I'm here if you have any questions."
		return out
	}
	out.Handoff = &Handoff{Reason: fmt.Sprintf("qualified lead (score %.0f)", score), Trigger: TriggerQualifiedLead,
		Mode: ModeTransferNow, Team: cfg.Team, Score: &score,
		Message: "Thank you! I'm passing this to our sales team, who will prepare an offer for you."}
	return out
}

// ParseLeadAnswer reads an answer to a question of its kind.
func ParseLeadAnswer(q models.LeadQuestion, text string) (any, bool) {
	switch q.Kind {
	case models.LeadNumber:
		return understand.Number(text)
	case models.LeadChoice:
		lower := strings.ToLower(text)
		for _, choice := range q.Choices {
			if strings.Contains(lower, strings.ToLower(choice)) {
				return choice, true
			}
		}
		return nil, false
	default:
		t := strings.TrimSpace(text)
		return t, t != ""
	}
}

func leadHint(q models.LeadQuestion) string {
	switch q.Kind {
	case models.LeadNumber:
		return q.Question + " (a number is fine, for example 50)"
	case models.LeadChoice:
		return q.Question + " (" + strings.Join(q.Choices, ", ") + ")"
	}
	return q.Question
}
