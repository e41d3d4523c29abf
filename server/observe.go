package server

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/metrics"
)

// RequestIDHeader carries a request's ID: a client's or a load balancer's
// when it sends a usable one, else a new UUID. The response always carries
// it, and the access log and error logs name it.
const RequestIDHeader = "X-Request-ID"

// requestIDKey is where observe keeps the request's ID in the gin context.
const requestIDKey = "request_id"

// quietRoutes are probes and scrapes, logged at debug level only: an
// orchestrator and Prometheus call them every few seconds, failing or not.
var quietRoutes = map[string]bool{"/livez": true, "/readyz": true, "/healthz": true, "/metrics": true}

// observe gives each request its ID, and after it, writes the access log
// line and the HTTP metrics. Routes are counted by pattern, never by path.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader(RequestIDHeader)
	if validID("request id", id) != nil {
		id = uuid.NewString()
	}
	c.Set(requestIDKey, id)
	c.Header(RequestIDHeader, id)
	c.Next()

	route := c.FullPath()
	if route == "" {
		route = "unmatched" // a 404 or 405: its path is the client's choice
	}
	status, elapsed := c.Writer.Status(), time.Since(start)
	metrics.HTTPRequest(c.Request.Method, route, status, elapsed)
	// Writes and failures at info (server errors at warn); successful
	// reads at debug, as the chat page reads its transcript every second.
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelWarn
	case quietRoutes[route]:
		level = slog.LevelDebug
	case status < 400 && (c.Request.Method == "GET" || c.Request.Method == "HEAD" || c.Request.Method == "OPTIONS"):
		level = slog.LevelDebug
	}
	if s.Log == nil {
		return // a Server built without a logger (tests) logs nothing
	}
	s.Log.LogAttrs(c.Request.Context(), level, "http request",
		slog.String("request_id", id),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.Duration("duration", elapsed),
		slog.String("client_ip", c.ClientIP()),
	)
}

// requestID is the ID observe gave the request ("" outside it).
func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// serveMetrics serves the process's Prometheus metrics.
func serveMetrics(c *gin.Context) {
	metrics.Handler().ServeHTTP(c.Writer, c.Request)
}
