package workflows_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/switchboardhq/switchboard/workflows"
)

// TestReplayCommittedHistories replays histories recorded from real runs
// against the real stack (testdata/*.json, exported with `temporal workflow
// show -o json`). A change that makes ConversationWorkflow non-deterministic
// for conversations already running fails here. When a change is meant to
// alter the command sequence, version it with workflow.GetVersion rather than
// re-recording these files.
func TestReplayCommittedHistories(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.ConversationWorkflow)
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)), file))
		})
	}
}
