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
// against the real stack (testdata/*.json): conversations, one per behaviour
// the workflow has now, recorded by TestLiveHistoriesReplay with
// SWITCHBOARD_RECORD_HISTORIES=workflows/testdata (answers, a bare ok,
// "cheers mate", then feedback and close; a handoff, a rep who accepts, writes and hands back; an
// order's status, then a return of "it"; two unanswered questions and a
// handoff; a reopened conversation; a run that continues as new, in a task
// of its own, and the next, which ends on inactivity), histories of
// runs started before a change whose old path is still in the code
// (testdata/before_<change>_*.json: a run of an older
// ConversationInput.Revision, kept until that path is retired), and
// content-source syncs (testdata/sync_source_*.json: one ready, one whose
// fetch failed after its retries, one whose extraction failed). A change that
// makes ConversationWorkflow or SyncSourceWorkflow non-deterministic for
// executions already running fails here: version it with workflow.GetVersion
// and keep these files, then retire the branch as the README's "Workflow
// versions" says, re-recording what changed.
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
