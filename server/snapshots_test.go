package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
)

// A rehearsal on a content snapshot answers from the content as it was when
// the snapshot was taken: the scenario an article's edit breaks passes on
// the snapshot and fails on the current content. A snapshot is refused
// while a source syncs, and a deleted one is gone from Weaviate too.
func TestRehearsalOnAContentSnapshot(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	r := rehearsalBundle{app: b.app, t: t}
	ctx := context.Background()

	start := time.Now()
	id := b.create(map[string]any{"kind": "kb_article", "title": "Gift wrapping",
		"body": "## Gift wrapping\nWe gift wrap any order for free, with a zebracorn ribbon."})
	require.Equal(t, "ready", b.wait(id, start)["status"])

	// Refused while a source syncs, with nothing written.
	require.NoError(t, b.app.DB.Model(&models.ContentSource{}).Where("id = ?", id).Update("status", models.SourceSyncing).Error)
	refused := r.post("/v1/content/snapshots", map[string]any{"name": "too early"})
	require.Equal(t, http.StatusConflict, refused.Status, refused.Raw)
	require.Contains(t, refused.Raw, "syncing")
	require.NoError(t, b.app.DB.Model(&models.ContentSource{}).Where("id = ?", id).Update("status", models.SourceReady).Error)
	var rows int64
	require.NoError(t, b.app.DB.Model(&models.ContentSnapshot{}).Count(&rows).Error)
	require.Zero(t, rows)

	long := r.post("/v1/content/snapshots", map[string]any{"name": strings.Repeat("x", 201)})
	require.Equal(t, http.StatusBadRequest, long.Status, long.Raw)
	_, msg := errorOf(long)
	require.True(t, strings.HasPrefix(msg, "name:"), msg)

	taken := r.post("/v1/content/snapshots", map[string]any{"name": "Before the wrapping fee"})
	require.Equal(t, http.StatusCreated, taken.Status, taken.Raw)
	snap := taken.Body["id"].(string)
	var sources, chunks int64
	require.NoError(t, b.app.DB.Model(&models.ContentSource{}).Where("workspace_id = ?", b.app.Demo.WorkspaceID).Count(&sources).Error)
	require.NoError(t, b.app.DB.Model(&models.ContentSource{}).Where("workspace_id = ?", b.app.Demo.WorkspaceID).
		Select("COALESCE(SUM(chunks), 0)").Scan(&chunks).Error)
	require.EqualValues(t, sources, taken.Body["sources"], "every source is in the snapshot: %s", taken.Raw)
	require.EqualValues(t, chunks, taken.Body["chunks"], "every chunk is in the snapshot: %s", taken.Raw)

	// The article changes after the snapshot.
	edited := time.Now()
	put := b.req("PUT", "/v1/sources/"+id, b.app.Keys.Admin, map[string]any{"title": "Gift wrapping",
		"body": "## Gift wrapping\nGift wrapping costs 4 euros an order, with a unicornfish ribbon."})
	require.Equal(t, http.StatusOK, put.Status, put.Raw)
	require.Equal(t, "ready", b.wait(id, edited)["status"])

	s := r.post("/v1/scenarios", map[string]any{"name": "Wrapping is free", "turns": []any{
		map[string]any{"message": "Do you gift wrap orders?", "expect": map[string]any{"contains": []any{"free"}, "cites": "Gift wrapping"}}}})
	require.Equal(t, http.StatusCreated, s.Status, s.Raw)

	now := r.run(map[string]any{"scenarios": true})
	require.Equal(t, []string{"Wrapping is free"}, failedScenarios(now), "the current content has a fee: %v", now)
	require.Equal(t, "current", now["configuration"].(map[string]any)["content"])

	then := r.run(map[string]any{"scenarios": true, "content": snap})
	require.Empty(t, failedScenarios(then), "the snapshot has the old article: %v", then)
	require.Equal(t, snap, then["configuration"].(map[string]any)["content"])
	// Its end sends the snapshot out of Weaviate's memory again (right
	// after the report is written).
	require.Eventually(t, func() bool {
		on, err := b.app.Knowledge.SnapshotActive(ctx, snap)
		return err == nil && !on
	}, 10*time.Second, 50*time.Millisecond, "the rehearsal's end parks the snapshot")

	list := do(t, "GET", b.app.URL+"/v1/content/snapshots", b.app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	require.Len(t, list.Body["snapshots"], 1)
	require.Equal(t, "Before the wrapping fee", list.Body["snapshots"].([]any)[0].(map[string]any)["name"])

	// Deleted: gone from the API, from rehearsals and from Weaviate.
	del := do(t, "DELETE", b.app.URL+"/v1/content/snapshots/"+snap, b.app.Keys.Admin, nil)
	require.Equal(t, http.StatusNoContent, del.Status, del.Raw)
	got := do(t, "GET", b.app.URL+"/v1/content/snapshots/"+snap, b.app.Keys.Auditor, nil)
	require.Equal(t, http.StatusNotFound, got.Status, got.Raw)
	gone := r.post("/v1/rehearsals", map[string]any{"scenarios": true, "content": snap})
	require.Equal(t, http.StatusBadRequest, gone.Status, gone.Raw)
	_, msg = errorOf(gone)
	require.True(t, strings.HasPrefix(msg, "content:"), msg)
	hits, err := b.app.Knowledge.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: b.app.Demo.WorkspaceID, Query: "gift wrap", Snapshot: snap})
	require.NoError(t, err)
	require.Empty(t, hits)
}
