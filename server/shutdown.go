package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// closing is closed by CloseStreams.
func (s *Server) closing() <-chan struct{} {
	s.makeClosed.Do(func() { s.closed = make(chan struct{}) })
	return s.closed
}

// CloseStreams ends the long-lived responses (reps' event streams) at once,
// so that a graceful shutdown does not wait for them: register it with
// http.Server.RegisterOnShutdown. A rep's client reconnects to another
// server with Last-Event-ID and misses nothing.
func (s *Server) CloseStreams() {
	s.closing()
	s.closeOnce.Do(func() { close(s.closed) })
}

// live answers the liveness probe: the process serves HTTP. It checks no
// dependency, so an orchestrator does not restart the server for a database
// or Temporal outage (the readiness probe, /readyz, reports those).
func (s *Server) live(c *gin.Context) {
	c.JSON(http.StatusOK, healthBody{Status: "ok", Checks: map[string]string{}})
}
