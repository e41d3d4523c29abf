package sources

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/extract"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

// Limits on what an admin writes.
const (
	MaxTitleChars    = 300
	MaxQuestionChars = 1000
	MaxAnswerChars   = 20000
	MaxURLChars      = 2048
	// MaxBodyBytes bounds a kb_article's body.
	MaxBodyBytes = 1 << 20
	// DefaultMaxPages bounds a site crawl when max_pages is not given.
	DefaultMaxPages = 50
	// MinResync is the shortest re-sync interval.
	MinResync = 5 * time.Minute
	// MaxAudienceValues bounds each audience list.
	MaxAudienceValues = 50
)

// File is an uploaded file.
type File struct {
	Name string
	Data []byte
}

// Input is what an admin writes of a source. Which fields apply depends on
// Kind:
//   - kb_article: Title, Body (Format "markdown", the default, or "html"),
//     URL (optional: the public link citations show);
//   - short_answer: Question, Answer;
//   - url: URL, Title (optional: the page's own title otherwise);
//   - site: URL (where the crawl starts), MaxPages, Title (optional: the
//     start URL otherwise; chunks carry their own page's title);
//   - file: File, Title (optional: the file's name otherwise).
//
// Every kind takes an audience (Channels, Tiers; empty: everyone);
// url and site take a ResyncInterval (0: never).
type Input struct {
	Kind           string
	Title          string
	URL            string
	Body           string
	Format         string
	Question       string
	Answer         string
	MaxPages       int
	File           *File
	Channels       []string
	Tiers          []string
	ResyncInterval time.Duration
}

// Service stores sources and keeps their schedules.
type Service struct {
	DB        *gorm.DB
	Temporal  client.Client
	Knowledge *knowledge.Store
	// TaskQueue is where the sync workflows run.
	TaskQueue string
	// MaxFileBytes bounds an uploaded file (fetch.DefaultMaxBytes when 0).
	MaxFileBytes int64
}

