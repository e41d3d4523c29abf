package workspaces

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	// The time zones are compiled in, so a time zone is checked the same
	// on a base image without zoneinfo files.
	_ "time/tzdata"

	"github.com/google/uuid"
	"golang.org/x/text/language"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// Defaults of a new workspace.
const (
	DefaultTimeZone = "UTC"
	DefaultLanguage = "en"
)

// Settings are a workspace as the API shows it.
type Settings struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	TimeZone        string   `json:"time_zone"`
	DefaultLanguage string   `json:"default_language"`
	ActionHosts     []string `json:"action_hosts"`
	// RequireRehearsal: rule set drafts are published only after a
	// passing rehearsal of them.
	RequireRehearsal bool      `json:"require_rehearsal"`
	CreatedAt        time.Time `json:"created_at"`
}

// SettingsInput is what an admin sets: every field (PUT replaces them all).
type SettingsInput struct {
	Name string `json:"name"`
	// TimeZone is an IANA time zone name ("Europe/Berlin").
	TimeZone string `json:"time_zone"`
	// DefaultLanguage is a BCP 47 tag ("en", "pt-BR").
	DefaultLanguage string `json:"default_language"`
	// ActionHosts are host names (or IP addresses) the company's actions
	// may call although they resolve to private addresses: its on-premise
	// systems. Absent (null) keeps the current list; [] clears it.
	ActionHosts []string `json:"action_hosts"`
	// RequireRehearsal, when given, sets whether publishing a rule set
	// draft needs a passing rehearsal of it; absent keeps the setting.
	RequireRehearsal *bool `json:"require_rehearsal"`
	// Credits are granted to a new workspace (Create, Bootstrap); not an
	// API field.
	Credits int `json:"-"`
}

// languageTag is the shape of the short BCP 47 tags accepted: a language and
// up to a few subtags (script, region, variant), at most 35 characters.
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$`)

// normalize trims and checks the input, naming the field, and puts the
// language tag in canonical form ("pt-br" → "pt-BR").
func (in *SettingsInput) normalize() error {
	in.Name = strings.TrimSpace(in.Name)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	in.DefaultLanguage = strings.TrimSpace(in.DefaultLanguage)
	if err := checkName("name", in.Name, false); err != nil {
		return err
	}
	switch in.TimeZone {
	case "":
		return apperr.Invalid("time_zone", "must not be empty (an IANA time zone such as \"Europe/Berlin\" or \"UTC\")")
	case "Local":
		return apperr.Invalid("time_zone", "\"Local\" is the server's time zone: name one (\"Europe/Berlin\", \"UTC\")")
	}
	if len(in.TimeZone) > 64 {
		return apperr.Invalid("time_zone", "longer than 64 characters")
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil {
		return apperr.Invalid("time_zone", fmt.Sprintf("%q is not an IANA time zone (such as \"Europe/Berlin\" or \"UTC\")", in.TimeZone))
	}
	if in.DefaultLanguage == "" {
		return apperr.Invalid("default_language", "must not be empty (a BCP 47 tag such as \"en\" or \"pt-BR\")")
	}
	if len(in.DefaultLanguage) > 35 || !languageTag.MatchString(in.DefaultLanguage) {
		return apperr.Invalid("default_language", fmt.Sprintf("%q is not a short BCP 47 tag (such as \"en\" or \"pt-BR\")", in.DefaultLanguage))
	}
	tag, err := language.Parse(in.DefaultLanguage)
	if err != nil {
		return apperr.Invalid("default_language", fmt.Sprintf("%q is not a known BCP 47 language tag", in.DefaultLanguage))
	}
	in.DefaultLanguage = tag.String()
	if len(in.ActionHosts) > maxActionHosts {
		return apperr.Invalid("action_hosts", fmt.Sprintf("at most %d hosts", maxActionHosts))
	}
	for i, h := range in.ActionHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if !hostName.MatchString(h) {
			return apperr.Invalid(fmt.Sprintf("action_hosts[%d]", i), fmt.Sprintf("%q is not a host name or IP address (no scheme, port or path)", in.ActionHosts[i]))
		}
		in.ActionHosts[i] = h
	}
	return nil
}

// maxActionHosts bounds a workspace's allow-list of private hosts.
const maxActionHosts = 50

// hostName is a DNS name, an IPv4 address or a bracketless IPv6 address.
var hostName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^[0-9a-f:]+$`)

func settingsOf(w models.Workspace) Settings {
	hosts := w.ActionHosts.V
	if hosts == nil {
		hosts = []string{}
	}
	return Settings{ID: w.ID, Name: w.Name, TimeZone: w.TimeZone, DefaultLanguage: w.DefaultLanguage, ActionHosts: hosts,
		RequireRehearsal: w.RequireRehearsal, CreatedAt: w.CreatedAt}
}

