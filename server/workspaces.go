package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/workspaces"
)

type keyRequest struct {
	Role string `json:"role"`
	Name string `json:"name"`
	Team string `json:"team"`
}

// createKey makes a staff key in the admin's workspace and shows its secret,
// this once.
func (s *Server) createKey(c *gin.Context) {
	var req keyRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	key, err := workspaces.CreateKey(c.Request.Context(), s.DB, workspaces.KeyInput{
		WorkspaceID: principal(c).WorkspaceID, Role: req.Role, Name: req.Name, Team: req.Team,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, key)
}

// listKeys lists the workspace's staff keys, without their secrets.
func (s *Server) listKeys(c *gin.Context) {
	keys, err := workspaces.ListKeys(c.Request.Context(), s.DB, principal(c).WorkspaceID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"keys": keys})
}

// revokeKey revokes a staff key at once: its next request gets 401 and its
// open event streams end (repEvents checks every keyRecheck).
func (s *Server) revokeKey(c *gin.Context) {
	id := c.Param("keyID")
	if err := validID("keyID", id); err != nil {
		s.fail(c, err)
		return
	}
	key, err := workspaces.RevokeKey(c.Request.Context(), s.DB, principal(c).WorkspaceID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, key)
}

// getWorkspace shows the workspace's name, time zone and default language.
func (s *Server) getWorkspace(c *gin.Context) {
	w, err := workspaces.Get(c.Request.Context(), s.DB, principal(c).WorkspaceID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// putWorkspace replaces the workspace's name, time zone and default language.
func (s *Server) putWorkspace(c *gin.Context) {
	var req workspaces.SettingsInput
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	w, err := workspaces.Update(c.Request.Context(), s.DB, principal(c).WorkspaceID, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

// keyRecheck is how often an open event stream checks that its key is still
// valid, so a revoked key's streams end within it.
const keyRecheck = time.Second

// streamKeyRevoked reports whether an event stream's key was revoked, or
// could not be checked: either way the stream ends (a client whose key is
// still valid reconnects with Last-Event-ID and misses nothing).
func (s *Server) streamKeyRevoked(c *gin.Context, keyID string) bool {
	active, err := workspaces.KeyActive(c.Request.Context(), s.DB, keyID)
	if err != nil && c.Request.Context().Err() == nil {
		s.Log.Warn("rep events: check key", "err", err)
	}
	return err != nil || !active
}
