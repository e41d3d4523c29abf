package activities

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/extract"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/metrics"
	"github.com/switchboardhq/switchboard/models"
)

// Sources holds the activities of SyncSourceWorkflow: fetch a source's
// documents, extract their text into chunks, index the chunks in Weaviate,
// and record the sync's status. Documents and chunks pass from step to step
// through staging tables keyed by the sync's run ID, never through workflow
// history. Register it once with the worker.
type Sources struct {
	DB        *gorm.DB
	Knowledge *knowledge.Store
	// Fetcher downloads url and site sources.
	Fetcher *fetch.Fetcher
}

// Application error types of the sync activities; they are not retried.
const (
	ErrSourceNotFound = "SourceNotFound"
	ErrFetchFailed    = "FetchFailed"
	ErrExtractFailed  = "ExtractFailed"
)

// Staged content types besides extract's.
const (
	// stagedHTMLFragment is an admin's HTML article body: all content, no
	// page chrome to strip.
	stagedHTMLFragment = "text/x-html-fragment"
)

// FetchSourceInput asks for the documents of one sync of a source.
type FetchSourceInput struct {
	WorkspaceID string
	SourceID    string
	// SyncID is the sync's workflow run ID: it keys the staged documents.
	SyncID string
}

// FetchSourceResult counts what was fetched.
type FetchSourceResult struct {
	Documents int
	Bytes     int
	// Skipped counts a crawl's linked pages that could not be fetched, and
	// SkipReason says why the first was skipped.
	Skipped    int
	SkipReason string `json:",omitempty"`
}

// FetchSource stages the source's documents: an article's body, a short
// answer, an uploaded file, a downloaded page or a crawl's pages. A failure
// that fetching again cannot fix (404, too large, robots.txt, a private
// address) is non-retryable; timeouts and server errors may be retried.
func (s *Sources) FetchSource(ctx context.Context, in FetchSourceInput) (FetchSourceResult, error) {
	src, err := s.source(ctx, in.WorkspaceID, in.SourceID)
	if err != nil {
		return FetchSourceResult{}, err
	}
	db := s.DB.WithContext(ctx)
	// A retried attempt starts over.
	if err := db.Where("sync_id = ?", in.SyncID).Delete(&models.SourceSyncDocument{}).Error; err != nil {
		return FetchSourceResult{}, fmt.Errorf("clear staged documents: %w", err)
	}
	var res FetchSourceResult
	stage := func(doc models.SourceSyncDocument) error {
		doc.SyncID, doc.SourceID, doc.Seq = in.SyncID, src.ID, res.Documents
		if err := db.Create(&doc).Error; err != nil {
			return fmt.Errorf("stage document: %w", err)
		}
		res.Documents++
		res.Bytes += len(doc.Body)
		activity.RecordHeartbeat(ctx, res.Documents)
		return nil
	}
	switch src.Kind {
	case models.SourceKBArticle:
		typ := extract.TypeMarkdown
		if src.Format == models.FormatHTML {
			typ = stagedHTMLFragment
		}
		err = stage(models.SourceSyncDocument{URL: src.URL, Title: src.Title, ContentType: typ, Body: []byte(src.Body)})
	case models.SourceShortAnswer:
		err = stage(models.SourceSyncDocument{URL: src.URL, Title: src.Title, ContentType: extract.TypeText, Body: []byte(src.Body)})
	case models.SourceFile:
		var file models.UploadedFile
		if err := db.Where("source_id = ?", src.ID).Take(&file).Error; err != nil {
			return FetchSourceResult{}, fmt.Errorf("load uploaded file: %w", err)
		}
		err = stage(models.SourceSyncDocument{Title: src.Title, ContentType: file.ContentType, Body: file.Data})
	case models.SourceURL:
		var page fetch.Page
		page, err = s.Fetcher.Get(ctx, src.URL)
		if err == nil {
			err = stage(models.SourceSyncDocument{URL: page.URL.String(), Title: src.Title, ContentType: page.ContentType, Body: page.Body})
		}
	case models.SourceSite:
		var crawl fetch.CrawlResult
		crawl, err = s.Fetcher.Crawl(ctx, src.URL, src.MaxPages, func(p fetch.Page) error {
			return stage(models.SourceSyncDocument{URL: p.URL.String(), ContentType: p.ContentType, Body: p.Body})
		})
		res.Skipped, res.SkipReason = crawl.Skipped, crawl.FirstSkip
	default:
		return FetchSourceResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown source kind %q", src.Kind), ErrFetchFailed, nil)
	}
	if err != nil {
		return FetchSourceResult{}, fetchError(err)
	}
	return res, nil
}

// fetchError marks failures a retry cannot fix as non-retryable.
func fetchError(err error) error {
	var robots *fetch.RobotsError
	if fetch.Permanent(err) || errors.As(err, &robots) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrFetchFailed, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// Keep the message readable in the source's status reason.
		return temporal.NewApplicationError(err.Error(), ErrFetchFailed)
	}
	return err
}