// Created is a new workspace and its first admin key, whose secret is shown
// this once.
type Created struct {
	Workspace Settings   `json:"workspace"`
	AdminKey  CreatedKey `json:"admin_key"`
}

// Create makes a workspace and its first admin key, in one transaction. An
// empty time zone or language takes DefaultTimeZone or DefaultLanguage.
func Create(ctx context.Context, db *gorm.DB, in SettingsInput) (Created, error) {
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	if in.DefaultLanguage == "" {
		in.DefaultLanguage = DefaultLanguage
	}
	if err := in.normalize(); err != nil {
		return Created{}, err
	}
	var out Created
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = insertWorkspace(tx, in)
		return err
	})
	if err != nil {
		return Created{}, fmt.Errorf("create workspace: %w", err)
	}
	return out, nil
}

// bootstrapLock serializes Bootstrap across processes on PostgreSQL, so two
// at once make one workspace.
const bootstrapLock = 7_406_013_556

// Bootstrap makes the first workspace of an installation, as Create does,
// unless the database has a workspace already (demo workspaces aside): then
// it does nothing and reports false. save is called with the new workspace
// and key before the transaction commits; if it fails, nothing is written.
// It is what a deployment runs on every start.
func Bootstrap(ctx context.Context, db *gorm.DB, in SettingsInput, save func(Created) error) (Created, bool, error) {
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	if in.DefaultLanguage == "" {
		in.DefaultLanguage = DefaultLanguage
	}
	if err := in.normalize(); err != nil {
		return Created{}, false, err
	}
	var out Created
	var made bool
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", bootstrapLock).Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Model(&models.Workspace{}).Where("demo = ?", false).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		var err error
		if out, err = insertWorkspace(tx, in); err != nil {
			return err
		}
		made = true
		return save(out)
	})
	if err != nil {
		return Created{}, false, fmt.Errorf("bootstrap workspace: %w", err)
	}
	return out, made, nil
}

// insertWorkspace writes a workspace of checked input, its admin key and
// the team a hand-off goes to when nothing names another
// (decide.DefaultTeam), so that a hand-off of a new workspace reaches a team
// its reps can be given.
func insertWorkspace(tx *gorm.DB, in SettingsInput) (Created, error) {
	now := time.Now().UTC()
	w := models.Workspace{ID: uuid.NewString(), Name: in.Name, TimeZone: in.TimeZone, DefaultLanguage: in.DefaultLanguage, CreatedAt: now}
	if err := tx.Create(&w).Error; err != nil {
		return Created{}, err
	}
	team := models.Team{ID: uuid.NewString(), WorkspaceID: w.ID, Key: decide.DefaultTeam, Name: "Support", CreatedAt: now}
	if err := tx.Create(&team).Error; err != nil {
		return Created{}, err
	}
	key, err := insertKey(tx, KeyInput{WorkspaceID: w.ID, Role: models.RoleAdmin, Name: "first admin"}, now)
	if err != nil {
		return Created{}, err
	}
	if in.Credits > 0 {
		if err := grant(tx, w.ID, in.Credits, now); err != nil {
			return Created{}, err
		}
	}
	return Created{Workspace: settingsOf(w), AdminKey: key}, nil
}

// Get returns a workspace's settings.
func Get(ctx context.Context, db *gorm.DB, id string) (Settings, error) {
	w, err := lookUp(ctx, db, id)
	if err != nil {
		return Settings{}, err
	}
	return settingsOf(w), nil
}

// lookUp reads workspace id's row, or only its columns when some are named;
// a workspace that does not exist is ENOTFOUND.
func lookUp(ctx context.Context, db *gorm.DB, id string, columns ...string) (models.Workspace, error) {
	var w models.Workspace
	q := db.WithContext(ctx)
	if len(columns) > 0 {
		q = q.Select(append([]string{"id"}, columns...))
	}
	if err := q.Where("id = ?", id).Limit(1).Find(&w).Error; err != nil {
		return w, err
	}
	if w.ID == "" {
		return w, apperr.Errorf(apperr.ENOTFOUND, "workspace %s not found", id)
	}
	return w, nil
}

// Update replaces a workspace's name, time zone and default language.
func Update(ctx context.Context, db *gorm.DB, id string, in SettingsInput) (Settings, error) {
	if err := in.normalize(); err != nil {
		return Settings{}, err
	}
	updates := map[string]any{"name": in.Name, "time_zone": in.TimeZone, "default_language": in.DefaultLanguage}
	if in.ActionHosts != nil {
		updates["action_hosts"] = models.NewJSON(in.ActionHosts)
	}
	if in.RequireRehearsal != nil {
		updates["require_rehearsal"] = *in.RequireRehearsal
	}
	res := db.WithContext(ctx).Model(&models.Workspace{}).Where("id = ?", id).
		Updates(updates)
	if res.Error != nil {
		return Settings{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Settings{}, apperr.Errorf(apperr.ENOTFOUND, "workspace %s not found", id)
	}
	return Get(ctx, db, id)
}
