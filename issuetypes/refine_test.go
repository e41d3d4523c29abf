package issuetypes_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/metrics"
)

// chatServer speaks the OpenAI chat completions protocol: handle answers
// each request (decoded) and the server counts them.
type chatServer struct {
	*httptest.Server
	calls atomic.Int32
}

func newChatServer(t *testing.T, handle func(w http.ResponseWriter, req map[string]any)) *chatServer {
	t.Helper()
	s := &chatServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
			http.Error(w, "wrong path or key", http.StatusNotFound)
			return
		}
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		handle(w, req)
	}))
	t.Cleanup(s.Close)
	return s
}

// answering is a handler that replies content.
func answering(content string) func(w http.ResponseWriter, req map[string]any) {
	return func(w http.ResponseWriter, _ map[string]any) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content},
			}},
		})
	}
}

func (s *chatServer) refiner(timeout time.Duration) *issuetypes.OpenAIRefiner {
	return issuetypes.NewOpenAIRefiner(s.URL+"/v1", "test-key", "test-model", timeout)
}

var refineRequest = issuetypes.RefineRequest{
	Text: "my parcel never came, I want my money back",
	Options: []issuetypes.Option{
		{Name: "shipping", Description: "Where an order is", Examples: []string{"where is my parcel", "my parcel is late"}},
		{Name: "refund", Examples: []string{"I want my money back"}},
	},
}

func TestOpenAIRefinerShowsTheCandidatesAndReadsTheChoice(t *testing.T) {
	t.Parallel()
	var system, user any
	srv := newChatServer(t, func(w http.ResponseWriter, req map[string]any) {
		msgs := req["messages"].([]any)
		system, user = msgs[0].(map[string]any)["content"], msgs[1].(map[string]any)["content"]
		require.Equal(t, "test-model", req["model"])
		answering(" Refund.\n")(w, req)
	})
	got, err := srv.refiner(5*time.Second).Refine(context.Background(), refineRequest)
	require.NoError(t, err)
	require.Equal(t, "refund", got)
	require.Equal(t, refineRequest.Text, user)
	require.Contains(t, system, `shipping (Where an order is); examples: "where is my parcel" "my parcel is late"`)
	require.Contains(t, system, `refund; examples: "I want my money back"`)
	require.Contains(t, system, "or with unknown if")
}

func TestOpenAIRefinerFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handle  func(w http.ResponseWriter, req map[string]any)
		timeout time.Duration
		want    string
	}{
		{name: "not a candidate", handle: answering("billing"), want: `llm answered "billing"`},
		{name: "server error", handle: func(w http.ResponseWriter, _ map[string]any) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":{"message":"busy","type":"server_error"}}`))
		}, want: "500"},
		{name: "no choices", handle: func(w http.ResponseWriter, _ map[string]any) {
			_, _ = w.Write([]byte(`{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[]}`))
		}, want: "no choices"},
		{name: "too slow", timeout: 100 * time.Millisecond, handle: func(w http.ResponseWriter, req map[string]any) {
			time.Sleep(500 * time.Millisecond)
			answering("refund")(w, req)
		}, want: "llm chat completion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newChatServer(t, tt.handle)
			_, err := srv.refiner(cmp.Or(tt.timeout, 5*time.Second)).Refine(context.Background(), refineRequest)
			require.ErrorContains(t, err, tt.want)
			require.EqualValues(t, 1, srv.calls.Load(), "no retries: the offline decision stands instead")
		})
	}
}

// TestRefinerCallsAreMeasured: the refiner's model calls are counted with
// the agent's (switchboard_model_calls_total).
func TestRefinerCallsAreMeasured(t *testing.T) {
	t.Parallel()
	s := newChatServer(t, answering("unknown"))
	r := issuetypes.NewOpenAIRefiner(s.URL+"/v1", "test-key", "refiner-metrics-model", 5*time.Second)
	_, err := r.Refine(context.Background(), issuetypes.RefineRequest{Text: "hello", Options: []issuetypes.Option{{Name: "billing"}}})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Contains(t, rec.Body.String(), `switchboard_model_calls_total{model="refiner-metrics-model",outcome="ok"} 1`)
}
