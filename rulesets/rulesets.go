package rulesets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// Limits on a rule's free-text fields.
const (
	// MaxNameLength is the longest rule name, in characters.
	MaxNameLength = 200
	// MaxMessageLength is the longest handoff message, in characters: the
	// same as a customer's message.
	MaxMessageLength = 4000
)

// RuleInput is what an admin writes of a rule. The rule's ID and the version
// it belongs to are this package's to choose.
type RuleInput struct {
	Name     string
	Priority int
	Enabled  bool
	// Condition is the expr condition (see package rules).
	Condition string
	// Channels and Percentage are for routing rules only.
	Channels   []string
	Percentage int
	// Mode, Team and Message are for handoff rules only; Team must be the
	// key of one of the workspace's teams.
	Mode    string
	Team    string
	Message string
}

// Summary describes one version without its rules.
type Summary struct {
	Version     int
	State       string
	PublishedAt *time.Time
	CreatedAt   time.Time
	RuleCount   int
}

// CheckKind returns a [*KindError] unless kind is "routing" or "handoff".
func CheckKind(kind string) error {
	if kind != string(rules.KindRouting) && kind != string(rules.KindHandoff) {
		return &KindError{Kind: kind}
	}
	return nil
}

// List returns the workspace's versions of kind, newest first.
func List(ctx context.Context, db *gorm.DB, workspaceID, kind string) ([]Summary, error) {
	if err := CheckKind(kind); err != nil {
		return nil, err
	}
	db = db.WithContext(ctx)
	var versions []models.RuleSetVersion
	if err := db.Where("workspace_id = ? AND kind = ?", workspaceID, kind).Order("version DESC").Find(&versions).Error; err != nil {
		return nil, fmt.Errorf("list %s rule versions: %w", kind, err)
	}
	out := make([]Summary, 0, len(versions))
	if len(versions) == 0 {
		return out, nil
	}
	ids := make([]string, len(versions))
	for i, v := range versions {
		ids[i] = v.ID
	}
	var counts []struct {
		RuleSetVersionID string
		N                int
	}
	err := db.Model(&models.Rule{}).Select("rule_set_version_id, COUNT(*) AS n").
		Where("rule_set_version_id IN ?", ids).Group("rule_set_version_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("count %s rules: %w", kind, err)
	}
	countOf := map[string]int{}
	for _, c := range counts {
		countOf[c.RuleSetVersionID] = c.N
	}
	for _, v := range versions {
		out = append(out, Summary{Version: v.Version, State: v.State, PublishedAt: v.PublishedAt, CreatedAt: v.CreatedAt, RuleCount: countOf[v.ID]})
	}
	return out, nil
}

// Get returns version number version of the workspace's rules of kind, with
// its rules in evaluation order (ascending priority, ties by ID).
func Get(ctx context.Context, db *gorm.DB, workspaceID, kind string, version int) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	return find(db.WithContext(ctx), fmt.Sprintf("%s rules v%d", kind, version),
		"workspace_id = ? AND kind = ? AND version = ?", workspaceID, kind, version)
}

// GetPublished returns the published version of kind, with its rules in
// evaluation order, or a [*NotFoundError] when none is published.
func GetPublished(ctx context.Context, db *gorm.DB, workspaceID, kind string) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	return find(db.WithContext(ctx), "published "+kind+" rules",
		"workspace_id = ? AND kind = ? AND state = ?", workspaceID, kind, models.RuleSetPublished)
}

// GetDraft returns the draft of kind, with its rules in evaluation order, or
// a [*NotFoundError] when there is none. Unlike [Draft] it creates nothing.
func GetDraft(ctx context.Context, db *gorm.DB, workspaceID, kind string) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	return find(db.WithContext(ctx), kind+" draft",
		"workspace_id = ? AND kind = ? AND state = ?", workspaceID, kind, models.RuleSetDraft)
}

// Draft returns the draft of kind with its rules, creating it when there is
// none: a copy of the published version's rules (under new IDs, as a rule
// belongs to one version), numbered after every existing version.
func Draft(ctx context.Context, db *gorm.DB, workspaceID, kind string) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	return editDraft(ctx, db, workspaceID, kind, true, func(tx *gorm.DB, draft *models.RuleSetVersion) error {
		var err error
		draft.Rules, err = loadRules(tx, draft.ID)
		return err
	})
}

