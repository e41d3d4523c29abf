package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/understand"
)

// TriggerQualifiedLead is the handoff trigger of a lead that qualified.
const TriggerQualifiedLead = "qualified_lead"

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

// qualify runs the lead-qualification dialogue: a sales inquiry starts it;
// each later message answers the current question until all are answered,
// then the answers are stored on the contact and scored, and a qualified
// lead is handed to the sales team. handled is false when the message is not
// part of it.
func (c *conversation) qualify(ctx workflow.Context, msg CustomerMessage, cx activities.LoadContextResult,
	rec *activities.RecordTurnInput) (out AgentReply, h *Handoff, handled bool, err error) {
	cfg := cx.Lead
	lead := c.state.Lead
	switch {
	case cfg == nil:
		return out, nil, false, nil
	case lead == nil:
		if !cx.Analysis.SalesInquiry {
			return out, nil, false, nil
		}
		c.state.Lead = &LeadState{Answers: map[string]any{}}
		rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "lead", "sales inquiry: qualifying questions started",
			map[string]any{"questions": len(cfg.Questions)}))
		return AgentReply{Text: "Happy to help with that! A few quick questions so we can prepare the right offer. " +
			cfg.Questions[0].Question, Known: true}, nil, true, nil
	case lead.Done || lead.Asking >= len(cfg.Questions):
		return out, nil, false, nil
	}

	q := cfg.Questions[lead.Asking]
	value, ok := parseAnswer(q, msg.Text)
	if !ok {
		return AgentReply{Text: "Sorry, I didn't catch that. " + hint(q)}, nil, true, nil
	}
	lead.Answers[q.Property] = value
	lead.Asking++
	if lead.Asking < len(cfg.Questions) {
		return AgentReply{Text: cfg.Questions[lead.Asking].Question, Known: true}, nil, true, nil
	}

	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 5},
	})
	var res activities.QualifyLeadResult
	err = workflow.ExecuteActivity(actx, a.QualifyLead, activities.QualifyLeadInput{
		WorkspaceID: c.state.WorkspaceID, ContactID: c.state.ContactID, Email: c.state.ContactEmail,
		Answers: lead.Answers, Now: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return out, nil, true, fmt.Errorf("qualify lead: %w", err)
	}
	lead.Done, lead.Score, lead.Qualified = true, res.Score, res.Qualified
	if res.ContactID != "" {
		c.state.ContactID = res.ContactID
	}
	rec.Decisions = append(rec.Decisions, c.decision(msg.ID, "lead", fmt.Sprintf("lead scored %.0f (threshold %.0f)", res.Score, res.Threshold),
		map[string]any{"score": res.Score, "threshold": res.Threshold, "qualified": res.Qualified, "answers": lead.Answers}))
	if !res.Qualified {
		c.answered()
		return AgentReply{Text: "Thank you! You can order everything directly in our online store, and I'm here if you have any questions.", Known: true}, nil, true, nil
	}
	return AgentReply{}, &Handoff{
		Reason: fmt.Sprintf("qualified lead (score %.0f)", res.Score), Trigger: TriggerQualifiedLead,
		Mode: ModeTransferNow, Team: cfg.Team, Score: &res.Score,
		Message: "Thank you! I'm passing this to our sales team, who will prepare an offer for you.",
	}, true, nil
}

// parseAnswer reads an answer to a question of its kind.
func parseAnswer(q models.LeadQuestion, text string) (any, bool) {
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

func hint(q models.LeadQuestion) string {
	switch q.Kind {
	case models.LeadNumber:
		return q.Question + " (a number is fine, for example 50)"
	case models.LeadChoice:
		return q.Question + " (" + strings.Join(q.Choices, ", ") + ")"
	}
	return q.Question
}
