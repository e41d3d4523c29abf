package answer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
)

var passages = []answer.Passage{
	{SourceID: "returns", Title: "Returns and refunds", Heading: "Return window",
		Text: "You can return most items within 30 days of delivery. Gift cards cannot be returned.", Score: 3},
	{SourceID: "shipping", Title: "Shipping times and costs", Heading: "Shipping times",
		Text: "Orders leave the same day. Standard shipping takes 3–5 business days. Express shipping takes 1–2 business days.", Score: 2},
}

func TestExtractiveQuotesTheBestMatchingPassage(t *testing.T) {
	t.Parallel()
	ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{
		Question: "How long does shipping take?", Passages: passages,
	})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Equal(t, "shipping", ans.Citations[0].SourceID)
	require.Contains(t, ans.Text, "Standard shipping takes 3–5 business days.")
	// Every sentence of the answer is quoted from the passage.
	for _, s := range strings.SplitAfter(ans.Text, ". ") {
		require.Contains(t, passages[1].Text, strings.TrimSpace(s))
	}
}

func TestExtractiveSaysItDoesNotKnow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		question string
		passages []answer.Passage
	}{
		{"no passages", "How long does shipping take?", nil},
		{"unrelated passages", "Do you sell standing desks?", passages},
		{"only stop words", "how do you do?", passages},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ans, err := answer.Extractive{}.Generate(context.Background(), answer.Request{Question: tc.question, Passages: tc.passages})
			require.NoError(t, err)
			require.False(t, ans.Known)
			require.Equal(t, answer.DontKnow, ans.Text)
			require.Empty(t, ans.Citations)
		})
	}
}

// chatServer speaks the chat completions protocol, answering with reply or
// failing with status.
func chatServer(t *testing.T, handle func(w http.ResponseWriter, req map[string]any)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/v1/chat/completions", r.URL.Path)
		require.Equal(t, "Bearer test-key", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		var req map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		handle(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func completion(content string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content},
		}},
	}
}

func TestOpenAIAnswersWithCitations(t *testing.T) {
	t.Parallel()
	var system string
	srv := chatServer(t, func(w http.ResponseWriter, req map[string]any) {
		require.Equal(t, "test-model", req["model"])
		msgs := req["messages"].([]any)
		system = msgs[0].(map[string]any)["content"].(string)
		require.Equal(t, "How long does shipping take?", msgs[1].(map[string]any)["content"])
		_ = json.NewEncoder(w).Encode(completion("Standard shipping takes 3–5 business days [2]."))
	})
	gen := answer.NewOpenAI(srv.URL+"/v1", "test-key", "test-model", 5*time.Second)
	ans, err := gen.Generate(context.Background(), answer.Request{
		Question: "How long does shipping take?", Passages: passages,
		AgentName: "Sprocket", Tone: "friendly", Guidelines: "Never promise dates.",
	})
	require.NoError(t, err)
	require.True(t, ans.Known)
	require.Equal(t, "Standard shipping takes 3–5 business days.", ans.Text)
	require.Equal(t, []answer.Citation{{SourceID: "shipping", Title: "Shipping times and costs"}}, ans.Citations)
	require.Contains(t, system, "Sprocket")
	require.Contains(t, system, "Never promise dates.")
	require.Contains(t, system, "[2] Shipping times and costs")
}

func TestOpenAINoAnswer(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		_ = json.NewEncoder(w).Encode(completion("NO_ANSWER"))
	})
	ans, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 5*time.Second).
		Generate(context.Background(), answer.Request{Question: "Standing desks?", Passages: passages})
	require.NoError(t, err)
	require.False(t, ans.Known)
	require.Equal(t, answer.DontKnow, ans.Text)
}

func TestOpenAIErrorsAreReturnedNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError} {
		var calls atomic.Int32
		srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
			calls.Add(1)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":{"message":"busy","type":"server_error"}}`))
		})
		_, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 5*time.Second).
			Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
		require.Error(t, err)
		require.EqualValues(t, 1, calls.Load(), "the Temporal activity retries, not the client")
	}
}

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		time.Sleep(2 * time.Second)
		_ = json.NewEncoder(w).Encode(completion("late"))
	})
	_, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "m", 200*time.Millisecond).
		Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
	require.Error(t, err)
}
