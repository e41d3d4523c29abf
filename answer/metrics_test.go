package answer_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/metrics"
)

func scrapeMetrics(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(b)
}

func TestOpenAICallsAreMeasured(t *testing.T) {
	t.Parallel()
	srv := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		c := completion("Standard shipping takes 3–5 business days [2].")
		c["usage"] = map[string]any{"prompt_tokens": 812, "completion_tokens": 27, "total_tokens": 839}
		_ = json.NewEncoder(w).Encode(c)
	})
	_, err := answer.NewOpenAI(srv.URL+"/v1", "test-key", "metrics-model", 5*time.Second).
		Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
	require.NoError(t, err)

	slow := chatServer(t, func(w http.ResponseWriter, _ map[string]any) {
		time.Sleep(time.Second)
		_ = json.NewEncoder(w).Encode(completion("late"))
	})
	_, err = answer.NewOpenAI(slow.URL+"/v1", "test-key", "metrics-model", 100*time.Millisecond).
		Generate(context.Background(), answer.Request{Question: "q", Passages: passages})
	require.Error(t, err)

	m := scrapeMetrics(t)
	require.Contains(t, m, `switchboard_model_calls_total{model="metrics-model",outcome="ok"} 1`)
	require.Contains(t, m, `switchboard_model_calls_total{model="metrics-model",outcome="timeout"} 1`)
	require.Contains(t, m, `switchboard_model_tokens_total{direction="in",model="metrics-model"} 812`)
	require.Contains(t, m, `switchboard_model_tokens_total{direction="out",model="metrics-model"} 27`)
	require.Contains(t, m, `switchboard_model_call_duration_seconds_count{model="metrics-model"} 2`)
}
