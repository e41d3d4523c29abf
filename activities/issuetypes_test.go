package activities_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
)

// TestClassifyIssueAsksTheLanguageModel runs the conversation's
// classification with a language model behind an in-process server that
// speaks the OpenAI chat completions protocol.
func TestClassifyIssueAsksTheLanguageModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := knowledge.NewStore(testenv.Weaviate(t))
	require.NoError(t, err)
	require.NoError(t, store.EnsureSchema(ctx))
	db := testenv.Open(t, testenv.PostgresURL(t))
	ws := uuid.NewString()
	_, err = (&issuetypes.Service{DB: db, Knowledge: store}).Import(ctx, ws, []issuetypes.Row{
		{Text: "where is my parcel", IssueType: "shipping"},
		{Text: "my parcel is late", IssueType: "shipping"},
		{Text: "I want my money back", IssueType: "refund"},
		{Text: "refund my order", IssueType: "refund"},
	})
	require.NoError(t, err)

	answer := "refund"
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/v1/chat/completions", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": answer},
			}},
		})
	}))
	t.Cleanup(llm.Close)
	refiner := issuetypes.NewOpenAIRefiner(llm.URL+"/v1", "test-key", "test-model", 5*time.Second)
	in := activities.ClassifyIssueInput{WorkspaceID: ws, Text: "my parcel is late"}

	offline, err := (&activities.Activities{DB: db, Knowledge: store}).ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, activities.ClassifyIssueResult{
		IssueType: "shipping", Confidence: offline.Confidence, BestGuess: "shipping",
	}, offline)

	acts := &activities.Activities{DB: db, Knowledge: store, IssueRefiner: refiner}
	got, err := acts.ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, "refund", got.IssueType)
	require.True(t, got.Refined)
	require.Equal(t, "shipping", got.BestGuess)

	answer = "no idea"
	got, err = acts.ClassifyIssue(ctx, in)
	require.NoError(t, err)
	require.Equal(t, offline, got, "an answer naming no candidate: the offline decision stands")
}
