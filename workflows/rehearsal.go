package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
)

// RehearsalWorkflowID is the workflow ID of a workspace's rehearsal.
func RehearsalWorkflowID(workspaceID, rehearsalID string) string {
	return "rehearsal:" + workspaceID + ":" + rehearsalID
}

// Test conversations (the admin's sandbox, a rehearsal's cases) are on
// their own channel, with their own conversation IDs.
const (
	TestChannelID          = "sandbox"
	TestConversationPrefix = "test:"
)

// RehearsalConversationID is the conversation ID of one case of a
// rehearsal: a test conversation (GET /v1/conversations/rehearsal-…?test=true).
func RehearsalConversationID(rehearsalID string, caseIndex int) string {
	return fmt.Sprintf("%srehearsal-%s-%d", TestConversationPrefix, rehearsalID, caseIndex)
}

// DefaultRehearsalConcurrency is how many cases a rehearsal runs at once
// when its input says 0.
const DefaultRehearsalConcurrency = 4

// RehearsalInput is a rehearsal: the cases to run, the configuration to
// run them under (rule set versions, and the rehearsal's stored drafts when
// Pins.Rehearsal is set), and how many at once.
type RehearsalInput struct {
	WorkspaceID string
	RehearsalID string
	Pins        Pins
	Cases       []activities.RehearsalCase
	Concurrency int
}

// RehearsalWorkflow runs each case as a child test conversation pinned to
// the rehearsal's rule set versions (actions that write are dry runs in a
// test conversation), at most Concurrency at once. Once a case's
// conversation has ended, JudgeCase reads what its turns did and records the
// case in the report; FinishRehearsal totals it. A cancelled rehearsal
// cancels the cases under way and is recorded as cancelled.
func RehearsalWorkflow(ctx workflow.Context, in RehearsalInput) error {
	limit := in.Concurrency
	if limit <= 0 {
		limit = DefaultRehearsalConcurrency
	}
	judge := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second, MaximumAttempts: 5},
	})
	var a *activities.Activities
	running, failed := 0, error(nil)
	wg := workflow.NewWaitGroup(ctx)
	for i, cs := range in.Cases {
		if err := workflow.Await(ctx, func() bool { return running < limit }); err != nil {
			failed = err
			break
		}
		running++
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer func() { running--; wg.Done() }()
			convID := RehearsalConversationID(in.RehearsalID, i)
			rowID := models.ConversationRowID(ConversationWorkflowID(in.WorkspaceID, convID))
			verdict := activities.JudgeCaseInput{WorkspaceID: in.WorkspaceID, RehearsalID: in.RehearsalID, Index: i, Case: cs,
				ConversationRowID: rowID}
			if cs.Skip != "" {
				if err := workflow.ExecuteActivity(judge, a.JudgeCase, verdict).Get(ctx, nil); err != nil && failed == nil {
					failed = err
				}
				return
			}
			script := make([]CustomerMessage, 0, len(cs.Messages))
			for j, text := range cs.Messages {
				script = append(script, scriptedMessage(j, text, cs.ContactEmail))
			}
			var sim *Simulation
			if s := cs.Simulation; s != nil {
				sim = &Simulation{Persona: s.Persona, Goal: s.Goal, MaxTurns: s.MaxTurns, ContactEmail: cs.ContactEmail}
			}
			cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID:        ConversationWorkflowID(in.WorkspaceID, convID),
				ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_TERMINATE,
				TypedSearchAttributes: temporal.NewSearchAttributes(
					SearchWorkspaceID.ValueSet(in.WorkspaceID), SearchChannel.ValueSet(cs.ChannelType),
					SearchStatus.ValueSet(StatusAIActive), SearchTestConversation.ValueSet(true),
				),
			})
			pins := in.Pins
			var res ConversationResult
			err := workflow.ExecuteChildWorkflow(cctx, ConversationWorkflow, ConversationInput{
				WorkspaceID: in.WorkspaceID, ConversationID: convID, ChannelID: cs.ChannelID, ChannelType: cs.ChannelType,
				Test: true, Pins: &pins, Script: script, Simulation: sim, Revision: CurrentRevision,
			}).Get(ctx, &res)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				verdict.Error = err.Error()
			}
			if sim != nil && cs.Simulation.Criterion != "" && err == nil {
				verdict.Criterion = judgeCriterion(ctx, cs.Simulation.Criterion, rowID)
			}
			if err := workflow.ExecuteActivity(judge, a.JudgeCase, verdict).Get(ctx, nil); err != nil && failed == nil {
				failed = err
			}
		})
	}
	wg.Wait(ctx)
	status := models.RehearsalDone
	switch {
	case temporal.IsCanceledError(ctx.Err()):
		status = models.RehearsalCancelled
	case failed != nil:
		status = models.RehearsalFailed
	}
	// Recorded even when cancelled.
	dctx, _ := workflow.NewDisconnectedContext(judge)
	if err := workflow.ExecuteActivity(dctx, a.FinishRehearsal, activities.FinishRehearsalInput{
		WorkspaceID: in.WorkspaceID, RehearsalID: in.RehearsalID, Status: status, At: workflow.Now(dctx),
	}).Get(dctx, nil); err != nil {
		return err
	}
	if status == models.RehearsalCancelled {
		return ctx.Err()
	}
	return failed
}

