package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/models"
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

// RehearsalInput is a rehearsal: the cases to run, the rule set versions
// to run them under, and how many at once.
type RehearsalInput struct {
	WorkspaceID string
	RehearsalID string
	Pins        RuleVersions
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
			script := make([]CustomerMessage, 0, len(cs.Messages))
			for j, text := range cs.Messages {
				m := CustomerMessage{ID: fmt.Sprintf("m%d", j+1), Text: text, ContactEmail: cs.ContactEmail}
				if cs.ContactEmail != "" {
					m.Verified = &Identity{Email: cs.ContactEmail, Method: IdentityRehearsal}
				}
				script = append(script, m)
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
				Test: true, Pins: &pins, Script: script,
			}).Get(ctx, &res)
			if ctx.Err() != nil {
				return
			}
			verdict := activities.JudgeCaseInput{WorkspaceID: in.WorkspaceID, RehearsalID: in.RehearsalID, Index: i, Case: cs,
				ConversationRowID: models.ConversationRowID(ConversationWorkflowID(in.WorkspaceID, convID))}
			if err != nil {
				verdict.Error = err.Error()
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
