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
// show -o json`): conversations, and content-source syncs
// (testdata/sync_source_*.json: one ready, one whose fetch failed after its
// retries, one whose extraction failed). The v2_ conversations were
// recorded with records written together and lasting timers: eight messages
// without pause then close; a run that continued as new with a record
// unwritten, and the next run, which writes it first and ends when the
// inactivity timer, fired once too early, fires again. The v3_ one was
// recorded by `switchboard bench` with Retrieve writing the extractive reply
// (no Generate local activity) and later turns' context leaving out the
// configuration the run holds: seven messages, then close. The v4_ one was
// recorded by `switchboard bench` with the main loop waiting for a signal
// or timer before it selects (visibleSignals): eight messages, then close.
// A change that makes ConversationWorkflow or SyncSourceWorkflow
// non-deterministic for executions already running fails here. When a change
// is meant to alter the command sequence, version it with workflow.GetVersion
// rather than re-recording these files.
func TestReplayCommittedHistories(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	syncs, err := filepath.Glob(filepath.Join("testdata", "sync_source_*.json"))
	require.NoError(t, err)
	require.Len(t, syncs, 3)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.ConversationWorkflow)
			r.RegisterWorkflow(workflows.SyncSourceWorkflow)
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)), file))
		})
	}
}