// scriptedMessage is the n-th (from 0) customer message of a test
// conversation, verified as contactEmail when that is set.
func scriptedMessage(n int, text, contactEmail string) CustomerMessage {
	m := CustomerMessage{ID: fmt.Sprintf("m%d", n+1), Text: text, ContactEmail: contactEmail}
	if contactEmail != "" {
		m.Verified = &Identity{Email: contactEmail, Method: IdentityRehearsal}
	}
	return m
}

// modelOptions are the options of a language model call made for a
// simulated customer: a model may take a minute to answer, and an answer
// that fails three times fails the case rather than holding the rehearsal.
func modelOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 2 * time.Second, MaximumAttempts: 3},
	})
}

// nextMessage is a scripted or simulated test conversation's next customer
// message, given the messages sent and the replies so far; false when there
// is none. A script's is its next message. A simulated customer's is what
// the model writes next (SimulateCustomer), until it says it is done, the
// conversation was handed to a person, or MaxTurns messages were sent.
func (c *conversation) nextMessage(ctx workflow.Context, sent []string, replies []AgentReply) (CustomerMessage, bool, error) {
	n := len(sent)
	sim := c.in.Simulation
	if sim == nil {
		if n >= min(len(c.in.Script), MaxScript) {
			return CustomerMessage{}, false, nil
		}
		return c.in.Script[n], true, nil
	}
	if n >= min(max(sim.MaxTurns, 1), MaxScript) || c.state.Handoff != nil {
		return CustomerMessage{}, false, nil
	}
	transcript := make([]rehearse.Exchange, n)
	for i := range sent {
		transcript[i] = rehearse.Exchange{Customer: sent[i], Agent: replies[i].Text}
	}
	var s *activities.Simulator
	var res activities.SimulateCustomerResult
	err := workflow.ExecuteActivity(modelOptions(ctx), s.SimulateCustomer, activities.SimulateCustomerInput{
		Persona: sim.Persona, Goal: sim.Goal, Transcript: transcript,
	}).Get(ctx, &res)
	if err != nil {
		return CustomerMessage{}, false, fmt.Errorf("simulated customer: %w", err)
	}
	if res.Done {
		return CustomerMessage{}, false, nil
	}
	return scriptedMessage(n, res.Message, sim.ContactEmail), true, nil
}

// judgeCriterion asks the model for its verdict on a simulated case's
// criterion; a model that gives none is reported as such.
func judgeCriterion(ctx workflow.Context, criterion, rowID string) *models.CriterionVerdict {
	var s *activities.Simulator
	var res activities.JudgeCriterionResult
	out := &models.CriterionVerdict{Criterion: criterion}
	err := workflow.ExecuteActivity(modelOptions(ctx), s.JudgeCriterion, activities.JudgeCriterionInput{
		Criterion: criterion, ConversationRowID: rowID,
	}).Get(ctx, &res)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Met, out.Reason = res.Met, res.Reason
	return out
}
