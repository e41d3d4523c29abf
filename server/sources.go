package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sources"
)

// The content sources API: admins add, edit, sync and delete the knowledge
// the agent answers from; auditors read it. What a source may hold and how
// its schedule follows it is package sources' business.

// sourceService is the sources service over the server's dependencies.
func (s *Server) sourceService() *sources.Service {
	return &sources.Service{
		DB: s.DB, Temporal: s.Temporal, Knowledge: s.Knowledge,
		TaskQueue: s.TaskQueue, MaxFileBytes: s.uploadLimit(),
	}
}

// uploadLimit is the largest file upload or issue-type import.
func (s *Server) uploadLimit() int64 {
	if s.UploadMaxBytes > 0 {
		return s.UploadMaxBytes
	}
	return fetch.DefaultMaxBytes
}

type audienceJSON struct {
	Channels []string `json:"channels"`
	Tiers    []string `json:"tiers"`
}

// sourceRequest is the JSON body that creates or replaces a source. A file
// source is uploaded as multipart/form-data instead (see readSourceInput).
type sourceRequest struct {
	Kind           string        `json:"kind"`
	Title          string        `json:"title"`
	URL            string        `json:"url"`
	Body           string        `json:"body"`
	Format         string        `json:"format"`
	Question       string        `json:"question"`
	Answer         string        `json:"answer"`
	MaxPages       int           `json:"max_pages"`
	Audience       *audienceJSON `json:"audience"`
	ResyncInterval string        `json:"resync_interval"`
}

type progressJSON struct {
	ChunksDone  int `json:"chunks_done"`
	ChunksTotal int `json:"chunks_total"`
}

