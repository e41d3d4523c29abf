package workflows_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/workflows"
)

// syncFake stands in for the sync activities: it keeps the source's status
// and "indexed" chunks as the real ones would, and fails the step it is
// told to.
type syncFake struct {
	mu       sync.Mutex
	steps    []string
	statuses []activities.RecordSourceStatusInput
	// indexed is what Weaviate holds: the last good sync's chunks.
	indexed  int
	fetchErr error
	extract  func() (activities.ExtractSourceResult, error)
	syncIDs  map[string]bool
}

func (f *syncFake) step(name, syncID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps = append(f.steps, name)
	f.syncIDs[syncID] = true
}

func syncEnv(t *testing.T, f *syncFake) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.SourceSyncWorkflowID("ws-1", "src-1")})
	var s *activities.Sources
	env.RegisterActivity(s)
	f.syncIDs = map[string]bool{}
	env.OnActivity(s.RecordSourceStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordSourceStatusInput) (activities.RecordSourceStatusResult, error) {
			f.step("RecordSourceStatus:"+in.Status, in.SyncID)
			f.mu.Lock()
			f.statuses = append(f.statuses, in)
			f.mu.Unlock()
			return activities.RecordSourceStatusResult{}, nil
		})
	env.OnActivity(s.FetchSource, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.FetchSourceInput) (activities.FetchSourceResult, error) {
			f.step("FetchSource", in.SyncID)
			if f.fetchErr != nil {
				return activities.FetchSourceResult{}, f.fetchErr
			}
			return activities.FetchSourceResult{Documents: 1, Bytes: 1234}, nil
		})
	env.OnActivity(s.ExtractSource, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ExtractSourceInput) (activities.ExtractSourceResult, error) {
			f.step("ExtractSource", in.SyncID)
			if f.extract != nil {
				return f.extract()
			}
			return activities.ExtractSourceResult{Chunks: 7}, nil
		})
	env.OnActivity(s.IndexSource, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.IndexSourceInput) (activities.IndexSourceResult, error) {
			f.step("IndexSource", in.SyncID)
			f.mu.Lock()
			f.indexed = 7
			f.mu.Unlock()
			return activities.IndexSourceResult{Chunks: 7}, nil
		})
	return env
}

func TestSyncSourceWorkflowIndexesAndRecordsReady(t *testing.T) {
	t.Parallel()
	f := &syncFake{}
	env := syncEnv(t, f)
	env.ExecuteWorkflow(workflows.SyncSourceWorkflow, workflows.SyncSourceInput{WorkspaceID: "ws-1", SourceID: "src-1"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.SyncSourceResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.SyncSourceResult{Status: workflows.SourceReady, Documents: 1, Chunks: 7, Bytes: 1234}, res)
	require.Equal(t, []string{
		"RecordSourceStatus:syncing", "FetchSource", "ExtractSource", "IndexSource", "RecordSourceStatus:ready",
	}, f.steps, "each step is its own activity, in order")
	require.Len(t, f.syncIDs, 1, "every step works on the same sync's staged rows")
	last := f.statuses[len(f.statuses)-1]
	require.Equal(t, 7, last.Chunks)
	require.Equal(t, 1234, last.Bytes)
}

func TestSyncSourceWorkflowFailureKeepsTheOldChunks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fetchErr   error
		extractErr error
		wantSteps  []string
		wantReason string
	}{
		{
			name:       "page gone",
			fetchErr:   temporal.NewNonRetryableApplicationError("GET http://x/a: 404 Not Found", activities.ErrFetchFailed, nil),
			wantSteps:  []string{"RecordSourceStatus:syncing", "FetchSource", "RecordSourceStatus:failed"},
			wantReason: "fetch: GET http://x/a: 404 Not Found",
		},
		{
			name:     "timeouts until the attempts run out",
			fetchErr: temporal.NewApplicationError("GET http://x/a: timed out: context deadline exceeded", activities.ErrFetchFailed),
			wantSteps: []string{
				"RecordSourceStatus:syncing", "FetchSource", "FetchSource", "FetchSource", "RecordSourceStatus:failed",
			},
			wantReason: "fetch: GET http://x/a: timed out: context deadline exceeded",
		},
		{
			name:       "unparseable PDF",
			extractErr: temporal.NewNonRetryableApplicationError("the document is an unparseable PDF: malformed", activities.ErrExtractFailed, nil),
			wantSteps:  []string{"RecordSourceStatus:syncing", "FetchSource", "ExtractSource", "RecordSourceStatus:failed"},
			wantReason: "extract: the document is an unparseable PDF: malformed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &syncFake{indexed: 3, fetchErr: tt.fetchErr}
			if tt.extractErr != nil {
				f.extract = func() (activities.ExtractSourceResult, error) { return activities.ExtractSourceResult{}, tt.extractErr }
			}
			env := syncEnv(t, f)
			env.ExecuteWorkflow(workflows.SyncSourceWorkflow, workflows.SyncSourceInput{WorkspaceID: "ws-1", SourceID: "src-1"})
			require.True(t, env.IsWorkflowCompleted())
			require.NoError(t, env.GetWorkflowError(), "a failed sync is a result, not a failed workflow")
			var res workflows.SyncSourceResult
			require.NoError(t, env.GetWorkflowResult(&res))
			require.Equal(t, workflows.SourceFailed, res.Status)
			require.Equal(t, tt.wantReason, res.Reason)
			require.Equal(t, tt.wantSteps, f.steps)
			require.NotContains(t, f.steps, "IndexSource", "Weaviate is not touched")
			require.Equal(t, 3, f.indexed, "the last good sync's chunks stay")
			last := f.statuses[len(f.statuses)-1]
			require.Equal(t, tt.wantReason, last.Reason)
		})
	}
}