// ExtractSourceInput asks for the chunks of one sync's staged documents.
type ExtractSourceInput struct {
	WorkspaceID string
	SourceID    string
	SyncID      string
}

// ExtractSourceResult counts the chunks extracted.
type ExtractSourceResult struct {
	Chunks int
	// Skipped counts a crawl's pages without readable text.
	Skipped int
}

// ExtractSource turns the staged documents into chunks along their headings
// and stages them. A document that cannot be read (an unparseable PDF, no
// text at all) fails the sync, except a crawled page among others, which is
// skipped.
func (s *Sources) ExtractSource(ctx context.Context, in ExtractSourceInput) (ExtractSourceResult, error) {
	src, err := s.source(ctx, in.WorkspaceID, in.SourceID)
	if err != nil {
		return ExtractSourceResult{}, err
	}
	db := s.DB.WithContext(ctx)
	if err := db.Where("sync_id = ?", in.SyncID).Delete(&models.SourceSyncChunk{}).Error; err != nil {
		return ExtractSourceResult{}, fmt.Errorf("clear staged chunks: %w", err)
	}
	var ids []uint64
	if err := db.Model(&models.SourceSyncDocument{}).Where("sync_id = ?", in.SyncID).Order("seq").Pluck("id", &ids).Error; err != nil {
		return ExtractSourceResult{}, fmt.Errorf("list staged documents: %w", err)
	}
	var res ExtractSourceResult
	var pageTitle string
	for _, id := range ids {
		var doc models.SourceSyncDocument
		if err := db.Take(&doc, id).Error; err != nil {
			return ExtractSourceResult{}, fmt.Errorf("load staged document: %w", err)
		}
		own, md, err := readDocument(doc)
		if err != nil {
			if src.Kind == models.SourceSite && len(ids) > 1 {
				res.Skipped++
				continue
			}
			return ExtractSourceResult{}, temporal.NewNonRetryableApplicationError(extractMessage(doc, err), ErrExtractFailed, err)
		}
		pageTitle = cmp.Or(own, doc.URL)
		title := cmp.Or(own, doc.Title, doc.URL)
		if src.Title != "" && src.Kind != models.SourceSite {
			title = src.Title
		}
		rows := []models.SourceSyncChunk{}
		for _, c := range knowledge.SplitMarkdown(src.ID, title, doc.URL, md) {
			rows = append(rows, models.SourceSyncChunk{
				SyncID: in.SyncID, SourceID: src.ID, Seq: res.Chunks + len(rows),
				Title: c.Title, URL: c.URL, Heading: c.Heading, Text: c.Text,
			})
		}
		if len(rows) > 0 {
			if err := db.CreateInBatches(rows, 200).Error; err != nil {
				return ExtractSourceResult{}, fmt.Errorf("stage chunks: %w", err)
			}
		}
		res.Chunks += len(rows)
		activity.RecordHeartbeat(ctx, res.Chunks)
	}
	if res.Chunks == 0 {
		return ExtractSourceResult{}, temporal.NewNonRetryableApplicationError("no readable text found", ErrExtractFailed, nil)
	}
	if src.Kind == models.SourceURL {
		// The source's name while the admin gives it none.
		if err := db.Model(&models.ContentSource{}).Where("id = ?", src.ID).Update("page_title", pageTitle).Error; err != nil {
			return ExtractSourceResult{}, fmt.Errorf("record page title: %w", err)
		}
	}
	return res, nil
}

// readDocument extracts one staged document's own title ("" when it has
// none: an HTML page without a title, a Markdown file) and its Markdown. An
// admin's HTML article body has the article's title.
func readDocument(doc models.SourceSyncDocument) (string, string, error) {
	switch doc.ContentType {
	case stagedHTMLFragment:
		md, err := extract.HTMLFragment(string(doc.Body))
		if err == nil && strings.TrimSpace(md) == "" {
			err = extract.ErrNoText
		}
		return doc.Title, md, err
	}
	var pageURL *url.URL
	if doc.URL != "" {
		pageURL, _ = url.Parse(doc.URL)
	}
	d, err := extract.Any(doc.Body, doc.ContentType, pageURL)
	if err != nil {
		return "", "", err
	}
	return strings.TrimSpace(d.Title), d.Markdown, nil
}

func extractMessage(doc models.SourceSyncDocument, err error) string {
	what := "the document"
	if doc.URL != "" {
		what = doc.URL
	}
	switch {
	case errors.Is(err, extract.ErrUnparseable):
		return fmt.Sprintf("%s is an unparseable PDF: %v", what, err)
	case errors.Is(err, extract.ErrNoText):
		return fmt.Sprintf("%s has no readable text", what)
	}
	return fmt.Sprintf("%s: %v", what, err)
}

// IndexSourceInput asks to index one sync's staged chunks.
type IndexSourceInput struct {
	WorkspaceID string
	SourceID    string
	SyncID      string
}

// IndexSourceResult counts the chunks indexed.
type IndexSourceResult struct {
	Chunks int
}