// Validate checks a rule as [CreateRule] would, without writing anything and
// without comparing it with the draft's other rules. Errors are [*KindError]
// and [*RuleError].
func Validate(ctx context.Context, db *gorm.DB, workspaceID, kind string, in RuleInput) error {
	if err := CheckKind(kind); err != nil {
		return err
	}
	row := newRow(in)
	if fe := checkFields(kind, row); fe != nil {
		return &RuleError{Field: fe.Field, Err: fe}
	}
	teams, err := teamKeys(db.WithContext(ctx), workspaceID)
	if err != nil {
		return err
	}
	if fe := checkTeam(kind, row, teams); fe != nil {
		return &RuleError{Field: fe.Field, Err: fe}
	}
	return nil
}

// CreateRule adds a rule to the draft of kind, creating the draft first when
// there is none. The rule is validated before anything is written: an invalid
// rule is a [*RuleError], a name or priority another rule of the draft has,
// or a draft with rules.MaxRules rules already, is a [*ConflictError], and
// neither leaves a draft or a rule behind.
func CreateRule(ctx context.Context, db *gorm.DB, workspaceID, kind string, in RuleInput) (models.Rule, error) {
	if err := CheckKind(kind); err != nil {
		return models.Rule{}, err
	}
	row := newRow(in)
	if fe := checkFields(kind, row); fe != nil {
		return models.Rule{}, &RuleError{Field: fe.Field, Err: fe}
	}
	_, err := editDraft(ctx, db, workspaceID, kind, true, func(tx *gorm.DB, draft *models.RuleSetVersion) error {
		row.RuleSetVersionID = draft.ID
		if err := checkInDraft(tx, workspaceID, kind, row); err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("create %s rule: %w", kind, err)
		}
		return nil
	})
	if err != nil {
		return models.Rule{}, err
	}
	return row, nil
}

// UpdateRule replaces every field of the draft's rule ruleID. Errors are as
// for [CreateRule], and a [*NotFoundError] when the draft or the rule does
// not exist: only a draft's rules can be changed.
func UpdateRule(ctx context.Context, db *gorm.DB, workspaceID, kind, ruleID string, in RuleInput) (models.Rule, error) {
	if err := CheckKind(kind); err != nil {
		return models.Rule{}, err
	}
	row := newRow(in)
	row.ID = ruleID
	if fe := checkFields(kind, row); fe != nil {
		return models.Rule{}, &RuleError{Field: fe.Field, Err: fe}
	}
	_, err := editDraft(ctx, db, workspaceID, kind, false, func(tx *gorm.DB, draft *models.RuleSetVersion) error {
		var existing models.Rule
		if err := tx.Where("id = ? AND rule_set_version_id = ?", ruleID, draft.ID).Limit(1).Find(&existing).Error; err != nil {
			return fmt.Errorf("find %s rule: %w", kind, err)
		}
		if existing.ID == "" {
			return &NotFoundError{What: fmt.Sprintf("rule %q in the %s draft", ruleID, kind)}
		}
		row.RuleSetVersionID = draft.ID
		if err := checkInDraft(tx, workspaceID, kind, row); err != nil {
			return err
		}
		if err := tx.Save(&row).Error; err != nil {
			return fmt.Errorf("update %s rule: %w", kind, err)
		}
		return nil
	})
	if err != nil {
		return models.Rule{}, err
	}
	return row, nil
}

// DeleteRule removes rule ruleID from the draft of kind; a [*NotFoundError]
// when the draft or the rule does not exist.
func DeleteRule(ctx context.Context, db *gorm.DB, workspaceID, kind, ruleID string) error {
	if err := CheckKind(kind); err != nil {
		return err
	}
	_, err := editDraft(ctx, db, workspaceID, kind, false, func(tx *gorm.DB, draft *models.RuleSetVersion) error {
		res := tx.Where("id = ? AND rule_set_version_id = ?", ruleID, draft.ID).Delete(&models.Rule{})
		if res.Error != nil {
			return fmt.Errorf("delete %s rule: %w", kind, res.Error)
		}
		if res.RowsAffected == 0 {
			return &NotFoundError{What: fmt.Sprintf("rule %q in the %s draft", ruleID, kind)}
		}
		return nil
	})
	return err
}

