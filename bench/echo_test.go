package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/workflows"
)

// TestEchoWorkflowContinuesAsNewLikeAConversation: the bare Update's
// workflow answers as many updates in a run as a conversation takes turns,
// then continues as new; a close ends it.
func TestEchoWorkflowContinuesAsNewLikeAConversation(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, updates int, close bool) (answered int, err error) {
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		for i := range updates {
			env.RegisterDelayedCallback(func() {
				msg := workflows.CustomerMessage{ID: fmt.Sprintf("e%d", i), Text: "hello"}
				env.UpdateWorkflow(benchEchoUpdate, msg.ID, &testsuite.TestUpdateCallback{
					OnAccept: func() {},
					OnReject: func(err error) { t.Errorf("update %d rejected: %v", i, err) },
					OnComplete: func(out any, err error) {
						require.NoError(t, err)
						require.Equal(t, msg, out)
						answered++
					},
				}, msg)
			}, time.Duration(i+1)*time.Second)
		}
		if close {
			env.RegisterDelayedCallback(func() {
				env.SignalWorkflow(workflows.SignalClose, workflows.Close{})
			}, time.Duration(updates+1)*time.Second)
		}
		env.ExecuteWorkflow(benchEchoWorkflow)
		require.True(t, env.IsWorkflowCompleted())
		return answered, env.GetWorkflowError()
	}

	answered, err := run(t, workflows.DefaultMaxTurnsPerRun, false)
	require.Equal(t, workflows.DefaultMaxTurnsPerRun, answered)
	var next *workflow.ContinueAsNewError
	require.ErrorAs(t, err, &next)
	require.Equal(t, benchEchoWorkflowName, next.WorkflowType.Name)

	answered, err = run(t, 3, true)
	require.Equal(t, 3, answered)
	require.NoError(t, err, "closed before its turns per run: it ends")
}