// validate checks in for kind and returns the row it describes (ID,
// workspace, status and times aside) and the uploaded file, if any. With
// keepFile, a file source may come without a file (an edit that keeps it).
func (s *Service) validate(in Input, keepFile bool) (models.ContentSource, *models.UploadedFile, error) {
	src := models.ContentSource{Kind: in.Kind}
	text := func(field, v string, required bool, max int) error {
		if !utf8.ValidString(v) {
			return apperr.Invalid(field, "is not valid UTF-8")
		}
		if required && strings.TrimSpace(v) == "" {
			return apperr.Invalid(field, "must not be empty")
		}
		if n := utf8.RuneCountInString(v); n > max {
			return apperr.Invalid(field, fmt.Sprintf("%d characters, more than the %d allowed", n, max))
		}
		return nil
	}
	unused := func(field string, set bool) error {
		if set {
			return apperr.Invalid(field, fmt.Sprintf("does not apply to a %s source", in.Kind))
		}
		return nil
	}
	checkURL := func(required bool) error {
		if in.URL == "" && !required {
			return nil
		}
		if in.URL == "" {
			return apperr.Invalid("url", "must not be empty")
		}
		if len(in.URL) > MaxURLChars {
			return apperr.Invalid("url", fmt.Sprintf("longer than %d characters", MaxURLChars))
		}
		if _, err := fetch.CheckURL(in.URL); err != nil {
			var urlErr *fetch.URLError
			if errors.As(err, &urlErr) {
				return apperr.Invalid("url", urlErr.Reason)
			}
			return apperr.Invalid("url", err.Error())
		}
		return nil
	}
	var file *models.UploadedFile
	var err error
	switch in.Kind {
	case models.SourceKBArticle:
		err = errors.Join(
			text("title", in.Title, true, MaxTitleChars),
			text("body", in.Body, true, MaxBodyBytes),
			checkURL(false),
			unused("question", in.Question != ""), unused("answer", in.Answer != ""),
			unused("max_pages", in.MaxPages != 0), unused("file", in.File != nil),
		)
		if err == nil && len(in.Body) > MaxBodyBytes {
			err = apperr.Invalid("body", fmt.Sprintf("%d bytes, more than the %d allowed", len(in.Body), MaxBodyBytes))
		}
		switch in.Format {
		case "", models.FormatMarkdown:
			src.Format = models.FormatMarkdown
		case models.FormatHTML:
			src.Format = models.FormatHTML
		default:
			err = errors.Join(err, apperr.Invalid("format", fmt.Sprintf("%q is not markdown or html", in.Format)))
		}
		src.Title, src.Body, src.URL = strings.TrimSpace(in.Title), in.Body, in.URL
	case models.SourceShortAnswer:
		err = errors.Join(
			text("question", in.Question, true, MaxQuestionChars),
			text("answer", in.Answer, true, MaxAnswerChars),
			unused("title", in.Title != ""), unused("body", in.Body != ""), unused("url", in.URL != ""),
			unused("format", in.Format != ""), unused("max_pages", in.MaxPages != 0), unused("file", in.File != nil),
		)
		src.Title, src.Body = strings.TrimSpace(in.Question), strings.TrimSpace(in.Answer)
	case models.SourceURL, models.SourceSite:
		err = errors.Join(
			checkURL(true),
			text("title", in.Title, false, MaxTitleChars),
			unused("body", in.Body != ""), unused("format", in.Format != ""),
			unused("question", in.Question != ""), unused("answer", in.Answer != ""), unused("file", in.File != nil),
		)
		src.URL, src.Title = in.URL, strings.TrimSpace(in.Title)
		if in.Kind == models.SourceSite {
			src.MaxPages = in.MaxPages
			if src.MaxPages == 0 {
				src.MaxPages = DefaultMaxPages
			}
			if src.MaxPages < 1 || src.MaxPages > fetch.MaxCrawlPages {
				err = errors.Join(err, apperr.Invalid("max_pages", fmt.Sprintf("%d is not between 1 and %d", in.MaxPages, fetch.MaxCrawlPages)))
			}
		} else if in.MaxPages != 0 {
			err = errors.Join(err, unused("max_pages", true))
		}
	case models.SourceFile:
		err = errors.Join(
			text("title", in.Title, false, MaxTitleChars),
			unused("body", in.Body != ""), unused("format", in.Format != ""), unused("url", in.URL != ""),
			unused("question", in.Question != ""), unused("answer", in.Answer != ""), unused("max_pages", in.MaxPages != 0),
		)
		if err == nil && !(keepFile && in.File == nil) {
			file, err = s.checkFile(in.File)
		}
		if file != nil {
			src.FileName = file.Name
			src.Title = strings.TrimSpace(in.Title)
			if src.Title == "" {
				src.Title = file.Name
			}
		}
	case "":
		return src, nil, apperr.Invalid("kind", "must not be empty (kb_article, short_answer, url, site or file)")
	default:
		return src, nil, apperr.Invalid("kind", fmt.Sprintf("%q is not kb_article, short_answer, url, site or file", in.Kind))
	}
	if err != nil {
		return src, nil, firstError(err)
	}
	if src.AudienceChannels.V, err = audience("audience.channels", in.Channels); err != nil {
		return src, nil, err
	}
	if src.AudienceTiers.V, err = audience("audience.tiers", in.Tiers); err != nil {
		return src, nil, err
	}
	switch {
	case in.ResyncInterval == 0:
	case in.Kind != models.SourceURL && in.Kind != models.SourceSite:
		return src, nil, apperr.Invalid("resync_interval", "only url and site sources are fetched again; edit the source to change it")
	case in.ResyncInterval < MinResync:
		return src, nil, apperr.Invalid("resync_interval", fmt.Sprintf("%s is shorter than the %s allowed", in.ResyncInterval, MinResync))
	}
	src.ResyncSeconds = int(in.ResyncInterval / time.Second)
	return src, file, nil
}