type sourceJSON struct {
	ID           string        `json:"id"`
	Kind         string        `json:"kind"`
	Title        string        `json:"title"`
	URL          string        `json:"url,omitempty"`
	Format       string        `json:"format,omitempty"`
	Body         string        `json:"body,omitempty"`
	Question     string        `json:"question,omitempty"`
	Answer       string        `json:"answer,omitempty"`
	FileName     string        `json:"file_name,omitempty"`
	MaxPages     int           `json:"max_pages,omitempty"`
	Status       string        `json:"status"`
	StatusReason string        `json:"status_reason,omitempty"`
	Chunks       int           `json:"chunks"`
	Bytes        int           `json:"bytes"`
	Progress     *progressJSON `json:"progress,omitempty"`
	LastSyncedAt *time.Time    `json:"last_synced_at"`
	Audience     audienceJSON  `json:"audience"`
	// ResyncInterval is a Go duration ("24h0m0s"); "" means never.
	ResyncInterval string    `json:"resync_interval"`
	CitedCount     int       `json:"cited_count"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// sourceOut is a source as the API shows it; withBody adds an article's
// body (left out of listings).
func sourceOut(src models.ContentSource, withBody bool) sourceJSON {
	out := sourceJSON{
		ID: src.ID, Kind: src.Kind, Title: sources.Title(src), URL: src.URL, Format: src.Format,
		FileName: src.FileName, MaxPages: src.MaxPages, Status: src.Status, StatusReason: src.StatusReason,
		Chunks: src.Chunks, Bytes: src.Bytes, LastSyncedAt: src.LastSyncedAt,
		Audience:   audienceJSON{Channels: orEmpty(src.AudienceChannels.V), Tiers: orEmpty(src.AudienceTiers.V)},
		CitedCount: src.CitedCount, CreatedAt: src.CreatedAt, UpdatedAt: src.UpdatedAt,
	}
	switch src.Kind {
	case models.SourceShortAnswer:
		out.Title, out.Question, out.Answer = src.Title, src.Title, src.Body
	case models.SourceKBArticle:
		if out.Format == "" {
			out.Format = models.FormatMarkdown
		}
		if withBody {
			out.Body = src.Body
		}
	}
	if src.ResyncSeconds > 0 {
		out.ResyncInterval = (time.Duration(src.ResyncSeconds) * time.Second).String()
	}
	if src.Status == models.SourceSyncing && src.ChunksTotal > 0 {
		out.Progress = &progressJSON{ChunksDone: src.ChunksDone, ChunksTotal: src.ChunksTotal}
	}
	return out
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// readSourceInput reads a source from a JSON body or, for file uploads, a
// multipart/form-data body with the fields kind ("file"), title, file,
// audience_channels and audience_tiers (each repeated, or comma-separated).
func (s *Server) readSourceInput(c *gin.Context) (sources.Input, error) {
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType == "multipart/form-data" {
		return s.readSourceForm(c)
	}
	var req sourceRequest
	if err := s.readJSON(c, &req); err != nil {
		return sources.Input{}, err
	}
	if req.Kind == models.SourceFile {
		return sources.Input{}, apperr.Invalid("kind", "a file source is uploaded as multipart/form-data with a \"file\" field")
	}
	in := sources.Input{
		Kind: req.Kind, Title: req.Title, URL: req.URL, Body: req.Body, Format: req.Format,
		Question: req.Question, Answer: req.Answer, MaxPages: req.MaxPages,
	}
	if req.Audience != nil {
		in.Channels, in.Tiers = req.Audience.Channels, req.Audience.Tiers
	}
	var err error
	in.ResyncInterval, err = parseInterval(req.ResyncInterval)
	return in, err
}

func parseInterval(v string) (time.Duration, error) {
	if v == "" || v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, apperr.Invalid("resync_interval", fmt.Sprintf("%q is not a duration like \"24h\" or \"30m\"", v))
	}
	return d, nil
}

func (s *Server) readSourceForm(c *gin.Context) (sources.Input, error) {
	// Room for the file and the form's other fields.
	limit := s.uploadLimit() + 64<<10
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	if err := c.Request.ParseMultipartForm(32 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return sources.Input{}, apperr.Errorf(apperr.ETOOLARGE, "file: larger than %d bytes", s.uploadLimit())
		}
		return sources.Input{}, apperr.Invalid("body", "is not a valid multipart/form-data body")
	}
	form := c.Request.MultipartForm
	allowed := map[string]bool{"kind": true, "title": true, "audience_channels": true, "audience_tiers": true}
	for name := range form.Value {
		if !allowed[name] {
			return sources.Input{}, apperr.Invalid(name, "unknown field (a multipart upload takes kind, title, file, audience_channels and audience_tiers)")
		}
	}
	in := sources.Input{Kind: c.Request.FormValue("kind"), Title: c.Request.FormValue("title")}
	if in.Kind == "" {
		in.Kind = models.SourceFile
	}
	if in.Kind != models.SourceFile {
		return in, apperr.Invalid("kind", "only a file source is uploaded as multipart/form-data; send other kinds as JSON")
	}
	list := func(name string) []string {
		var out []string
		for _, v := range form.Value[name] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
		}
		return out
	}
	in.Channels, in.Tiers = list("audience_channels"), list("audience_tiers")
	files := form.File["file"]
	switch {
	case len(files) > 1:
		return in, apperr.Invalid("file", "send one file per source")
	case len(files) == 1:
		f, err := files[0].Open()
		if err != nil {
			return in, apperr.Invalid("file", "could not be read")
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return in, apperr.Invalid("file", "could not be read")
		}
		in.File = &sources.File{Name: filepath.Base(files[0].Filename), Data: data}
	}
	return in, nil
}

// sourceID returns the :sourceID path parameter.
func sourceID(c *gin.Context) (string, error) {
	id := c.Param("sourceID")
	return id, validID("sourceID", id)
}

// listSources lists a page of the workspace's sources (?kind=, ?status=,
// ?limit=, ?page_token=), oldest first.
func (s *Server) listSources(c *gin.Context) {
	p := principal(c)
	q := sources.ListQuery{Kind: c.Query("kind"), Status: c.Query("status"), PageToken: c.Query("page_token")}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > sources.MaxListLimit {
			s.fail(c, apperr.Invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", sources.MaxListLimit)))
			return
		}
		q.Limit = n
	}
	page, err := s.sourceService().List(c.Request.Context(), p.WorkspaceID, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]sourceJSON, 0, len(page.Sources))
	for _, src := range page.Sources {
		out = append(out, sourceOut(src, false))
	}
	c.JSON(http.StatusOK, gin.H{"sources": out, "next_page_token": page.NextPageToken})
}

// getSource returns one source, with an article's body.
func (s *Server) getSource(c *gin.Context) {
	p := principal(c)
	id, err := sourceID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	src, err := s.sourceService().Get(c.Request.Context(), p.WorkspaceID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sourceOut(src, true))
}

// createSource adds a source and starts its first sync → 201.
func (s *Server) createSource(c *gin.Context) {
	p := principal(c)
	in, err := s.readSourceInput(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	src, err := s.sourceService().Create(c.Request.Context(), p.WorkspaceID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/v1/sources/"+src.ID)
	c.JSON(http.StatusCreated, sourceOut(src, true))
}

// updateSource replaces a source's fields (not its kind) and syncs it again.
func (s *Server) updateSource(c *gin.Context) {
	p := principal(c)
	id, err := sourceID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	in, err := s.readSourceInput(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	src, err := s.sourceService().Update(c.Request.Context(), p.WorkspaceID, id, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sourceOut(src, true))
}

// syncSource syncs a source now → 202; GET the source to follow it.
func (s *Server) syncSource(c *gin.Context) {
	p := principal(c)
	id, err := sourceID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	src, err := s.sourceService().Sync(c.Request.Context(), p.WorkspaceID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, sourceOut(src, false))
}

// deleteSource deletes a source, its chunks and its schedule → 204.
func (s *Server) deleteSource(c *gin.Context) {
	p := principal(c)
	id, err := sourceID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.sourceService().Delete(c.Request.Context(), p.WorkspaceID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
