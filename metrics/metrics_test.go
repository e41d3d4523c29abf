package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/metrics"
)

// scrape returns what /metrics serves.
func scrape(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(metrics.Handler())
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

func TestSwitchboardSeries(t *testing.T) {
	metrics.Turn("answer")
	metrics.Handoff("asked_for_human")
	metrics.ActionCall("order_status", "ok")
	metrics.ModelCall("gpt-test", metrics.OutcomeOK, 120, 30, 1500*time.Millisecond)
	metrics.Retrieval(nil, 40*time.Millisecond)
	metrics.RateLimited("key_messages")
	metrics.SourceSync("ready")
	metrics.HTTPRequest("GET", "/v1/conversations/:conversationID", 200, 3*time.Millisecond)

	body := scrape(t)
	for _, want := range []string{
		`switchboard_turns_total{outcome="answer"}`,
		`switchboard_handoffs_total{reason="asked_for_human"}`,
		`switchboard_action_calls_total{action="order_status",result="ok"}`,
		`switchboard_model_calls_total{model="gpt-test",outcome="ok"}`,
		`switchboard_model_tokens_total{direction="in",model="gpt-test"} 120`,
		`switchboard_model_tokens_total{direction="out",model="gpt-test"} 30`,
		`switchboard_model_call_duration_seconds_bucket{model="gpt-test",le="2.5"}`,
		`switchboard_retrieval_duration_seconds_count{outcome="ok"}`,
		`switchboard_rate_limited_total{limit="key_messages"}`,
		`switchboard_source_syncs_total{result="ready"}`,
		`switchboard_http_requests_total{code="200",method="GET",route="/v1/conversations/:conversationID"}`,
		`go_goroutines`,
	} {
		require.Contains(t, body, want)
	}
}

func TestTemporalHandler(t *testing.T) {
	h := metrics.TemporalHandler().WithTags(map[string]string{"namespace": "ns-test"})
	h.WithTags(map[string]string{"operation": "StartWorkflowExecution"}).Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "StartWorkflowExecution"}).Counter("temporal_request").Inc(1)
	// The same metric with another tag set: the family takes the union.
	h.WithTags(map[string]string{"task_queue": "tq"}).Counter("temporal_request").Inc(5)
	h.Gauge("temporal_num_pollers").Update(4)
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_request_latency").Record(30 * time.Millisecond)
	h.Timer("temporal_request_latency").Record(3 * time.Second)

	body := scrape(t)
	require.Contains(t, body, `temporal_request_total{namespace="ns-test",operation="StartWorkflowExecution",task_queue=""} 3`)
	require.Contains(t, body, `temporal_request_total{namespace="ns-test",operation="",task_queue="tq"} 5`)
	require.Contains(t, body, `temporal_num_pollers{namespace="ns-test"} 3`)
	require.Contains(t, body, `temporal_request_latency_seconds_bucket{namespace="ns-test",le="0.05"} 1`)
	require.Contains(t, body, `temporal_request_latency_seconds_bucket{namespace="ns-test",le="5"} 2`)
	require.Contains(t, body, `temporal_request_latency_seconds_count{namespace="ns-test"} 2`)
	// Gathering checks every family's consistency.
	n, err := testutil.GatherAndCount(metrics.Registry, "temporal_request_total")
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.False(t, strings.Contains(body, "invalid"))
}

func TestOutcomeOf(t *testing.T) {
	t.Parallel()
	require.Equal(t, metrics.OutcomeOK, metrics.OutcomeOf(nil))
	require.Equal(t, metrics.OutcomeTimeout, metrics.OutcomeOf(fmt.Errorf("llm: %w", context.DeadlineExceeded)))
	require.Equal(t, metrics.OutcomeError, metrics.OutcomeOf(errors.New("429 too many requests")))
}
