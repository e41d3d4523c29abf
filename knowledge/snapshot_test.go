package knowledge_test

import (
	"context"
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
)

// wordVectors embeds a text as its hashed words: texts sharing words are
// near. It stands in for an embedding model, which does not run here.
type wordVectors struct{}

func (wordVectors) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, 32)
		for _, w := range strings.Fields(strings.ToLower(t)) {
			h := fnv.New32a()
			h.Write([]byte(strings.Trim(w, ".,?!")))
			v[h.Sum32()%32]++
		}
		var norm float64
		for _, x := range v {
			norm += float64(x * x)
		}
		for j := range v {
			v[j] /= float32(math.Sqrt(norm) + 1e-9)
		}
		out[i] = v
	}
	return out, nil
}

// A snapshot keeps the chunks as they were, vectors included: after the
// source changed, the snapshot is still found by words and by vectors
// alone, and the workspace's own tenant has only the new text.
func TestSnapshotKeepsChunksAndVectors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(alpha float64) *knowledge.Store {
		store, err := knowledge.NewStore(testenv.Weaviate(t))
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		return store.WithEmbedder(wordVectors{}, alpha)
	}
	store, vectorsOnly := open(knowledge.DefaultAlpha), open(1)
	require.NoError(t, store.Ready(ctx))
	require.NoError(t, store.EnsureSchema(ctx))
	ws, snap := uuid.NewString(), uuid.NewString()

	before := knowledge.SplitMarkdown("src-1", "Gift wrapping", "", "## Wrapping\nWe gift wrap every order for free.")
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", before))
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-2", knowledge.SplitMarkdown("src-2", "Returns", "", "Returns within thirty days.")))
	counts, err := store.Snapshot(ctx, ws, snap)
	require.NoError(t, err)
	require.Equal(t, knowledge.SnapshotCounts{Chunks: 2, Sources: 2}, counts)
	t.Cleanup(func() { _ = store.DeleteSnapshot(context.Background(), snap) })

	after := knowledge.SplitMarkdown("src-1", "Gift wrapping", "", "## Wrapping\nGift wrapping costs four euros.")
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", after))

	search := func(s *knowledge.Store, snapshot string) string {
		t.Helper()
		hits, err := s.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "do you gift wrap for free", Limit: 1, Snapshot: snapshot})
		require.NoError(t, err)
		require.Len(t, hits, 1)
		return hits[0].Text
	}
	// Taken, the snapshot waits out of Weaviate's memory; a search brings
	// it back, and parking it sends it out again.
	active := func() bool {
		t.Helper()
		on, err := store.SnapshotActive(ctx, snap)
		require.NoError(t, err)
		return on
	}
	require.False(t, active(), "a snapshot is parked once taken")
	require.Contains(t, search(store, ""), "four euros")
	require.Contains(t, search(store, snap), "for free")
	require.True(t, active(), "searching a parked snapshot activates it")
	require.NoError(t, store.ParkSnapshot(ctx, snap))
	require.False(t, active())
	require.Contains(t, search(vectorsOnly, snap), "for free", "the snapshot's chunks kept their vectors")
	require.NoError(t, store.ParkSnapshot(ctx, uuid.NewString()), "parking a snapshot that does not exist is no error")

	require.NoError(t, store.DeleteSnapshot(ctx, snap))
	require.NoError(t, store.DeleteSnapshot(ctx, snap), "deleting a deleted snapshot is no error")
	hits, err := store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "gift wrap", Snapshot: snap})
	require.NoError(t, err)
	require.Empty(t, hits)

	// A workspace with nothing indexed makes an empty snapshot.
	empty := uuid.NewString()
	counts, err = store.Snapshot(ctx, uuid.NewString(), empty)
	require.NoError(t, err)
	require.Zero(t, counts.Chunks)
	require.NoError(t, store.DeleteSnapshot(ctx, empty))
}

// A chunk collection created before snapshots were parked learns to
// activate a tenant when searched.
func TestEnsureSchemaActivatesTenantsWhenSearched(t *testing.T) {
	t.Parallel()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	require.NoError(t, store.Ready(context.Background()))
	on, err := store.AutoActivatesTenants(context.Background(), "UpgradeCheck"+strings.ReplaceAll(uuid.NewString(), "-", ""))
	require.NoError(t, err)
	require.True(t, on)
}

// TestEnsureSchemaDropsTheLegacyExamples: the collection issue-type
// examples were searched in before the search moved into the worker's
// memory holds nothing the database does not, so ensuring the schema
// deletes it.
func TestEnsureSchemaDropsTheLegacyExamples(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	require.NoError(t, store.Ready(ctx))
	require.NoError(t, store.CreateLegacyExamples(ctx))
	require.NoError(t, store.EnsureSchema(ctx))
	exists, err := store.LegacyExamplesExist(ctx)
	require.NoError(t, err)
	require.False(t, exists)
	require.NoError(t, store.EnsureSchema(ctx), "nothing to delete is no error")
}