// firstError is the first of errors.Join's errors: the client is told one
// thing at a time, in the order of the fields.
func firstError(err error) error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := joined.Unwrap(); len(errs) > 0 {
			return errs[0]
		}
	}
	return err
}

func (s *Service) checkFile(f *File) (*models.UploadedFile, error) {
	if f == nil || f.Name == "" {
		return nil, apperr.Invalid("file", "is required for a file source")
	}
	limit := s.MaxFileBytes
	if limit <= 0 {
		limit = fetch.DefaultMaxBytes
	}
	if int64(len(f.Data)) > limit {
		return nil, apperr.Errorf(apperr.ETOOLARGE, "file: %d bytes, more than the %d allowed", len(f.Data), limit)
	}
	if len(f.Data) == 0 {
		return nil, apperr.Invalid("file", "is empty")
	}
	typ, err := extract.TypeOfFile(f.Name, f.Data)
	if err != nil {
		return nil, apperr.Invalid("file", err.Error())
	}
	return &models.UploadedFile{Name: f.Name, ContentType: typ, Data: f.Data}, nil
}

// audience normalises a list of channel types or tiers: lower case, no
// repeats; each 1–32 letters, digits, "-" or "_".
func audience(field string, values []string) ([]string, error) {
	if len(values) > MaxAudienceValues {
		return nil, apperr.Invalid(field, fmt.Sprintf("%d values, more than the %d allowed", len(values), MaxAudienceValues))
	}
	out := []string{}
	for i, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		ok := v != "" && len(v) <= 32
		for _, r := range v {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				ok = false
			}
		}
		if !ok {
			return nil, apperr.Invalid(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q is not 1–32 letters, digits, - or _", values[i]))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Title is how a source is named to people: its title; for a url source
// without one, its page's title as the last sync read it; else its URL.
func Title(src models.ContentSource) string {
	return cmp.Or(src.Title, src.PageTitle, src.URL)
}

// Get returns one of the workspace's sources.
func (s *Service) Get(ctx context.Context, workspaceID, id string) (models.ContentSource, error) {
	var src models.ContentSource
	err := s.DB.WithContext(ctx).Where("workspace_id = ? AND id = ?", workspaceID, id).Limit(1).Find(&src).Error
	if err != nil {
		return src, fmt.Errorf("load source: %w", err)
	}
	if src.ID == "" {
		return src, apperr.Errorf(apperr.ENOTFOUND, "source %q not found", id)
	}
	return src, nil
}

// Bounds of a page of sources.
const (
	DefaultListLimit = 100
	MaxListLimit     = 500
)

// ListQuery asks for a page of a workspace's sources, oldest first.
type ListQuery struct {
	// Kind and Status, when set, keep the sources of that kind and status.
	Kind   string
	Status string
	// Limit is the page's size, 1 to MaxListLimit (0: DefaultListLimit).
	Limit int
	// PageToken is the NextPageToken of the page before ("": the first).
	PageToken string
}

// Page is a page of sources.
type Page struct {
	Sources []models.ContentSource
	// NextPageToken asks for the next page; "" on the last one.
	NextPageToken string
}

// pageToken is where a page ended: the last source's creation time and ID,
// the listing's order. The next page starts after it, so sources created
// or deleted meanwhile neither repeat nor push others out of the listing.
type pageToken struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"id"`
}

// List returns a page of the workspace's sources, oldest first. A limit out
// of bounds or a page token this listing did not return is EINVALID naming
// the parameter.
func (s *Service) List(ctx context.Context, workspaceID string, q ListQuery) (Page, error) {
	limit := q.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	if limit < 1 || limit > MaxListLimit {
		return Page{}, apperr.Invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxListLimit))
	}
	db := s.DB.WithContext(ctx).Where("workspace_id = ?", workspaceID)
	if q.Kind != "" {
		db = db.Where("kind = ?", q.Kind)
	}
	if q.Status != "" {
		db = db.Where("status = ?", q.Status)
	}
	if q.PageToken != "" {
		var after pageToken
		raw, err := base64.RawURLEncoding.DecodeString(q.PageToken)
		if err == nil {
			err = json.Unmarshal(raw, &after)
		}
		if err != nil || after.ID == "" || after.CreatedAt.IsZero() {
			return Page{}, apperr.Invalid("page_token", "is not a next_page_token this listing returned")
		}
		db = db.Where("created_at > ? OR (created_at = ? AND id > ?)", after.CreatedAt, after.CreatedAt, after.ID)
	}
	var list []models.ContentSource
	if err := db.Order("created_at, id").Limit(limit + 1).Find(&list).Error; err != nil {
		return Page{}, fmt.Errorf("list sources: %w", err)
	}
	page := Page{Sources: list}
	if len(list) > limit {
		page.Sources = list[:limit]
		last := list[limit-1]
		raw, err := json.Marshal(pageToken{CreatedAt: last.CreatedAt, ID: last.ID})
		if err != nil {
			return Page{}, fmt.Errorf("list sources: %w", err)
		}
		page.NextPageToken = base64.RawURLEncoding.EncodeToString(raw)
	}
	return page, nil
}

// Create stores a new source and starts its first sync. The source and its
// schedule are created together or not at all.
func (s *Service) Create(ctx context.Context, workspaceID string, in Input) (models.ContentSource, error) {
	src, file, err := s.validate(in, false)
	if err != nil {
		return src, err
	}
	now := time.Now().UTC()
	src.ID, src.WorkspaceID, src.Status = uuid.NewString(), workspaceID, models.SourcePending
	src.CreatedAt, src.UpdatedAt = now, now
	if file != nil {
		src.Bytes = len(file.Data)
	} else {
		src.Bytes = len(src.Body)
	}
	scheduleCreated := false
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&src).Error; err != nil {
			return fmt.Errorf("create source: %w", err)
		}
		if file != nil {
			file.SourceID, file.WorkspaceID, file.CreatedAt = src.ID, workspaceID, now
			if err := tx.Create(file).Error; err != nil {
				return fmt.Errorf("store file: %w", err)
			}
		}
		// Inside the transaction: if the schedule cannot be created,
		// nothing is saved.
		if err := s.createSchedule(ctx, src); err != nil {
			return err
		}
		scheduleCreated = true
		return nil
	})
	if err != nil {
		if scheduleCreated {
			s.deleteSchedule(context.WithoutCancel(ctx), src)
		}
		return src, err
	}
	// The sync starts once the row is visible to the worker.
	if err := s.trigger(ctx, src); err != nil {
		cleanup := context.WithoutCancel(ctx)
		s.deleteSchedule(cleanup, src)
		s.DB.WithContext(cleanup).Transaction(func(tx *gorm.DB) error {
			tx.Where("source_id = ?", src.ID).Delete(&models.UploadedFile{})
			return tx.Delete(&src).Error
		})
		return src, err
	}
	return src, nil
}

// Update replaces what an admin wrote of a source (its kind stays) and
// syncs it again. For a file source, a nil File keeps the file.
func (s *Service) Update(ctx context.Context, workspaceID, id string, in Input) (models.ContentSource, error) {
	old, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return old, err
	}
	if in.Kind == "" {
		in.Kind = old.Kind
	}
	if in.Kind != old.Kind {
		return old, apperr.Invalid("kind", fmt.Sprintf("is %s and cannot change; create a new source", old.Kind))
	}
	keepFile := in.Kind == models.SourceFile && in.File == nil
	src, file, err := s.validate(in, true)
	if err != nil {
		return old, err
	}
	if keepFile {
		src.FileName = old.FileName
		if strings.TrimSpace(in.Title) == "" {
			src.Title = old.Title
		}
	}
	updates := map[string]any{
		"title": src.Title, "url": src.URL, "body": src.Body, "format": src.Format,
		"max_pages": src.MaxPages, "file_name": src.FileName,
		"audience_channels": src.AudienceChannels, "audience_tiers": src.AudienceTiers,
		"resync_seconds": src.ResyncSeconds, "updated_at": time.Now().UTC(),
	}
	if file != nil {
		updates["bytes"] = len(file.Data)
	} else if in.Kind == models.SourceKBArticle || in.Kind == models.SourceShortAnswer {
		updates["bytes"] = len(src.Body)
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.ContentSource{}).Where("workspace_id = ? AND id = ?", workspaceID, id).Updates(updates).Error; err != nil {
			return fmt.Errorf("update source: %w", err)
		}
		if file != nil {
			file.SourceID, file.WorkspaceID, file.CreatedAt = id, workspaceID, time.Now().UTC()
			if err := tx.Where("source_id = ?", id).Delete(&models.UploadedFile{}).Error; err != nil {
				return fmt.Errorf("replace file: %w", err)
			}
			if err := tx.Create(file).Error; err != nil {
				return fmt.Errorf("store file: %w", err)
			}
		}
		src.ID, src.WorkspaceID = id, workspaceID
		return s.updateSchedule(ctx, src)
	})
	if err != nil {
		return old, err
	}
	return s.Sync(ctx, workspaceID, id)
}

// Sync asks for a sync now. A sync already running finishes first; then one
// more runs.
func (s *Service) Sync(ctx context.Context, workspaceID, id string) (models.ContentSource, error) {
	src, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return src, err
	}
	if src.Status != models.SourceSyncing {
		err := s.DB.WithContext(ctx).Model(&models.ContentSource{}).
			Where("id = ? AND status <> ?", id, models.SourceSyncing).Update("status", models.SourcePending).Error
		if err != nil {
			return src, fmt.Errorf("mark source pending: %w", err)
		}
		src.Status = models.SourcePending
	}
	err = s.trigger(ctx, src)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		// Sources created before schedules existed (the demo's articles).
		if err = s.createSchedule(ctx, src); err == nil {
			err = s.trigger(ctx, src)
		}
	}
	return src, err
}

// Delete deletes a source: its schedule and running sync, its chunks, then
// its rows. Each step can be repeated, so a failed delete can be retried.
func (s *Service) Delete(ctx context.Context, workspaceID, id string) error {
	src, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return err
	}
	h := s.Temporal.ScheduleClient().GetHandle(ctx, workflows.SourceSyncScheduleID(workspaceID, id))
	desc, err := h.Describe(ctx)
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return unavailable("describe the source's schedule", err)
	default:
		if err := h.Delete(ctx); err != nil && !errors.As(err, &notFound) {
			return unavailable("delete the source's schedule", err)
		}
		for _, run := range desc.Info.RunningWorkflows {
			err := s.Temporal.TerminateWorkflow(ctx, run.WorkflowID, "", "source deleted")
			if err != nil && !errors.As(err, &notFound) {
				return unavailable("stop the source's sync", err)
			}
		}
	}
	if err := s.Knowledge.DeleteSource(ctx, workspaceID, id); err != nil {
		return unavailable("delete the source's chunks", err)
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("source_id = ?", id).Delete(&models.UploadedFile{}).Error; err != nil {
			return fmt.Errorf("delete file: %w", err)
		}
		if err := tx.Where("source_id = ?", id).Delete(&models.SourceSyncDocument{}).Error; err != nil {
			return fmt.Errorf("delete staged documents: %w", err)
		}
		if err := tx.Where("source_id = ?", id).Delete(&models.SourceSyncChunk{}).Error; err != nil {
			return fmt.Errorf("delete staged chunks: %w", err)
		}
		if err := tx.Delete(&src).Error; err != nil {
			return fmt.Errorf("delete source: %w", err)
		}
		return nil
	})
}

// unavailable wraps a failure of Temporal or Weaviate as a 503 the client
// may retry, keeping the cause for the log.
func unavailable(what string, err error) error {
	return fmt.Errorf("%w: %w", apperr.Errorf(apperr.EUNAVAILABLE, "could not %s; try again", what), err)
}

// scheduleOptions is the source's schedule: SyncSourceWorkflow at its
// re-sync interval (none: only when triggered), one sync at a time with at
// most one more waiting.
func (s *Service) scheduleOptions(src models.ContentSource) client.ScheduleOptions {
	return client.ScheduleOptions{
		ID:            workflows.SourceSyncScheduleID(src.WorkspaceID, src.ID),
		Spec:          scheduleSpec(src),
		Action:        s.scheduleAction(src),
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE,
		CatchupWindow: catchupWindow(src),
		Note:          "re-syncs content source " + src.ID,
	}
}

func (s *Service) scheduleAction(src models.ContentSource) *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{
		ID:        workflows.SourceSyncWorkflowID(src.WorkspaceID, src.ID),
		Workflow:  workflows.SyncSourceWorkflow,
		Args:      []any{workflows.SyncSourceInput{WorkspaceID: src.WorkspaceID, SourceID: src.ID}},
		TaskQueue: s.TaskQueue,
		// A sync that hangs must not hold the schedule's queue for ever.
		WorkflowExecutionTimeout: 6 * time.Hour,
	}
}

func scheduleSpec(src models.ContentSource) client.ScheduleSpec {
	if src.ResyncSeconds <= 0 {
		return client.ScheduleSpec{}
	}
	every := time.Duration(src.ResyncSeconds) * time.Second
	return client.ScheduleSpec{
		Intervals: []client.ScheduleIntervalSpec{{Every: every}},
		// Spread the syncs of sources created at the same time.
		Jitter: min(every/10, 10*time.Minute),
	}
}

func catchupWindow(src models.ContentSource) time.Duration {
	return max(time.Duration(src.ResyncSeconds)*time.Second, time.Minute)
}

func (s *Service) createSchedule(ctx context.Context, src models.ContentSource) error {
	_, err := s.Temporal.ScheduleClient().Create(ctx, s.scheduleOptions(src))
	if err != nil {
		return unavailable("create the source's sync schedule", err)
	}
	return nil
}

func (s *Service) updateSchedule(ctx context.Context, src models.ContentSource) error {
	h := s.Temporal.ScheduleClient().GetHandle(ctx, workflows.SourceSyncScheduleID(src.WorkspaceID, src.ID))
	err := h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sched := in.Description.Schedule
			spec := scheduleSpec(src)
			sched.Spec = &spec
			sched.Action = s.scheduleAction(src)
			if sched.Policy == nil {
				sched.Policy = &client.SchedulePolicies{}
			}
			sched.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE
			sched.Policy.CatchupWindow = catchupWindow(src)
			return &client.ScheduleUpdate{Schedule: &sched}, nil
		},
	})
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return s.createSchedule(ctx, src)
	}
	if err != nil {
		return unavailable("update the source's sync schedule", err)
	}
	return nil
}

func (s *Service) trigger(ctx context.Context, src models.ContentSource) error {
	h := s.Temporal.ScheduleClient().GetHandle(ctx, workflows.SourceSyncScheduleID(src.WorkspaceID, src.ID))
	err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE})
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return err
	}
	if err != nil {
		return unavailable("start the source's sync", err)
	}
	return nil
}

func (s *Service) deleteSchedule(ctx context.Context, src models.ContentSource) {
	_ = s.Temporal.ScheduleClient().GetHandle(ctx, workflows.SourceSyncScheduleID(src.WorkspaceID, src.ID)).Delete(ctx)
}
