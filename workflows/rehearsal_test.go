package workflows_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

// rehearsal runs RehearsalWorkflow over n cases whose conversations each
// take a minute, counting how many run at once, and returns the status it
// finished with.
func rehearsal(t *testing.T, n, concurrency int, cancelAfter time.Duration) (status string, judged, peak int) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var a *activities.Activities
	env.RegisterActivity(a)
	var mu sync.Mutex
	running := 0
	env.RegisterWorkflow(workflows.ConversationWorkflow)
	env.OnWorkflow(workflows.ConversationWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.ConversationInput) (workflows.ConversationResult, error) {
			require.True(t, in.Test, "a case is a test conversation")
			require.Equal(t, &workflows.Pins{RuleVersions: workflows.RuleVersions{Handoff: 7}, Rehearsal: "r1"}, in.Pins)
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			err := workflow.Sleep(ctx, time.Minute)
			mu.Lock()
			running--
			mu.Unlock()
			return workflows.ConversationResult{Status: workflows.StatusResolved}, err
		})
	env.OnActivity(a.JudgeCase, mock.Anything, mock.Anything).Return(func(context.Context, activities.JudgeCaseInput) error {
		judged++
		return nil
	})
	env.OnActivity(a.FinishRehearsal, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.FinishRehearsalInput) error {
		status = in.Status
		return nil
	})
	if cancelAfter > 0 {
		env.RegisterDelayedCallback(env.CancelWorkflow, cancelAfter)
	}
	cases := make([]activities.RehearsalCase, n)
	for i := range cases {
		cases[i] = activities.RehearsalCase{Kind: activities.CaseScenario, Messages: []string{"hi"}, ChannelID: "sandbox", ChannelType: "chat"}
	}
	env.ExecuteWorkflow(workflows.RehearsalWorkflow, workflows.RehearsalInput{WorkspaceID: "ws-1", RehearsalID: "r1",
		Pins: workflows.Pins{RuleVersions: workflows.RuleVersions{Handoff: 7}, Rehearsal: "r1"}, Cases: cases, Concurrency: concurrency})
	require.True(t, env.IsWorkflowCompleted())
	return status, judged, peak
}

func TestRehearsalRunsEveryCaseWithBoundedConcurrency(t *testing.T) {
	t.Parallel()
	status, judged, peak := rehearsal(t, 7, 3, 0)
	require.Equal(t, models.RehearsalDone, status)
	require.Equal(t, 7, judged)
	require.Equal(t, 3, peak)
}

func TestCancelledRehearsalStopsAndSaysSo(t *testing.T) {
	t.Parallel()
	status, judged, _ := rehearsal(t, 10, 2, 90*time.Second)
	require.Equal(t, models.RehearsalCancelled, status)
	require.Less(t, judged, 10, "the cases not run are not judged")
}

// A case to skip (a simulated customer without a language model) starts no
// conversation: it is judged at once, with its reason.
func TestSkippedCaseRunsNoConversation(t *testing.T) {
	t.Parallel()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var a *activities.Activities
	env.RegisterActivity(a)
	env.RegisterWorkflow(workflows.ConversationWorkflow)
	started := 0
	env.OnWorkflow(workflows.ConversationWorkflow, mock.Anything, mock.Anything).Return(
		func(workflow.Context, workflows.ConversationInput) (workflows.ConversationResult, error) {
			started++
			return workflows.ConversationResult{}, nil
		})
	var judged []activities.JudgeCaseInput
	env.OnActivity(a.JudgeCase, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.JudgeCaseInput) error {
		judged = append(judged, in)
		return nil
	})
	env.OnActivity(a.FinishRehearsal, mock.Anything, mock.Anything).Return(nil)
	env.ExecuteWorkflow(workflows.RehearsalWorkflow, workflows.RehearsalInput{WorkspaceID: "ws-1", RehearsalID: "r1",
		Cases: []activities.RehearsalCase{{Kind: activities.CaseScenario, Name: "simulated",
			Simulation: &models.Simulation{Persona: "p", Goal: "g"}, Skip: "no language model"}}})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Zero(t, started)
	require.Len(t, judged, 1)
	require.Equal(t, "no language model", judged[0].Case.Skip)
}
