package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/decide"
)

// qualify runs a step of the lead-qualification dialogue (decide.Lead):
// once every question is answered, the answers are stored on the contact
// and scored, and a qualified lead is handed to the sales team. handled is
// false when the message is not part of the dialogue.
func (c *conversation) qualify(ctx workflow.Context, msg CustomerMessage, t turnContext) (
	out AgentReply, h *decide.Handoff, handled bool, err error) {
	cx := t.cx
	// A follow-up to an answer ("and for wholesale orders?") is no new
	// sales inquiry.
	step := decide.Lead(cx.Lead, c.state.Lead, cx.Analysis.SalesInquiry && !t.followUp, msg.Text)
	if !step.Handled {
		return out, nil, false, nil
	}
	c.state.Lead = step.Lead
	if step.Entry != nil {
		c.note(msg.ID, *step.Entry)
	}
	if !step.Score {
		return AgentReply{Text: step.Reply, Known: step.Known}, nil, true, nil
	}

	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 5},
	})
	var res activities.QualifyLeadResult
	err = workflow.ExecuteActivity(actx, a.QualifyLead, activities.QualifyLeadInput{
		WorkspaceID: c.state.WorkspaceID, ContactID: c.state.ContactID, Email: c.state.ContactEmail,
		ContactVerified: c.state.Verified != nil && c.state.ContactID != "", DryRun: c.state.Test,
		Answers: step.Lead.Answers, Now: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return out, nil, true, fmt.Errorf("qualify lead: %w", err)
	}
	if res.ContactID != "" {
		c.state.ContactID = res.ContactID
	}
	scored := decide.LeadScored(cx.Lead, *step.Lead, res.Score, res.Threshold, res.Qualified)
	c.state.Lead = &scored.Lead
	c.note(msg.ID, scored.Entry)
	if scored.Handoff != nil {
		return AgentReply{}, scored.Handoff, true, nil
	}
	c.answered()
	return AgentReply{Text: scored.Reply, Known: true}, nil, true, nil
}