// Publish makes the draft of kind the published version, the one new
// conversations pin, and archives the version published before. Every rule is
// validated again first (a team may have been removed since it was written);
// an invalid rule is a [*RuleError] naming it as rules[i].field, and no draft
// or more than rules.MaxRules rules is a [*ConflictError]. On any error
// nothing changes. An empty draft may be published: no handoff rules, or no
// routing rules (the agent takes every conversation).
func Publish(ctx context.Context, db *gorm.DB, workspaceID, kind string, now time.Time) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	var out models.RuleSetVersion
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWorkspace(tx, workspaceID); err != nil {
			return err
		}
		draft, ok, err := findDraft(tx, workspaceID, kind)
		if err != nil {
			return err
		}
		if !ok {
			return &ConflictError{Message: fmt.Sprintf("there is no %s draft to publish: add, change or delete a rule first", kind)}
		}
		if draft.Rules, err = loadRules(tx, draft.ID); err != nil {
			return err
		}
		if err := validateVersion(tx, workspaceID, kind, draft.Rules); err != nil {
			return err
		}
		if err := archivePublished(tx, workspaceID, kind); err != nil {
			return err
		}
		publishedAt := now.UTC().Truncate(time.Microsecond) // as stored
		err = tx.Model(&models.RuleSetVersion{}).Where("id = ?", draft.ID).
			Updates(map[string]any{"state": models.RuleSetPublished, "published_at": publishedAt}).Error
		if err != nil {
			return fmt.Errorf("publish %s rules v%d: %w", kind, draft.Version, err)
		}
		draft.State, draft.PublishedAt = models.RuleSetPublished, &publishedAt
		out = draft
		return nil
	})
	if err != nil {
		return models.RuleSetVersion{}, err
	}
	return out, nil
}

// Rollback publishes a copy of the earlier version number version as a new
// version and archives the one published before; versions are never changed
// once published, so the history stays as it happened. The copy's rules are
// validated as by [Publish]. A pending draft keeps its rules and stays the
// newest version: it moves up one number and the copy takes its old one.
// Rolling back to the published version or to the draft is a
// [*ConflictError]; to a version that does not exist, a [*NotFoundError].
func Rollback(ctx context.Context, db *gorm.DB, workspaceID, kind string, version int, now time.Time) (models.RuleSetVersion, error) {
	if err := CheckKind(kind); err != nil {
		return models.RuleSetVersion{}, err
	}
	var out models.RuleSetVersion
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWorkspace(tx, workspaceID); err != nil {
			return err
		}
		draft, hasDraft, err := findDraft(tx, workspaceID, kind)
		if err != nil {
			return err
		}
		source, err := find(tx, fmt.Sprintf("%s rules v%d", kind, version),
			"workspace_id = ? AND kind = ? AND version = ?", workspaceID, kind, version)
		if err != nil {
			return err
		}
		switch source.State {
		case models.RuleSetDraft:
			return &ConflictError{Field: "version", Message: fmt.Sprintf("v%d is the draft: publish it instead", version)}
		case models.RuleSetPublished:
			return &ConflictError{Field: "version", Message: fmt.Sprintf("v%d is already the published version", version)}
		}
		if err := validateVersion(tx, workspaceID, kind, source.Rules); err != nil {
			return err
		}
		number, err := nextVersion(tx, workspaceID, kind)
		if err != nil {
			return err
		}
		if hasDraft {
			// Nothing pins a draft's number, so it can move.
			if err := tx.Model(&models.RuleSetVersion{}).Where("id = ?", draft.ID).Update("version", number).Error; err != nil {
				return fmt.Errorf("renumber %s draft: %w", kind, err)
			}
			number = draft.Version
		}
		if err := archivePublished(tx, workspaceID, kind); err != nil {
			return err
		}
		publishedAt := now.UTC().Truncate(time.Microsecond) // as stored
		out = models.RuleSetVersion{
			ID: uuid.NewString(), WorkspaceID: workspaceID, Kind: kind, Version: number,
			State: models.RuleSetPublished, PublishedAt: &publishedAt, CreatedAt: publishedAt,
		}
		out.Rules = copyRules(source.Rules, out.ID)
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("create %s rules v%d: %w", kind, number, err)
		}
		return nil
	})
	if err != nil {
		return models.RuleSetVersion{}, err
	}
	sortRules(out.Rules)
	return out, nil
}

