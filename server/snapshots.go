package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// A content snapshot keeps the knowledge base as it is now, so that a
// rehearsal can answer from it after the content changed: an admin takes
// one before editing articles, then rehearses scenarios and past
// conversations on the snapshot and on the current content, and sees what
// the edit changed.

// maxSnapshots bounds a workspace's snapshots: each is a full copy of its
// chunks.
const maxSnapshots = 20

// snapshotJSON is a content snapshot.
type snapshotJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Chunks    int       `json:"chunks"`
	Sources   int       `json:"sources"`
	CreatedAt time.Time `json:"created_at"`
}

func snapshotOut(r models.ContentSnapshot) snapshotJSON {
	return snapshotJSON{ID: r.ID, Name: r.Name, Chunks: r.Chunks, Sources: r.Sources, CreatedAt: r.CreatedAt}
}

// createSnapshot copies the workspace's content as it is now → 201 with the
// snapshot. The body, optional, is {"name": "…"}.
func (s *Server) createSnapshot(c *gin.Context) {
	ws := principal(c).WorkspaceID
	var req struct {
		Name string `json:"name"`
	}
	if c.Request.ContentLength != 0 {
		if err := s.readJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	req.Name = strings.TrimSpace(req.Name)
	if utf8.RuneCountInString(req.Name) > 200 {
		s.fail(c, apperr.Invalid("name", "longer than 200 characters"))
		return
	}
	ctx := c.Request.Context()
	var n int64
	if err := s.DB.WithContext(ctx).Model(&models.ContentSnapshot{}).Where("workspace_id = ?", ws).Count(&n).Error; err != nil {
		s.fail(c, err)
		return
	}
	if n >= maxSnapshots {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "this workspace keeps at most %d content snapshots: delete one first", maxSnapshots))
		return
	}
	before, err := s.contentState(ctx, ws)
	if err != nil {
		s.fail(c, err)
		return
	}
	if syncing := before.syncing(); syncing != "" {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "source %s is syncing: take the snapshot once it is done", syncing))
		return
	}
	row := models.ContentSnapshot{ID: uuid.NewString(), WorkspaceID: ws, Name: req.Name, CreatedAt: time.Now().UTC()}
	counts, err := s.Knowledge.Snapshot(ctx, ws, row.ID)
	if err != nil {
		s.fail(c, apperr.Errorf(apperr.EUNAVAILABLE, "the content could not be copied: %v", err))
		return
	}
	row.Chunks, row.Sources = counts.Chunks, counts.Sources
	// A sync that ran during the copy may have left it with some of the
	// old chunks and some of the new: such a copy is not kept.
	after, err := s.contentState(ctx, ws)
	if err == nil && !slices.Equal(before, after) {
		err = apperr.Errorf(apperr.ECONFLICT, "the content changed while the snapshot was taken: try again")
	}
	if err == nil {
		err = s.DB.WithContext(ctx).Create(&row).Error
	}
	if err != nil {
		if delErr := s.Knowledge.DeleteSnapshot(context.WithoutCancel(ctx), row.ID); delErr != nil {
			err = fmt.Errorf("%w (and its copy was not deleted: %v)", err, delErr)
		}
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, snapshotOut(row))
}

// sourceState is what a snapshot checks did not change while it copied: a
// source's sync status and when it last synced.
type sourceState struct {
	ID, Status string
	// Synced is when it last synced, in Unix nanoseconds (0: never).
	Synced int64
}

type contentState []sourceState

// syncing is the ID of a source being synced, "" when none is.
func (cs contentState) syncing() string {
	for _, s := range cs {
		if s.Status == models.SourceSyncing {
			return s.ID
		}
	}
	return ""
}

func (s *Server) contentState(ctx context.Context, ws string) (contentState, error) {
	var rows []models.ContentSource
	if err := s.DB.WithContext(ctx).Select("id", "status", "last_synced_at").Where("workspace_id = ?", ws).
		Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(contentState, len(rows))
	for i, r := range rows {
		out[i] = sourceState{ID: r.ID, Status: r.Status}
		if r.LastSyncedAt != nil {
			out[i].Synced = r.LastSyncedAt.UnixNano()
		}
	}
	return out, nil
}

// listSnapshots lists the workspace's content snapshots, newest first.
func (s *Server) listSnapshots(c *gin.Context) {
	var rows []models.ContentSnapshot
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Order("created_at DESC").Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := make([]snapshotJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, snapshotOut(r))
	}
	c.JSON(http.StatusOK, gin.H{"snapshots": out})
}

// snapshot is the workspace's snapshot id; field names the request's
// field that gave it, for the error when there is none.
func (s *Server) snapshot(ctx context.Context, ws, id, field string) (models.ContentSnapshot, error) {
	var row models.ContentSnapshot
	err := s.DB.WithContext(ctx).Where("workspace_id = ? AND id = ?", ws, id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if field != "" {
			return row, apperr.Invalid(field, fmt.Sprintf(`no content snapshot %q (use "current" or the id of one of GET /v1/content/snapshots)`, id))
		}
		return row, apperr.Errorf(apperr.ENOTFOUND, "no content snapshot %q", id)
	}
	return row, err
}

func (s *Server) getSnapshot(c *gin.Context) {
	row, err := s.snapshot(c.Request.Context(), principal(c).WorkspaceID, c.Param("snapshotID"), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, snapshotOut(row))
}

// deleteSnapshot deletes a snapshot and its copy of the content → 204. A
// running rehearsal that searches it keeps it until the rehearsal ends.
func (s *Server) deleteSnapshot(c *gin.Context) {
	ctx := c.Request.Context()
	ws := principal(c).WorkspaceID
	row, err := s.snapshot(ctx, ws, c.Param("snapshotID"), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	var running []models.Rehearsal
	if err := s.DB.WithContext(ctx).Select("id", "config").Where("workspace_id = ? AND status = ?", ws, models.RehearsalRunning).
		Find(&running).Error; err != nil {
		s.fail(c, err)
		return
	}
	for _, r := range running {
		if r.Config.V.Snapshot == row.ID {
			s.fail(c, apperr.Errorf(apperr.ECONFLICT, "rehearsal %s is running on this snapshot: delete it once the rehearsal ends", r.ID))
			return
		}
	}
	// The copy goes first: a row without its copy would answer nothing.
	if err := s.Knowledge.DeleteSnapshot(ctx, row.ID); err != nil {
		s.fail(c, apperr.Errorf(apperr.EUNAVAILABLE, "the snapshot's content could not be deleted: %v", err))
		return
	}
	if err := s.DB.WithContext(ctx).Delete(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
