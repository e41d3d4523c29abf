package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/activities"
)

// SourceSyncWorkflowID is the workflow ID of a source's syncs and the ID of
// the Temporal Schedule that starts them (a scheduled run's workflow ID is
// this ID followed by the time it was started).
func SourceSyncWorkflowID(workspaceID, sourceID string) string {
	return "source-sync:" + workspaceID + ":" + sourceID
}

// SourceSyncScheduleID is the ID of the Temporal Schedule that syncs a
// source: at its re-sync interval, and at once when triggered.
func SourceSyncScheduleID(workspaceID, sourceID string) string {
	return SourceSyncWorkflowID(workspaceID, sourceID)
}

// SyncSourceInput names the source to sync.
type SyncSourceInput struct {
	WorkspaceID string
	SourceID    string
}

// SyncSourceResult is how the sync ended: ready with the counts indexed, or
// failed with the reason (the chunks of the last good sync stay searchable).
type SyncSourceResult struct {
	Status    string
	Reason    string `json:",omitempty"`
	Documents int
	Chunks    int
	Bytes     int
}

// Source sync statuses (the source's status column).
const (
	SourceSyncing = "syncing"
	SourceReady   = "ready"
	SourceFailed  = "failed"
)

// SyncSourceWorkflow syncs one content source: record "syncing", fetch its
// documents, extract their text into chunks, index the chunks in Weaviate,
// and record "ready" with the counts. Each step is an activity, so the
// history shows what happened; documents and chunks travel through staging
// tables, not through the history. When a step fails for good the source is
// recorded "failed" with the reason and Weaviate is not touched: the chunks
// of the last good sync stay searchable. A failed sync completes the
// workflow normally; its result says it failed.
func SyncSourceWorkflow(ctx workflow.Context, in SyncSourceInput) (SyncSourceResult, error) {
	var s *activities.Sources
	syncID := workflow.GetInfo(ctx).WorkflowExecution.RunID
	record := func(status, reason string, chunks, bytes int) error {
		// Small database writes: retried for a while, never given up on
		// quickly, since a status left at "syncing" would mislead.
		rctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 30 * time.Second,
			RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 20},
		})
		return workflow.ExecuteActivity(rctx, s.RecordSourceStatus, activities.RecordSourceStatusInput{
			WorkspaceID: in.WorkspaceID, SourceID: in.SourceID, SyncID: syncID,
			Status: status, Reason: reason, Chunks: chunks, Bytes: bytes,
		}).Get(ctx, nil)
	}
	fail := func(step string, err error) (SyncSourceResult, error) {
		res := SyncSourceResult{Status: SourceFailed, Reason: step + ": " + failureReason(err)}
		if recErr := record(SourceFailed, res.Reason, 0, 0); recErr != nil {
			return res, recErr
		}
		return res, nil
	}
	if err := record(SourceSyncing, "", 0, 0); err != nil {
		return SyncSourceResult{}, err
	}

	// Fetching talks to other people's servers: a few attempts, then the
	// source is marked failed. A crawl heartbeats once per page.
	fctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumAttempts: 3,
			NonRetryableErrorTypes: []string{activities.ErrSourceNotFound},
		},
	})
	var fetched activities.FetchSourceResult
	err := workflow.ExecuteActivity(fctx, s.FetchSource, activities.FetchSourceInput{
		WorkspaceID: in.WorkspaceID, SourceID: in.SourceID, SyncID: syncID,
	}).Get(ctx, &fetched)
	if err != nil {
		return fail("fetch", err)
	}

	// Extraction is deterministic: retrying helps only with the database.
	ectx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 2 * time.Second, MaximumAttempts: 3},
	})
	var extracted activities.ExtractSourceResult
	err = workflow.ExecuteActivity(ectx, s.ExtractSource, activities.ExtractSourceInput{
		WorkspaceID: in.WorkspaceID, SourceID: in.SourceID, SyncID: syncID,
	}).Get(ctx, &extracted)
	if err != nil {
		return fail("extract", err)
	}

	// Weaviate may be restarting: retry longer. Writing the same chunks
	// again is idempotent.
	ictx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 8,
		},
	})
	var indexed activities.IndexSourceResult
	err = workflow.ExecuteActivity(ictx, s.IndexSource, activities.IndexSourceInput{
		WorkspaceID: in.WorkspaceID, SourceID: in.SourceID, SyncID: syncID,
	}).Get(ctx, &indexed)
	if err != nil {
		return fail("index", err)
	}

	if err := record(SourceReady, "", indexed.Chunks, fetched.Bytes); err != nil {
		return SyncSourceResult{}, err
	}
	return SyncSourceResult{Status: SourceReady, Documents: fetched.Documents, Chunks: indexed.Chunks, Bytes: fetched.Bytes}, nil
}

// failureReason is the message of an activity's failure, without Temporal's
// wrapping.
func failureReason(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		return "timed out (" + timeout.TimeoutType().String() + ")"
	}
	var canceled *temporal.CanceledError
	if errors.As(err, &canceled) {
		return "canceled"
	}
	return err.Error()
}
