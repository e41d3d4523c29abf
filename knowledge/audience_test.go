package knowledge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
)

func newStore(t *testing.T) *knowledge.Store {
	t.Helper()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(context.Background()))
	return store
}

func TestSearchFiltersByAudience(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)
	ws := uuid.NewString()
	index := func(id string, a knowledge.Audience) {
		chunks := knowledge.SplitMarkdown(id, id, "", "Warranty claims are answered within two days.")
		for i := range chunks {
			chunks[i].Audience = a
		}
		require.NoError(t, store.ReplaceSource(ctx, ws, id, chunks))
	}
	index("everyone", knowledge.Audience{})
	index("chat-only", knowledge.Audience{Channels: []string{"Chat"}})
	index("enterprise", knowledge.Audience{Tiers: []string{"enterprise", "wholesale"}})
	index("enterprise-email", knowledge.Audience{Channels: []string{"email"}, Tiers: []string{"enterprise"}})
	// A chunk written before audiences existed has none of their
	// properties: everyone sees it.
	legacy, err := json.Marshal(map[string]any{"class": knowledge.ClassName, "tenant": ws, "properties": map[string]any{
		"sourceId": "legacy", "title": "legacy", "text": "Warranty claims are answered within two days.", "chunkIndex": 0,
	}})
	require.NoError(t, err)
	resp, err := http.Post(testenv.WeaviateURL(t)+"/v1/objects", "application/json", bytes.NewReader(legacy))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	tests := []struct {
		name   string
		reader *knowledge.Reader
		want   []string
	}{
		{"no filter", nil, []string{"chat-only", "enterprise", "enterprise-email", "everyone", "legacy"}},
		{"unknown reader sees only unrestricted", &knowledge.Reader{}, []string{"everyone", "legacy"}},
		{"chat, standard", &knowledge.Reader{Channel: "chat", Tier: "standard"}, []string{"chat-only", "everyone", "legacy"}},
		{"email, enterprise", &knowledge.Reader{Channel: "email", Tier: "enterprise"}, []string{"enterprise", "enterprise-email", "everyone", "legacy"}},
		{"chat, wholesale (case-insensitive)", &knowledge.Reader{Channel: "CHAT", Tier: "Wholesale"}, []string{"chat-only", "enterprise", "everyone", "legacy"}},
		{"whatsapp, no tier", &knowledge.Reader{Channel: "whatsapp"}, []string{"everyone", "legacy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hits, err := store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "warranty claims", Limit: 10, Reader: tt.reader})
			require.NoError(t, err)
			var got []string
			for _, h := range hits {
				got = append(got, h.SourceID)
			}
			sort.Strings(got)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestIndexSourceReportsProgressAndReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)
	ws := uuid.NewString()
	body := ""
	for i := 0; i < 250; i++ {
		body += fmt.Sprintf("## Part %d\nSection %d of the handbook covers topic%d.\n\n", i, i, i)
	}
	chunks := knowledge.SplitMarkdown("big", "Handbook", "", body)
	require.Len(t, chunks, 250)
	var progress []int
	require.NoError(t, store.IndexSource(ctx, ws, "big", chunks, func(done int) error {
		progress = append(progress, done)
		return nil
	}))
	require.Equal(t, []int{100, 200, 250}, progress)
	hits, err := store.Search(ctx, ws, "topic249", 5)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	require.Equal(t, "Part 249", hits[0].Heading)

	// A smaller version: the 150 chunks that disappeared are deleted.
	require.NoError(t, store.IndexSource(ctx, ws, "big", chunks[:100], nil))
	hits, err = store.Search(ctx, ws, "topic249", 5)
	require.NoError(t, err)
	require.Empty(t, hits)
	hits, err = store.Search(ctx, ws, "topic99", 5)
	require.NoError(t, err)
	require.Len(t, hits, 1)

	require.NoError(t, store.DeleteSource(ctx, ws, "big"))
	hits, err = store.Search(ctx, ws, "handbook", 5)
	require.NoError(t, err)
	require.Empty(t, hits)
}

func TestSearchForAReaderFindsWhatTheFilteredSearchFinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)
	ws := uuid.NewString()
	sources := []struct {
		id       string
		body     string
		audience knowledge.Audience
	}{
		{"shipping", "## Shipping\nStandard shipping takes three to five days. Express shipping takes one day.\n\n## Abroad\nWe ship to Canada and Mexico; customs fees are paid on delivery.", knowledge.Audience{}},
		{"returns", "## Returns\nReturn any item within 30 days for a refund. Start a return from your order page.", knowledge.Audience{}},
		{"warranty", "## Warranty\nWarranty claims are answered within two days. Keep your receipt.", knowledge.Audience{}},
		{"warranty-vip", "## Warranty for partners\nPartner warranty claims are answered the same day by your account manager.", knowledge.Audience{Tiers: []string{"enterprise"}}},
		{"email-returns", "## Returns by email\nReply to your order email to start a return; we send a label.", knowledge.Audience{Channels: []string{"email"}}},
		{"notebooks", "## Notebooks\nNotebooks come in A5 and A4, dotted or lined, with 120 pages.", knowledge.Audience{}},
	}
	for _, s := range sources {
		chunks := knowledge.SplitMarkdown(s.id, s.id, "", s.body)
		for i := range chunks {
			chunks[i].Audience = s.audience
		}
		require.NoError(t, store.ReplaceSource(ctx, ws, s.id, chunks))
	}
	readers := []knowledge.Reader{{}, {Channel: "chat", Tier: "standard"}, {Channel: "email", Tier: "enterprise"}, {Channel: "whatsapp"}}
	queries := []string{"How long does shipping take?", "How do I start a return?", "warranty claims", "Do notebooks come in A4?",
		"customs fees Canada", "refund within 30 days by email"}
	for _, q := range queries {
		for _, r := range readers {
			req := knowledge.SearchRequest{WorkspaceID: ws, Query: q, Limit: 2, Reader: &r}
			got, err := store.SearchWith(ctx, req)
			require.NoError(t, err)
			want, err := store.SearchFiltered(ctx, req)
			require.NoError(t, err)
			require.NotEmpty(t, want, "%q for %+v", q, r)
			require.Equal(t, want, got, "%q for %+v", q, r)

			// The reader found out while the search runs: the same hits.
			later := knowledge.SearchRequest{WorkspaceID: ws, Query: q, Limit: 2, ReaderFrom: func() (knowledge.Reader, error) {
				time.Sleep(5 * time.Millisecond)
				return r, nil
			}}
			got, err = store.SearchWith(ctx, later)
			require.NoError(t, err)
			require.Equal(t, want, got, "%q for %+v found out during the search", q, r)
		}
	}
	// A reader who cannot be found out fails the search.
	failed := errors.New("contact tier: database down")
	_, err := store.SearchWith(ctx, knowledge.SearchRequest{WorkspaceID: ws, Query: "warranty claims", Limit: 2,
		ReaderFrom: func() (knowledge.Reader, error) { return knowledge.Reader{}, failed }})
	require.ErrorIs(t, err, failed)
}
