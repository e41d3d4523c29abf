package issuetypes

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/models"
)

// DefaultModelCacheBytes is the size a ModelCache keeps its models under
// when NewModelCache is given 0. A model of CLINC150's 15,000 examples of
// 150 types takes about 15 MB.
const DefaultModelCacheBytes = 256 << 20

// ModelCache keeps workspaces' trained models. A model is trained on the
// first classification after the workspace's examples changed (a few
// seconds for 15,000 examples), so every server and worker process uses a
// model of the examples the database holds: the cache checks their version
// (how many types there are and when one last changed) before each use, or
// once per move of the workspace's configuration version when the caller
// read it (Service.ConfigVersion).
type ModelCache struct {
	maxBytes int

	mu      sync.Mutex
	entries map[string]*cachedModel
	clock   uint64
}

type cachedModel struct {
	version string
	ready   chan struct{} // closed once model or err is set
	model   *model
	err     error
	used    uint64
	// checked is the workspace's configuration version when the examples
	// were last found to be version's, threshold the workspace's threshold
	// then, and checkedAt when.
	checked   int64
	threshold float64
	checkedAt time.Time
}

// NewModelCache returns a cache keeping its models under maxBytes (at least
// the newest one), DefaultModelCacheBytes when maxBytes is 0.
func NewModelCache(maxBytes int) *ModelCache {
	if maxBytes <= 0 {
		maxBytes = DefaultModelCacheBytes
	}
	return &ModelCache{maxBytes: maxBytes, entries: map[string]*cachedModel{}}
}

// defaultModels is the cache of Services that name none.
var defaultModels = NewModelCache(0)

// model returns the workspace's model for the examples db holds now,
// training it when they changed, and the workspace's threshold, both from one
// read. Training goes on when ctx ends, so that a caller that gave up (or
// the next attempt of an activity) finds it done.
//
// configVersion, when above 0, is the workspace's configuration version
// (models.Workspace.ConfigVersion) as the caller read it before this call:
// a change to the examples or the threshold raises it, so a model already
// checked at that version is used without the read.
func (c *ModelCache) model(ctx context.Context, db *gorm.DB, workspaceID string, configVersion int64) (*model, float64, error) {
	e, threshold, ok := c.known(workspaceID, configVersion)
	if !ok {
		var err error
		if e, threshold, err = c.check(ctx, db, workspaceID, configVersion); err != nil {
			return nil, 0, err
		}
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, 0, fmt.Errorf("train the issue type model: %w", ctx.Err())
	}
	if e.err != nil {
		return nil, 0, e.err
	}
	return e.model, threshold, nil
}

// known returns the workspace's entry and threshold when they were checked
// at configVersion (above 0) less than models.MaxConfigAge ago.
func (c *ModelCache) known(workspaceID string, configVersion int64) (*cachedModel, float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[workspaceID]
	if configVersion <= 0 || e == nil || e.checked != configVersion || time.Since(e.checkedAt) >= models.MaxConfigAge {
		return nil, 0, false
	}
	c.clock++
	e.used = c.clock
	return e, e.threshold, true
}

// check reads the examples' version and the threshold, and returns the
// entry of those examples, training their model when it is new; the entry
// is then known at configVersion.
func (c *ModelCache) check(ctx context.Context, db *gorm.DB, workspaceID string, configVersion int64) (*cachedModel, float64, error) {
	checkedAt := time.Now()
	version, threshold, err := examplesVersion(ctx, db, workspaceID)
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	e := c.entries[workspaceID]
	if e == nil || e.version != version {
		e = &cachedModel{version: version, ready: make(chan struct{})}
		c.entries[workspaceID] = e
		go c.build(context.WithoutCancel(ctx), db, workspaceID, e)
	}
	e.used = c.clock
	if configVersion > 0 && configVersion >= e.checked {
		e.checked, e.threshold, e.checkedAt = configVersion, threshold, checkedAt
	}
	return e, threshold, nil
}

