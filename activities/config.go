package activities

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// workspaceConfig is a workspace's WorkspaceConfig as cached, with its
// version. The order-number prefixes come with it: they change when a shop
// numbers its orders differently, which no trigger sees, so a new prefix is
// recognised once the cached configuration is read again
// (models.MaxConfigAge at most).
type workspaceConfig struct {
	version       int64
	readAt        time.Time
	config        WorkspaceConfig
	orderPrefixes []string
	// digest identifies config: what a turn's result leaves out when the
	// conversation holds it already.
	digest string
}

// maxCachedConfigs bounds configCache: past it, the cache starts again
// empty.
const maxCachedConfigs = 10_000

// configCache keeps each workspace's configuration between turns, keyed by
// the workspace's ConfigVersion. A turn reads the version (one indexed row)
// instead of five tables; a trigger raises the version in the transaction
// that changes the configuration, so a turn that starts after the change
// was committed reads the new configuration. Its zero value is ready.
type configCache struct {
	mu      sync.Mutex
	entries map[string]*workspaceConfig
}

// load returns the workspace's configuration, read again when its version
// moved on since it was cached, and the workspace's credit balance and
// default language, which the same read of its row carries (a first turn
// needs the balance; a turn whose language is unknown, the language).
func (c *configCache) load(db *gorm.DB, workspaceID string) (*workspaceConfig, models.Workspace, error) {
	// The version is read before the configuration: a change committed in
	// between is then cached under the older version and read again on the
	// next turn, never the other way round.
	var ws models.Workspace
	res := db.Select("config_version", "credit_balance", "default_language").Where("id = ?", workspaceID).Limit(1).Find(&ws)
	if res.Error != nil {
		return nil, ws, fmt.Errorf("workspace config version: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		c.mu.Lock()
		cached := c.entries[workspaceID]
		c.mu.Unlock()
		if cached != nil && cached.version == ws.ConfigVersion && time.Since(cached.readAt) < models.MaxConfigAge {
			return cached, ws, nil
		}
	}
	readAt := time.Now()
	cfg, err := readConfig(db, workspaceID)
	if err != nil {
		return nil, ws, err
	}
	cfg.version, cfg.readAt = ws.ConfigVersion, readAt
	if res.RowsAffected == 1 {
		c.put(workspaceID, cfg)
	}
	return cfg, ws, nil
}

// put caches cfg unless a turn cached a later version meanwhile.
func (c *configCache) put(workspaceID string, cfg *workspaceConfig) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[workspaceID]; old != nil && (old.version > cfg.version || old.readAt.After(cfg.readAt)) {
		return
	}
	if c.entries == nil || len(c.entries) >= maxCachedConfigs {
		c.entries = map[string]*workspaceConfig{}
	}
	c.entries[workspaceID] = cfg
}

// readConfig reads the workspace's configuration, its tables side by side.
func readConfig(db *gorm.DB, workspaceID string) (*workspaceConfig, error) {
	var (
		settings   models.AgentSettings
		actionRows []models.Action
		teams      []models.Team
		issueTypes int64
		cfg        workspaceConfig
	)
	var g errgroup.Group
	g.Go(func() error {
		if err := db.Where("workspace_id = ?", workspaceID).Limit(1).Find(&settings).Error; err != nil {
			return fmt.Errorf("load agent settings: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := db.Where("workspace_id = ? AND enabled = ?", workspaceID, true).Find(&actionRows).Error; err != nil {
			return fmt.Errorf("load action settings: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := db.Where("workspace_id = ?", workspaceID).Find(&teams).Error; err != nil {
			return fmt.Errorf("load teams: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		cfg.config.Lead, err = loadLeadConfig(db, workspaceID)
		return err
	})
	g.Go(func() error {
		if err := db.Model(&models.IssueType{}).Where("workspace_id = ?", workspaceID).Count(&issueTypes).Error; err != nil {
			return fmt.Errorf("count issue types: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		cfg.orderPrefixes, err = orderPrefixes(db, workspaceID)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	cfg.config.Settings = decide.SettingsOf(settings)
	for _, row := range actionRows {
		spec, err := actions.SpecOf(row)
		if err != nil {
			// A row the agent cannot use (a built-in since removed, a
			// schema a later check refuses) leaves that action out.
			slog.Warn("action left out", "workspace", workspaceID, "action", row.Name, "err", err)
			continue
		}
		cfg.config.Settings.Actions[spec.Name] = spec
	}
	cfg.config.Teams = map[string]decide.Team{}
	for _, t := range teams {
		cfg.config.Teams[t.Key] = decide.Team{
			Key: t.Key, Name: t.Name, WorkingHours: t.WorkingHours, FallbackMessage: t.FallbackMessage,
			AcceptTimeout: decide.SecondsOr(t.AcceptSeconds, decide.DefaultAcceptTimeout), HasWebhook: t.WebhookURL != "",
		}
	}
	cfg.config.HasIssueTypes = issueTypes > 0
	var err error
	if cfg.digest, err = configDigest(cfg.config); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// configDigest hashes cfg encoded as it crosses Temporal (JSON, map keys
// sorted).
func configDigest(cfg WorkspaceConfig) (string, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("configuration digest: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}