// editDraft runs edit in one transaction on the draft of kind, first
// creating the draft when create is set and there is none; without create,
// no draft is a [*NotFoundError].
func editDraft(ctx context.Context, db *gorm.DB, workspaceID, kind string, create bool,
	edit func(tx *gorm.DB, draft *models.RuleSetVersion) error) (models.RuleSetVersion, error) {
	var draft models.RuleSetVersion
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWorkspace(tx, workspaceID); err != nil {
			return err
		}
		var ok bool
		var err error
		if draft, ok, err = findDraft(tx, workspaceID, kind); err != nil {
			return err
		}
		if !ok {
			if !create {
				return &NotFoundError{What: kind + " draft"}
			}
			if draft, err = newDraft(tx, workspaceID, kind); err != nil {
				return err
			}
		}
		return edit(tx, &draft)
	})
	if err != nil {
		return models.RuleSetVersion{}, err
	}
	return draft, nil
}

// lockWorkspace locks the workspace's row until the transaction ends. Every
// change to a workspace's rules takes this lock first, so the changes run one
// after another and each sees the last: two first edits make one draft, an
// edit never lands in a version that was published meanwhile, and exactly
// one version is published. (SQLite ignores FOR UPDATE; Switchboard gives it
// one connection, so its transactions run one at a time anyway.)
func lockWorkspace(tx *gorm.DB, workspaceID string) error {
	var ws models.Workspace
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").
		Where("id = ?", workspaceID).Limit(1).Find(&ws).Error
	if err != nil {
		return fmt.Errorf("lock workspace: %w", err)
	}
	if ws.ID == "" {
		return &NotFoundError{What: "workspace"}
	}
	return nil
}

// findDraft finds the draft of kind, without its rules.
func findDraft(tx *gorm.DB, workspaceID, kind string) (models.RuleSetVersion, bool, error) {
	var draft models.RuleSetVersion
	err := tx.Where("workspace_id = ? AND kind = ? AND state = ?", workspaceID, kind, models.RuleSetDraft).
		Limit(1).Find(&draft).Error
	if err != nil {
		return draft, false, fmt.Errorf("find %s draft: %w", kind, err)
	}
	return draft, draft.ID != "", nil
}

// newDraft creates the draft of kind as a copy of the published version.
func newDraft(tx *gorm.DB, workspaceID, kind string) (models.RuleSetVersion, error) {
	number, err := nextVersion(tx, workspaceID, kind)
	if err != nil {
		return models.RuleSetVersion{}, err
	}
	draft := models.RuleSetVersion{
		ID: uuid.NewString(), WorkspaceID: workspaceID, Kind: kind, Version: number, State: models.RuleSetDraft,
	}
	published, err := find(tx, "published "+kind+" rules",
		"workspace_id = ? AND kind = ? AND state = ?", workspaceID, kind, models.RuleSetPublished)
	var notFound *NotFoundError
	switch {
	case err == nil:
		draft.Rules = copyRules(published.Rules, draft.ID)
	case !errors.As(err, &notFound):
		return models.RuleSetVersion{}, err
	}
	if err := tx.Create(&draft).Error; err != nil {
		return models.RuleSetVersion{}, fmt.Errorf("create %s draft v%d: %w", kind, number, err)
	}
	return draft, nil
}

// nextVersion returns the number after the highest version of kind.
func nextVersion(tx *gorm.DB, workspaceID, kind string) (int, error) {
	var highest int
	err := tx.Model(&models.RuleSetVersion{}).Where("workspace_id = ? AND kind = ?", workspaceID, kind).
		Select("COALESCE(MAX(version), 0)").Scan(&highest).Error
	if err != nil {
		return 0, fmt.Errorf("highest %s rules version: %w", kind, err)
	}
	return highest + 1, nil
}

// archivePublished archives the published version of kind, if any.
func archivePublished(tx *gorm.DB, workspaceID, kind string) error {
	err := tx.Model(&models.RuleSetVersion{}).
		Where("workspace_id = ? AND kind = ? AND state = ?", workspaceID, kind, models.RuleSetPublished).
		Update("state", models.RuleSetArchived).Error
	if err != nil {
		return fmt.Errorf("archive published %s rules: %w", kind, err)
	}
	return nil
}

