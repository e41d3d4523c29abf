package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every series this process exports: Switchboard's, the Go
// runtime's and the process's, and the Temporal SDK's (TemporalHandler).
var Registry = prometheus.NewRegistry()

// latencyBuckets suit calls from a few milliseconds (a search) to a minute
// (a slow model), in seconds.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

var (
	turns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_turns_total",
		Help: "Conversation turns recorded, by outcome (answer, clarify, unknown, handoff, action, reusable_response, small_talk, avoided_topic, dependency_failure, other).",
	}, []string{"outcome"})
	handoffs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_handoffs_total",
		Help: "Hand-offs to a person, by reason (the trigger: rule, asked_for_human, unanswered_twice, …).",
	}, []string{"reason"})
	actionCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_action_calls_total",
		Help: "Actions the agent called, by action and result.",
	}, []string{"action", "result"})
	modelCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_model_calls_total",
		Help: "Calls to the language model, by model and outcome (ok, error, timeout).",
	}, []string{"model", "outcome"})
	modelTokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_model_tokens_total",
		Help: "Tokens the language model read (direction=in) and wrote (direction=out), by model.",
	}, []string{"model", "direction"})
	modelLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_model_call_duration_seconds",
		Help:    "Duration of one call to the language model, by model.",
		Buckets: latencyBuckets,
	}, []string{"model"})
	retrievalLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_retrieval_duration_seconds",
		Help:    "Duration of one knowledge search (Weaviate, and the embedder when hybrid), by outcome (ok, error).",
		Buckets: latencyBuckets,
	}, []string{"outcome"})
	rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_rate_limited_total",
		Help: "Requests refused with 429, by the limit that refused them.",
	}, []string{"limit"})
	sourceSyncs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_source_syncs_total",
		Help: "Content-source syncs that ended, by result (ready, failed).",
	}, []string{"result"})
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_http_requests_total",
		Help: "HTTP requests served, by method, route pattern and status code.",
	}, []string{"method", "route", "code"})
	httpLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_http_request_duration_seconds",
		Help:    "Duration of HTTP requests, by method and route pattern (event streams included: they last minutes).",
		Buckets: latencyBuckets,
	}, []string{"method", "route"})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		turns, handoffs, actionCalls, modelCalls, modelTokens, modelLatency,
		retrievalLatency, rateLimited, sourceSyncs, httpRequests, httpLatency,
		temporalSeries,
	)
}

// Handler serves the registry in Prometheus' text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{ErrorLog: nil})
}

// Turn counts a conversation turn by its outcome.
func Turn(outcome string) { turns.WithLabelValues(outcome).Inc() }

// Handoff counts a hand-off by its reason (a trigger, never a rule ID:
// the label's values must stay few).
func Handoff(reason string) { handoffs.WithLabelValues(reason).Inc() }

// ActionCall counts an action the agent called, by its name (order_status,
// start_return, …) and result (e.g. ok, failed, refused, unverified).
func ActionCall(action, result string) { actionCalls.WithLabelValues(action, result).Inc() }

// Model call outcomes.
const (
	OutcomeOK      = "ok"
	OutcomeError   = "error"
	OutcomeTimeout = "timeout"
)

// OutcomeOf is the outcome of a call that returned err: OutcomeOK,
// OutcomeTimeout (a deadline passed) or OutcomeError.
func OutcomeOf(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimeout
	default:
		return OutcomeError
	}
}

// ModelCall records one call to the language model: its outcome (OutcomeOK,
// OutcomeError or OutcomeTimeout), the tokens it read and wrote, and how long
// it took.
func ModelCall(model, outcome string, tokensIn, tokensOut int64, d time.Duration) {
	modelCalls.WithLabelValues(model, outcome).Inc()
	if tokensIn > 0 {
		modelTokens.WithLabelValues(model, "in").Add(float64(tokensIn))
	}
	if tokensOut > 0 {
		modelTokens.WithLabelValues(model, "out").Add(float64(tokensOut))
	}
	modelLatency.WithLabelValues(model).Observe(d.Seconds())
}

// Retrieval records one knowledge search and how long it took.
func Retrieval(err error, d time.Duration) {
	outcome := OutcomeOK
	if err != nil {
		outcome = OutcomeError
	}
	retrievalLatency.WithLabelValues(outcome).Observe(d.Seconds())
}

// RateLimited counts a request an abuse limit refused, by the limit's name
// (key_messages, address_conversations, event_streams, …).
func RateLimited(limit string) { rateLimited.WithLabelValues(limit).Inc() }

// SourceSync counts a content-source sync that ended, by result (ready or
// failed).
func SourceSync(result string) { sourceSyncs.WithLabelValues(result).Inc() }

// HTTPRequest records one request served: route is the route's pattern
// (/v1/conversations/:conversationID), never the raw path, so that IDs do
// not become series.
func HTTPRequest(method, route string, code int, d time.Duration) {
	httpRequests.WithLabelValues(method, route, strconv.Itoa(code)).Inc()
	httpLatency.WithLabelValues(method, route).Observe(d.Seconds())
}
