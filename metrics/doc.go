// Package metrics holds Switchboard's Prometheus registry: the product's own
// series (turns, hand-offs, actions, model calls, retrieval, rate limits,
// source syncs, HTTP requests), the Go runtime's, and the Temporal SDK's
// through TemporalHandler. Handler serves them at /metrics.
//
// Recording is a function call with plain values (ModelCall, ActionCall, …),
// so the packages that record need no Prometheus types. It must not decide
// anything, and it never fails: a metric cannot fail a request or a turn.
package metrics
