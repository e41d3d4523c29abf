package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/workflows"
)

// A workflow that, like a conversation reaching its turns per run, continues
// as new in the task that answers an update, while a timer of its fires
// during that task: the server refuses the task (UnhandledCommand) and drops
// the update unrun.
const (
	droppingWorkflow = "test_dropping_update"
	droppingUpdate   = "add_one"
	// droppingTimer fires while the update's task is still running: the
	// update's handler waits droppingWork in a local activity for as long
	// as the timer has not fired.
	droppingTimer = time.Second
	droppingWork  = 3 * time.Second
)

// slowWork is the update's local activity.
func slowWork(context.Context) error {
	time.Sleep(droppingWork)
	return nil
}

func droppingUpdateWorkflow(ctx workflow.Context, run int) (int, error) {
	if run > 0 {
		return run, nil
	}
	fired, answered := false, false
	err := workflow.SetUpdateHandler(ctx, droppingUpdate, func(ctx workflow.Context, n int) (int, error) {
		if !fired {
			ctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute})
			if err := workflow.ExecuteLocalActivity(ctx, slowWork).Get(ctx, nil); err != nil {
				return 0, err
			}
		}
		answered = true
		return n + 1, nil
	})
	if err != nil {
		return 0, err
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		_ = workflow.NewTimer(ctx, droppingTimer).Get(ctx, nil)
		fired = true
	})
	if err := workflow.Await(ctx, func() bool { return answered && workflow.AllHandlersFinished(ctx) }); err != nil {
		return 0, err
	}
	return 0, workflow.NewContinueAsNewError(ctx, droppingWorkflow, run+1)
}

// TestAwaitUpdateSendsAgainAnUpdateTheServerDropped: on the real Temporal
// server, an update answered in a task that also continues as new, while a
// timer fires, is dropped with WorkflowNotReady; AwaitUpdate sends it again,
// as Update-With-Start (what the API sends), and gets its reply.
func TestAwaitUpdateSendsAgainAnUpdateTheServerDropped(t *testing.T) {
	t.Parallel()
	c, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(t), Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	queue := fmt.Sprintf("test-dropped-update-%d", time.Now().UnixNano())
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(droppingUpdateWorkflow, workflow.RegisterOptions{Name: droppingWorkflow})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	ctx := context.Background()

	// start starts a dropping workflow and waits until its timer runs, so
	// that the update comes to a workflow task of its own.
	start := func(t *testing.T, id string) {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, droppingWorkflow, 0)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			d, err := c.DescribeWorkflowExecution(ctx, id, "")
			return err == nil && d.GetWorkflowExecutionInfo().GetHistoryLength() >= 5 // …, task completed, timer started
		}, 10*time.Second, 5*time.Millisecond)
	}
	update := func(id string, n int) client.UpdateWorkflowOptions {
		return client.UpdateWorkflowOptions{WorkflowID: id, UpdateID: fmt.Sprintf("u%d", n), UpdateName: droppingUpdate,
			Args: []any{n}, WaitForStage: client.WorkflowUpdateStageCompleted}
	}

	t.Run("sent once, it is dropped", func(t *testing.T) {
		id := "dropped-once-" + queue
		start(t, id)
		h, err := c.UpdateWorkflow(ctx, update(id, 1))
		if err == nil {
			var out int
			err = h.Get(ctx, &out)
		}
		var notReady *serviceerror.WorkflowNotReady
		require.True(t, errors.As(err, &notReady), "%v", err)
	})

	t.Run("AwaitUpdate sends it again", func(t *testing.T) {
		id := "dropped-again-" + queue
		start(t, id)
		sent := 0
		var out int
		err := workflows.AwaitUpdate(ctx, func(ctx context.Context) (client.WorkflowUpdateHandle, error) {
			sent++
			op := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: id, TaskQueue: queue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, droppingWorkflow, 0)
			return c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op, UpdateOptions: update("", 41)})
		}, &out)
		require.NoError(t, err)
		require.Equal(t, 42, out)
		require.Equal(t, 2, sent, "dropped once, answered the second time")
		// The run continued as new once it had answered.
		var result int
		require.NoError(t, c.GetWorkflow(ctx, id, "").Get(ctx, &result))
		require.Equal(t, 1, result)
	})
}
