package embedding_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/embedding"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
)

// dims is the size of the fake model's vectors.
const dims = 64

// synonyms map words to a shared concept, so the fake model finds what BM25
// cannot: a question that shares no word with the passage.
var synonyms = map[string]string{
	"parcel": "package", "package": "package", "shipment": "package", "delivery": "package",
	"money": "refund", "refund": "refund", "reimburse": "refund", "back": "refund",
}

// fakeEmbed is a deterministic bag-of-concepts embedding.
func fakeEmbed(text string) []float64 {
	v := make([]float64, dims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if c, ok := synonyms[w]; ok {
			w = c
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%dims]++
	}
	return v
}

// embeddingsServer speaks OpenAI's POST /embeddings; status, when set, is
// returned instead.
func embeddingsServer(t *testing.T, status *atomic.Int32, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		require.Equal(t, "/v1/embeddings", r.URL.Path)
		require.Equal(t, "Bearer sk-test", r.Header.Get("Authorization"))
		if s := status.Load(); s != 0 {
			w.WriteHeader(int(s))
			fmt.Fprint(w, `{"error":{"message":"overloaded","type":"server_error"}}`)
			return
		}
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		require.Equal(t, "test-embedder", req.Model)
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		}
		resp := struct {
			Object string `json:"object"`
			Data   []item `json:"data"`
			Model  string `json:"model"`
			Usage  any    `json:"usage"`
		}{Object: "list", Model: req.Model, Usage: map[string]int{"prompt_tokens": 1, "total_tokens": 1}}
		// Out of order on purpose: clients must use the index.
		for i := len(req.Input) - 1; i >= 0; i-- {
			resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: fakeEmbed(req.Input[i])})
		}
		w.Header().Set("Content-Type", "application/json")
		require.NoError(t, json.NewEncoder(w).Encode(resp))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenAIEmbedder(t *testing.T) {
	t.Parallel()
	var status, calls atomic.Int32
	srv := embeddingsServer(t, &status, &calls)
	e := embedding.NewOpenAI(srv.URL+"/v1", "sk-test", "test-embedder", 5*time.Second)
	texts := make([]string, 300)
	for i := range texts {
		texts[i] = fmt.Sprintf("text %d parcel", i)
	}
	vectors, err := e.Embed(context.Background(), texts)
	require.NoError(t, err)
	require.Len(t, vectors, 300)
	require.EqualValues(t, 2, calls.Load(), "batches of 256")
	require.InDelta(t, fakeEmbed(texts[299])[0], vectors[299][0], 1e-9)

	status.Store(http.StatusServiceUnavailable)
	_, err = e.Embed(context.Background(), []string{"x"})
	require.ErrorContains(t, err, "503")
	require.EqualValues(t, 3, calls.Load(), "no retries of its own: the activity retries")
}

func TestHybridSearchFindsWhatBM25Misses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var status, calls atomic.Int32
	srv := embeddingsServer(t, &status, &calls)
	plain, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, plain.EnsureSchema(ctx))
	hybrid, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	hybrid.WithEmbedder(embedding.NewOpenAI(srv.URL+"/v1", "sk-test", "test-embedder", 5*time.Second), 0.75)

	ws := uuid.NewString()
	chunks := knowledge.SplitMarkdown("src", "Help", "", "## Tracking\nYour package leaves the warehouse within a day.\n\n## Returns\nReturns are accepted for 30 days.")
	require.NoError(t, hybrid.ReplaceSource(ctx, ws, "src", chunks))

	// "shipment" is nowhere in the text, nor one of the support words BM25
	// searches for (understand.Synonyms): BM25 finds nothing, the vectors do.
	hits, err := plain.Search(ctx, ws, "where is my shipment", 5)
	require.NoError(t, err)
	require.Empty(t, hits)
	hits, err = hybrid.Search(ctx, ws, "where is my shipment", 5)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	require.Equal(t, "Tracking", hits[0].Heading)

	// The embedder failing is an error the activity retries, not an empty answer.
	status.Store(http.StatusInternalServerError)
	_, err = hybrid.Search(ctx, ws, "where is my shipment", 5)
	require.ErrorContains(t, err, "embed query")
}