// find returns the one version matching the query, with its rules, or a
// [*NotFoundError] for what.
func find(db *gorm.DB, what string, query string, args ...any) (models.RuleSetVersion, error) {
	var v models.RuleSetVersion
	if err := db.Where(query, args...).Limit(1).Find(&v).Error; err != nil {
		return v, fmt.Errorf("find %s: %w", what, err)
	}
	if v.ID == "" {
		return v, &NotFoundError{What: what}
	}
	var err error
	v.Rules, err = loadRules(db, v.ID)
	return v, err
}

// loadRules returns a version's rules in evaluation order.
func loadRules(db *gorm.DB, versionID string) ([]models.Rule, error) {
	var rows []models.Rule
	if err := db.Where("rule_set_version_id = ?", versionID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	sortRules(rows)
	return rows, nil
}

// sortRules puts rules in the order rules.Cache.Evaluate runs them:
// ascending priority, ties by ID.
func sortRules(rows []models.Rule) {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Priority != rows[j].Priority {
			return rows[i].Priority < rows[j].Priority
		}
		return rows[i].ID < rows[j].ID
	})
}

// copyRules copies rules into another version under new IDs.
func copyRules(rows []models.Rule, versionID string) []models.Rule {
	out := make([]models.Rule, len(rows))
	for i, r := range rows {
		r.ID, r.RuleSetVersionID = uuid.NewString(), versionID
		r.Channels = models.NewJSON(slices.Clone(r.Channels.V))
		out[i] = r
	}
	return out
}

// newRow is the row of a new rule.
func newRow(in RuleInput) models.Rule {
	return models.Rule{
		ID: uuid.NewString(), Name: strings.TrimSpace(in.Name), Priority: in.Priority, Enabled: in.Enabled,
		Condition: in.Condition, Channels: models.NewJSON(in.Channels), Percentage: in.Percentage,
		Mode: in.Mode, Team: in.Team, Message: in.Message,
	}
}

// EngineRules converts a version's rules to the rules engine's type, in the
// version's order: the rules a conversation that pinned the version
// evaluates (activities.EvaluateRules) and a dry run shows.
func EngineRules(v models.RuleSetVersion) []rules.Rule {
	out := make([]rules.Rule, 0, len(v.Rules))
	for _, r := range v.Rules {
		out = append(out, EngineRule(v.Kind, r))
	}
	return out
}

// EngineRule converts a stored rule of kind to the rules engine's type. It is
// the one conversion: what is validated before a rule is saved or published
// is what the workflow evaluates.
func EngineRule(kind string, r models.Rule) rules.Rule {
	return rules.Rule{
		ID: r.ID, Name: r.Name, Kind: rules.Kind(kind), Priority: r.Priority, Enabled: r.Enabled,
		Condition: r.Condition, Channels: r.Channels.V, Percentage: r.Percentage,
		Mode: rules.HandoffMode(r.Mode), Team: r.Team, Message: r.Message,
	}
}

// checkFields checks one rule on its own: rules.ValidateRule, and the fields
// the engine does not look at.
func checkFields(kind string, r models.Rule) *rules.FieldError {
	if r.Name == "" {
		return &rules.FieldError{Field: "name", Message: "must not be empty"}
	}
	if n := utf8.RuneCountInString(r.Name); n > MaxNameLength {
		return &rules.FieldError{Field: "name", Message: fmt.Sprintf("%d characters, more than the %d allowed", n, MaxNameLength)}
	}
	if err := rules.ValidateRule(EngineRule(kind, r)); err != nil {
		var fe *rules.FieldError
		if errors.As(err, &fe) {
			return fe
		}
		return &rules.FieldError{Field: "rule", Message: err.Error(), Err: err}
	}
	// A field the engine ignores for this kind is refused rather than saved
	// and silently ignored.
	switch rules.Kind(kind) {
	case rules.KindRouting:
		for _, f := range []struct{ name, value string }{{"mode", r.Mode}, {"team", r.Team}, {"message", r.Message}} {
			if f.value != "" {
				return &rules.FieldError{Field: f.name, Message: "only handoff rules have a " + f.name}
			}
		}
	case rules.KindHandoff:
		if len(r.Channels.V) > 0 {
			return &rules.FieldError{Field: "channels", Message: "only routing rules are limited to channels"}
		}
		if r.Percentage != 0 {
			return &rules.FieldError{Field: "percentage", Message: "only routing rules apply to a percentage of conversations"}
		}
	}
	if n := utf8.RuneCountInString(r.Message); n > MaxMessageLength {
		return &rules.FieldError{Field: "message", Message: fmt.Sprintf("%d characters, more than the %d allowed", n, MaxMessageLength)}
	}
	return nil
}

