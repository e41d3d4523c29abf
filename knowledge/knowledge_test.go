package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
)

func TestSplitMarkdownFollowsHeadings(t *testing.T) {
	t.Parallel()
	body := "Lead paragraph.\n\n## First\nOne.\nStill one.\n\nTwo.\n\n### Second\nThree."
	chunks := knowledge.SplitMarkdown("s1", "T", "u", body)
	require.Len(t, chunks, 3)
	require.Equal(t, "", chunks[0].Heading)
	require.Equal(t, "Lead paragraph.", chunks[0].Text)
	require.Equal(t, "First", chunks[1].Heading)
	require.Equal(t, "One. Still one.\n\nTwo.", chunks[1].Text)
	require.Equal(t, "Second", chunks[2].Heading)
	for i, c := range chunks {
		require.Equal(t, i, c.Index)
		require.Equal(t, "s1", c.SourceID)
	}
}

func TestSplitMarkdownSplitsLongSectionsWithOverlap(t *testing.T) {
	t.Parallel()
	var paras []string
	for i := 0; i < 10; i++ {
		paras = append(paras, strings.Repeat(string(rune('a'+i)), 300))
	}
	chunks := knowledge.SplitMarkdown("s", "T", "", "## Big\n"+strings.Join(paras, "\n\n"))
	require.Greater(t, len(chunks), 2)
	for i := 1; i < len(chunks); i++ {
		prev := strings.Split(chunks[i-1].Text, "\n\n")
		require.True(t, strings.HasPrefix(chunks[i].Text, prev[len(prev)-1]), "chunk %d starts with the last paragraph of the one before", i)
		require.LessOrEqual(t, len(chunks[i].Text), 1200+2*300)
	}
}

func TestChunkIDIsStableAndContentBased(t *testing.T) {
	t.Parallel()
	c := knowledge.Chunk{SourceID: "s", Heading: "h", Text: "t", Index: 0}
	require.Equal(t, knowledge.ChunkID(c), knowledge.ChunkID(c))
	d := c
	d.Text = "changed"
	require.NotEqual(t, knowledge.ChunkID(c), knowledge.ChunkID(d))
}

func TestStoreIndexesSearchesAndReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.Ready(ctx))
	require.NoError(t, store.EnsureSchema(ctx))
	require.NoError(t, store.EnsureSchema(ctx), "idempotent")
	ws, other := uuid.NewString(), uuid.NewString()

	v1 := knowledge.SplitMarkdown("src-1", "Shipping", "https://x/shipping",
		"## Times\nStandard shipping takes five days.\n\n## Costs\nShipping costs seven dollars.")
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", v1))
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", v1), "re-indexing is idempotent")
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-2", knowledge.SplitMarkdown("src-2", "Returns", "", "Returns within thirty days.")))

	hits, err := store.Search(ctx, ws, "how much does shipping cost?", 10)
	require.NoError(t, err)
	require.Len(t, hits, 2, "both shipping chunks match, the returns chunk does not")
	require.Equal(t, "Costs", hits[0].Heading)
	require.Equal(t, "https://x/shipping", hits[0].URL)
	require.Greater(t, hits[0].Score, 0.0)

	// Another workspace (tenant) sees nothing of this one.
	hits, err = store.Search(ctx, other, "shipping", 10)
	require.NoError(t, err)
	require.Empty(t, hits)

	// A new version of the source replaces the old chunks: gone ones are deleted.
	v2 := knowledge.SplitMarkdown("src-1", "Shipping", "https://x/shipping", "## Times\nExpress shipping takes one day.")
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", v2))
	hits, err = store.Search(ctx, ws, "shipping", 10)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].Text, "Express")

	// Removing every chunk of a source.
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", nil))
	hits, err = store.Search(ctx, ws, "shipping", 10)
	require.NoError(t, err)
	require.Empty(t, hits)

	// Queries full of punctuation cannot break the GraphQL request.
	_, err = store.Search(ctx, ws, `returns") { } \" \\ ’quoted’ 🚚`, 5)
	require.NoError(t, err)
}

// A word the content never uses is searched by the content's words for the
// same thing; a word it uses is searched as it is.
func TestSearchFindsTheContentsWordForAQuestionsWord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, ws := indexedHelp(t,
		"## Refunds\nRefunds reach your card within five days.\n\n## Delivery\nDelivery takes three days.\n\n## Shipping costs\nShipping is seven dollars.")

	hits, err := store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "When will I see my money?", Limit: 5,
		Reader: &knowledge.Reader{Channel: "chat"}})
	require.NoError(t, err)
	require.NotEmpty(t, hits, "money is a refund")
	require.Equal(t, "Refunds", hits[0].Heading)

	hits, err = store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "Do you offer delivery?", Limit: 5,
		Reader: &knowledge.Reader{Channel: "chat"}})
	require.NoError(t, err)
	var headings []string
	for _, h := range hits {
		headings = append(headings, h.Heading)
	}
	require.Equal(t, []string{"Delivery"}, headings, "the content says delivery: shipping is not searched for")
}

// A question's word finds a chunk that writes it in another form, which the
// stemmed properties hold cut differently: "assemble" finds "assembled",
// "shipped" finds "ships"; and "open" finds the days a place is.
func TestSearchFindsWhatTheContentWritesOtherwise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, ws := indexedHelp(t, "## Delivery\nBikes arrive fully assembled.\n\n## Abroad\nThe warehouse ships to Canada.\n\n"+
		"## Payment\nWe accept cards.\n\n## Showroom\nVisit us Monday to Saturday.")
	for query, want := range map[string]string{
		"Do I need to assemble it?": "Delivery",
		"Has my parcel shipped?":    "Abroad",
		// Not another form, but the days a place is open.
		"When are you open?": "Showroom",
	} {
		hits, err := store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: query, Limit: 5,
			Reader: &knowledge.Reader{Channel: "chat"}})
		require.NoError(t, err)
		require.NotEmpty(t, hits, query)
		require.Equal(t, want, hits[0].Heading, query)
	}
}

// indexedHelp is a store with markdown indexed as one source of a new
// workspace, and that workspace.
func indexedHelp(t *testing.T, markdown string) (*knowledge.Store, string) {
	t.Helper()
	ctx := context.Background()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(ctx))
	ws := uuid.NewString()
	require.NoError(t, store.ReplaceSource(ctx, ws, "src-1", knowledge.SplitMarkdown("src-1", "Help", "", markdown)))
	return store, ws
}
