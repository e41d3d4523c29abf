package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/worker"
)

// A worker that stops writes the citation counts its records left pending
// before Stop returns: here the count waits on a lock the test holds on the
// source's row, and Stop waits for it.
func TestStopWritesPendingCitationCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Open(t, testenv.PostgresURL(t))
	require.NoError(t, db.Create(&models.ContentSource{ID: "src-a", WorkspaceID: "ws-1", Kind: "kb_article", Title: "A", Status: "ready"}).Error)
	c, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(t)})
	require.NoError(t, err)
	t.Cleanup(c.Close)

	acts := &activities.Activities{DB: db}
	w := worker.New(c, fmt.Sprintf("test-%s-%d", t.Name(), time.Now().UnixNano()), acts)
	require.NoError(t, w.Start())

	held := db.Begin()
	t.Cleanup(func() { held.Rollback() })
	require.NoError(t, held.Exec("SELECT id FROM content_sources WHERE id = ? FOR UPDATE", "src-a").Error)

	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	_, err = acts.RecordTurn(ctx, activities.RecordTurnInput{
		WorkspaceID: "ws-1", ConversationID: "c-1", WorkflowID: "conversation:ws-1:c-1", StartedAt: at,
		Conversation: activities.ConversationSnapshot{Status: "ai_active"},
		Messages: []activities.TranscriptMessage{
			{ClientID: "m1", Role: "customer", Text: "question", At: at},
			{ClientID: "m1", Role: "agent", Text: "answer", At: at, Citations: []answer.Citation{{SourceID: "src-a"}}},
		},
	})
	require.NoError(t, err, "the record does not wait for its count")

	stopped := make(chan struct{})
	go func() {
		w.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
		t.Fatal("Stop returned with a citation count still waiting to be written")
	case <-time.After(500 * time.Millisecond):
	}
	require.NoError(t, held.Rollback().Error)
	select {
	case <-stopped:
	case <-time.After(15 * time.Second):
		t.Fatal("Stop did not return once the count could be written")
	}
	var src models.ContentSource
	require.NoError(t, db.First(&src, "id = ?", "src-a").Error)
	require.Equal(t, 1, src.CitedCount)
}