// IndexSource makes the source's chunks in Weaviate exactly the staged ones,
// with the source's audience, recording progress (chunks done / total) on
// the source as it goes. If the source was deleted meanwhile, its chunks are
// deleted again.
func (s *Sources) IndexSource(ctx context.Context, in IndexSourceInput) (IndexSourceResult, error) {
	src, err := s.source(ctx, in.WorkspaceID, in.SourceID)
	if err != nil {
		return IndexSourceResult{}, err
	}
	db := s.DB.WithContext(ctx)
	var rows []models.SourceSyncChunk
	if err := db.Where("sync_id = ?", in.SyncID).Order("seq").Find(&rows).Error; err != nil {
		return IndexSourceResult{}, fmt.Errorf("load staged chunks: %w", err)
	}
	audience := knowledge.Audience{Channels: src.AudienceChannels.V, Tiers: src.AudienceTiers.V}
	chunks := make([]knowledge.Chunk, len(rows))
	for i, r := range rows {
		chunks[i] = knowledge.Chunk{
			SourceID: src.ID, Title: r.Title, URL: r.URL, Heading: r.Heading, Text: r.Text,
			Index: r.Seq, Audience: audience,
		}
	}
	progress := func(done int) error {
		activity.RecordHeartbeat(ctx, done)
		return db.Model(&models.ContentSource{}).Where("id = ?", src.ID).
			Updates(map[string]any{"chunks_done": done, "chunks_total": len(chunks)}).Error
	}
	if err := progress(0); err != nil {
		return IndexSourceResult{}, fmt.Errorf("record progress: %w", err)
	}
	if err := s.Knowledge.IndexSource(ctx, in.WorkspaceID, src.ID, chunks, progress); err != nil {
		return IndexSourceResult{}, err
	}
	if _, err := s.source(ctx, in.WorkspaceID, in.SourceID); err != nil {
		// Deleted while we indexed: leave nothing behind.
		if delErr := s.Knowledge.DeleteSource(ctx, in.WorkspaceID, in.SourceID); delErr != nil {
			return IndexSourceResult{}, delErr
		}
		return IndexSourceResult{}, err
	}
	return IndexSourceResult{Chunks: len(chunks)}, nil
}

// RecordSourceStatusInput is a sync's status to record on its source.
type RecordSourceStatusInput struct {
	WorkspaceID string
	SourceID    string
	SyncID      string
	// Status is syncing, ready or failed.
	Status string
	// Reason says why a sync failed.
	Reason string
	// Chunks and Bytes are a ready sync's counts.
	Chunks int
	Bytes  int
}

// RecordSourceStatusResult is empty: the status is recorded.
type RecordSourceStatusResult struct{}

// RecordSourceStatus records a sync's status. Ready sets the counts and the
// last sync time; failed keeps the counts of the last good sync, whose chunks
// are still searchable. Both end the sync: its staged rows are deleted. A
// source deleted meanwhile is no error.
func (s *Sources) RecordSourceStatus(ctx context.Context, in RecordSourceStatusInput) (RecordSourceStatusResult, error) {
	updates := map[string]any{"status": in.Status, "status_reason": in.Reason, "chunks_done": 0, "chunks_total": 0}
	switch in.Status {
	case models.SourceSyncing:
	case models.SourceReady:
		updates["chunks"], updates["bytes"] = in.Chunks, in.Bytes
		updates["chunks_done"], updates["chunks_total"] = in.Chunks, in.Chunks
		updates["last_synced_at"] = time.Now().UTC()
	case models.SourceFailed:
	default:
		return RecordSourceStatusResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown status %q", in.Status), "InvalidInput", nil)
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.ContentSource{}).Where("workspace_id = ? AND id = ?", in.WorkspaceID, in.SourceID).
			Updates(updates).Error; err != nil {
			return err
		}
		if in.Status == models.SourceSyncing {
			return nil
		}
		if err := tx.Where("sync_id = ?", in.SyncID).Delete(&models.SourceSyncDocument{}).Error; err != nil {
			return err
		}
		return tx.Where("sync_id = ?", in.SyncID).Delete(&models.SourceSyncChunk{}).Error
	})
	if err != nil {
		return RecordSourceStatusResult{}, fmt.Errorf("record source status: %w", err)
	}
	if in.Status != models.SourceSyncing {
		metrics.SourceSync(in.Status)
	}
	return RecordSourceStatusResult{}, nil
}

// source loads a source; a missing one is a non-retryable error.
func (s *Sources) source(ctx context.Context, workspaceID, sourceID string) (models.ContentSource, error) {
	var src models.ContentSource
	err := s.DB.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, sourceID).Limit(1).Find(&src).Error
	if err != nil {
		return src, fmt.Errorf("load source: %w", err)
	}
	if src.ID == "" {
		return src, temporal.NewNonRetryableApplicationError("the source was deleted", ErrSourceNotFound, nil)
	}
	return src, nil
}