// teamKeys returns the keys of the workspace's teams, sorted.
func teamKeys(db *gorm.DB, workspaceID string) ([]string, error) {
	var keys []string
	if err := db.Model(&models.Team{}).Where("workspace_id = ?", workspaceID).Pluck("key", &keys).Error; err != nil {
		return nil, fmt.Errorf("load teams: %w", err)
	}
	slices.Sort(keys)
	return keys, nil
}

// checkTeam checks that a handoff rule hands over to a team of the
// workspace.
func checkTeam(kind string, r models.Rule, teams []string) *rules.FieldError {
	if kind != string(rules.KindHandoff) || slices.Contains(teams, r.Team) {
		return nil
	}
	known := "the workspace has no teams"
	if len(teams) > 0 {
		known = "teams: " + strings.Join(teams, ", ")
	}
	return &rules.FieldError{Field: "team", Message: fmt.Sprintf("no team %q in this workspace (%s)", r.Team, known)}
}

// checkUnique returns a [*ConflictError] when r has the name or the priority
// of one of others (r itself excluded). Priorities must differ because rules
// run by priority, and ties are broken by rule ID, which a rule gets anew in
// every version: equal priorities could change order between versions.
func checkUnique(r models.Rule, others []models.Rule, fieldPrefix string) error {
	for _, o := range others {
		if o.ID == r.ID {
			continue
		}
		if strings.EqualFold(o.Name, r.Name) {
			return &ConflictError{Field: fieldPrefix + "name", Message: fmt.Sprintf("another rule is already called %q", o.Name)}
		}
		if o.Priority == r.Priority {
			return &ConflictError{Field: fieldPrefix + "priority",
				Message: fmt.Sprintf("rule %q already has priority %d; rules run by ascending priority, so each needs its own", o.Name, o.Priority)}
		}
	}
	return nil
}

// checkInDraft checks a rule against the workspace's teams and the draft's
// other rules.
func checkInDraft(tx *gorm.DB, workspaceID, kind string, r models.Rule) error {
	teams, err := teamKeys(tx, workspaceID)
	if err != nil {
		return err
	}
	if fe := checkTeam(kind, r, teams); fe != nil {
		return &RuleError{Field: fe.Field, Err: fe}
	}
	others, err := loadRules(tx, r.RuleSetVersionID)
	if err != nil {
		return err
	}
	isNew := !slices.ContainsFunc(others, func(o models.Rule) bool { return o.ID == r.ID })
	if isNew && len(others) >= rules.MaxRules {
		return &ConflictError{Message: fmt.Sprintf("the %s draft has %d rules already, the most a rule set may have: delete one first", kind, len(others))}
	}
	return checkUnique(r, others, "")
}

// validateVersion checks every rule of a version about to be published, in
// evaluation order, and that there are at most rules.MaxRules of them.
func validateVersion(tx *gorm.DB, workspaceID, kind string, rows []models.Rule) error {
	if len(rows) > rules.MaxRules {
		return &ConflictError{Message: fmt.Sprintf("%d %s rules, more than the %d a rule set may have: delete some first", len(rows), kind, rules.MaxRules)}
	}
	teams, err := teamKeys(tx, workspaceID)
	if err != nil {
		return err
	}
	for i, r := range rows {
		fe := checkFields(kind, r)
		if fe == nil {
			fe = checkTeam(kind, r, teams)
		}
		if fe != nil {
			return &RuleError{Field: fmt.Sprintf("rules[%d].%s", i, fe.Field), RuleName: r.Name, Err: fe}
		}
		if err := checkUnique(r, rows[:i], fmt.Sprintf("rules[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// Digest identifies a version's rules as they are: it changes when any rule
// is added, removed or edited (a rehearsal of a draft holds only while the
// draft's digest is the one it rehearsed).
func Digest(v models.RuleSetVersion) string {
	h := sha256.New()
	for _, r := range v.Rules {
		fmt.Fprintf(h, "%s\x00%d\x00%t\x00%s\x00%v\x00%d\x00%s\x00%s\x00%s\x01",
			r.Name, r.Priority, r.Enabled, r.Condition, r.Channels.V, r.Percentage, r.Mode, r.Team, r.Message)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