func (c *ModelCache) build(ctx context.Context, db *gorm.DB, workspaceID string, e *cachedModel) {
	var rows []example
	err := db.WithContext(ctx).Table("issue_examples AS e").
		Select("e.text AS text, t.name AS issue_type").
		Joins("JOIN issue_types AS t ON t.id = e.issue_type_id").
		Where("e.workspace_id = ?", workspaceID).Scan(&rows).Error
	var m *model
	if err == nil {
		m = train(rows)
		m.examples = newExampleIndex(rows)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	e.model = m
	if err != nil {
		e.err = fmt.Errorf("load examples: %w", err)
	}
	close(e.ready)
	if e.err != nil {
		// Not cached: the next classification tries again.
		if c.entries[workspaceID] == e {
			delete(c.entries, workspaceID)
		}
		return
	}
	c.evict()
}

// evict drops the least recently used models until the ready ones fit in
// maxBytes, keeping the newest.
func (c *ModelCache) evict() {
	for {
		total, ready, oldestID := c.ready()
		if total <= c.maxBytes || ready <= 1 {
			return
		}
		delete(c.entries, oldestID)
	}
}

// ready sums the sizes of the cache's trained models and names the least
// recently used of them; c.mu is held.
func (c *ModelCache) ready() (total, count int, oldestID string) {
	var oldest uint64
	for id, e := range c.entries {
		if e.model == nil {
			continue
		}
		count++
		total += e.model.size()
		if oldestID == "" || e.used < oldest {
			oldest, oldestID = e.used, id
		}
	}
	return total, count, oldestID
}

// examplesVersion names the state of a workspace's examples. Every write
// that changes a type's examples sets the type's updated_at to the time of
// the change, and types are only ever added or deleted besides, so the
// number of types and the latest updated_at change with every change. (Two
// writes to one workspace whose commits cross, the later-timed committing
// first, can hide the earlier one from the version until the next change.)
// The workspace's threshold (DefaultThreshold when it sets none) comes with
// it, in the same statement.
func examplesVersion(ctx context.Context, db *gorm.DB, workspaceID string) (string, float64, error) {
	var n int64
	var latest sql.NullString
	var threshold sql.NullFloat64
	err := db.WithContext(ctx).Model(&models.IssueType{}).
		Select("COUNT(*), MAX(updated_at), (?)",
			db.Model(&models.IssueTypeSettings{}).Select("threshold").Where("workspace_id = ?", workspaceID).Limit(1)).
		Where("workspace_id = ?", workspaceID).Row().Scan(&n, &latest, &threshold)
	if err != nil {
		return "", 0, fmt.Errorf("check issue types: %w", err)
	}
	return strconv.FormatInt(n, 10) + "@" + latest.String, thresholdOr(threshold.Float64), nil
}

// ActiveWorkspaces lists the workspaces that have issue types, the one
// whose latest conversation started last first; workspaces without a
// conversation come last.
func ActiveWorkspaces(ctx context.Context, db *gorm.DB) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Raw(`SELECT w.id FROM workspaces AS w
WHERE EXISTS (SELECT 1 FROM issue_types AS t WHERE t.workspace_id = w.id)
ORDER BY COALESCE((SELECT MAX(c.started_at) FROM conversations AS c WHERE c.workspace_id = w.id), ?) DESC, w.id`,
		time.Time{}).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("workspaces with issue types: %w", err)
	}
	return ids, nil
}

// Warm trains the models of workspaceIDs, one after the other and in their
// order, so that a process that just started does not keep the first
// customer of each workspace waiting for training. Once the trained models
// take half the cache's size it trains no more (at least one), leaving the
// rest to the workspaces classified meanwhile. It stops at the first error
// (the workspaces left train on their first classification, as before) or
// when ctx ends, and returns how many models it made ready.
func (c *ModelCache) Warm(ctx context.Context, db *gorm.DB, workspaceIDs []string) (int, error) {
	for i, id := range workspaceIDs {
		if used := c.readyBytes(); used > 0 && used >= c.maxBytes/2 {
			return i, nil
		}
		if _, _, err := c.model(ctx, db, id, 0); err != nil {
			return i, err
		}
	}
	return len(workspaceIDs), nil
}

// readyBytes is the size of the cache's trained models.
func (c *ModelCache) readyBytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total, _, _ := c.ready()
	return total
}

// WarmModels trains, in the process's model cache, the models of the
// workspaces with issue types, the most recently active first (see
// ModelCache.Warm).
func WarmModels(ctx context.Context, db *gorm.DB) (int, error) {
	ids, err := ActiveWorkspaces(ctx, db)
	if err != nil {
		return 0, err
	}
	return defaultModels.Warm(ctx, db, ids)
}
