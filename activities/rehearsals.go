package activities

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
)

// rehearsedConfig is the workspace's configuration cfg with the drafts of
// rehearsal rehearsalID in place of its own: the agent settings (and the
// actions enabled with them) and whether there are issue types. cfg, which
// the cache shares, is not changed.
func rehearsedConfig(db *gorm.DB, workspaceID, rehearsalID string, cfg *workspaceConfig) (*workspaceConfig, error) {
	var r models.Rehearsal
	res := db.Select("config").Where("workspace_id = ? AND id = ?", workspaceID, rehearsalID).Limit(1).Find(&r)
	if res.Error != nil {
		return nil, fmt.Errorf("load rehearsal configuration: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, temporal.NewNonRetryableApplicationError("no rehearsal "+rehearsalID, "RehearsalNotFound", nil)
	}
	draft := r.Config.V
	if draft.AgentSettings == nil && (draft.IssueTypes == nil || draft.IssueTypes.Types == nil) {
		return cfg, nil
	}
	out := *cfg
	if d := draft.AgentSettings; d != nil {
		out.config.Settings = decide.SettingsOf(d.Row(workspaceID))
		if d.EnabledActions == nil {
			for name, spec := range cfg.config.Settings.Actions {
				out.config.Settings.Actions[name] = spec
			}
		} else if len(d.EnabledActions) > 0 {
			var rows []models.Action
			if err := db.Where("workspace_id = ? AND action IN ?", workspaceID, d.EnabledActions).Find(&rows).Error; err != nil {
				return nil, fmt.Errorf("load the draft's actions: %w", err)
			}
			for _, row := range rows {
				spec, err := actions.SpecOf(row)
				if err != nil {
					slog.Warn("action left out", "workspace", workspaceID, "action", row.Name, "err", err)
					continue
				}
				out.config.Settings.Actions[spec.Name] = spec
			}
		}
	}
	if it := draft.IssueTypes; it != nil && it.Types != nil {
		out.config.HasIssueTypes = len(it.Types) > 0
	}
	var err error
	if out.digest, err = configDigest(out.config); err != nil {
		return nil, err
	}
	return &out, nil
}

// rehearsedIssueTypes is the issue-type draft of a rehearsal, nil when it
// tries none.
func rehearsedIssueTypes(ctx context.Context, db *gorm.DB, workspaceID, rehearsalID string) (*models.IssueTypesDraft, error) {
	var r models.Rehearsal
	if err := db.WithContext(ctx).Select("config").Where("workspace_id = ? AND id = ?", workspaceID, rehearsalID).
		Limit(1).Find(&r).Error; err != nil {
		return nil, fmt.Errorf("load rehearsal configuration: %w", err)
	}
	return r.Config.V.IssueTypes, nil
}

// Kinds of rehearsal case.
const (
	CaseScenario = "scenario"
	CasePast     = "past"
)

// RehearsalCase is one case of a rehearsal: a saved scenario's messages
// and expectations, or a past conversation's customer messages.
type RehearsalCase struct {
	Kind string
	// ScenarioID and Name name a scenario; Expect are its turns'
	// expectations, in order.
	ScenarioID string               `json:",omitempty"`
	Name       string               `json:",omitempty"`
	Expect     []models.Expectation `json:",omitempty"`
	// PastRowID is a past conversation's row ID, ExternalID its own ID.
	PastRowID    string `json:",omitempty"`
	ExternalID   string `json:",omitempty"`
	Messages     []string
	ContactEmail string `json:",omitempty"`
	ChannelID    string
	ChannelType  string
	// Simulation, for a simulated scenario, is the customer a language
	// model plays (Messages and Expect are then empty).
	Simulation *models.Simulation `json:",omitempty"`
	// Skip, when set, is why the case does not run: it is recorded as
	// skipped, neither passed nor failed.
	Skip string `json:",omitempty"`
}

// JudgeCaseInput is a case whose test conversation has ended.
type JudgeCaseInput struct {
	WorkspaceID       string
	RehearsalID       string
	Index             int
	Case              RehearsalCase
	ConversationRowID string
	// Error is why the case's conversation failed, "" when it ran.
	Error string `json:",omitempty"`
	// Criterion is the model's verdict on a simulated scenario's criterion.
	Criterion *models.CriterionVerdict `json:",omitempty"`
}

// JudgeCase reads what the case's turns did and records the case: a
// scenario's turns against their expectations, a past conversation's
// turns against what they did then. Idempotent by rehearsal and index.
func (a *Activities) JudgeCase(ctx context.Context, in JudgeCaseInput) error {
	report := models.CaseReport{Kind: in.Case.Kind, Scenario: in.Case.ScenarioID, Name: in.Case.Name,
		Conversation: in.Case.ExternalID, Error: in.Error, Skipped: in.Case.Skip, Turns: []models.TurnReport{},
		Simulated: in.Case.Simulation != nil, Criterion: in.Criterion}
	if in.Error == "" && in.Case.Skip == "" {
		now, err := rehearse.Observe(ctx, a.DB, in.ConversationRowID)
		if err != nil {
			return err
		}
		var then []rehearse.Turn
		if in.Case.Kind == CasePast {
			if then, err = rehearse.Observe(ctx, a.DB, in.Case.PastRowID); err != nil {
				return err
			}
		}
		report.Passed = true
		observed := make([]models.ObservedTurn, 0, len(now))
		for i, turn := range now {
			observed = append(observed, turn.Observed)
			tr := models.TurnReport{Message: turn.Message, Now: turn.Observed}
			if i < len(in.Case.Expect) {
				tr.Failures = rehearse.Judge(in.Case.Expect[i], turn.Observed)
				report.Passed = report.Passed && len(tr.Failures) == 0
			}
			if i < len(then) {
				t := then[i].Observed
				tr.Then = &t
				tr.Differs = rehearse.Differ(t, turn.Observed)
				report.Changed = report.Changed || len(tr.Differs) > 0
			}
			report.Turns = append(report.Turns, tr)
		}
		if sim := in.Case.Simulation; sim != nil {
			report.Failures = rehearse.JudgeConversation(sim.Expect, observed)
			report.Passed = len(report.Failures) == 0
			if len(now) == 0 {
				report.Passed, report.Error = false, "the simulated customer wrote nothing"
			}
		}
		if len(now) < len(in.Case.Messages) {
			report.Passed = false
			report.Error = fmt.Sprintf("%d of %d messages have a recorded turn", len(now), len(in.Case.Messages))
		}
	}
	if in.Case.Kind == CasePast {
		report.Passed = false // a past conversation has no expectations
	}
	row := models.RehearsalCase{RehearsalID: in.RehearsalID, Index: in.Index, Report: models.NewJSON(report), CreatedAt: time.Now().UTC()}
	if err := a.DB.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
		return fmt.Errorf("record rehearsal case: %w", err)
	}
	return a.DB.WithContext(ctx).Model(&models.Rehearsal{}).Where("id = ?", in.RehearsalID).
		Update("done", a.DB.Model(&models.RehearsalCase{}).Select("COUNT(*)").Where("rehearsal_id = ?", in.RehearsalID)).Error
}

// FinishRehearsalInput ends a rehearsal with its status.
type FinishRehearsalInput struct {
	WorkspaceID string
	RehearsalID string
	Status      string
	At          time.Time
}

// FinishRehearsal gathers the judged cases into the rehearsal's report:
// scenarios passed and failed; past conversations changed, and their
// resolution and hand-off rates then and projected now.
func (a *Activities) FinishRehearsal(ctx context.Context, in FinishRehearsalInput) error {
	var rows []models.RehearsalCase
	if err := a.DB.WithContext(ctx).Where("rehearsal_id = ?", in.RehearsalID).Order("case_index").Find(&rows).Error; err != nil {
		return fmt.Errorf("read rehearsal cases: %w", err)
	}
	report := models.RehearsalReport{Cases: []models.CaseReport{}}
	var resolvedThen, resolvedNow, handedThen, handedNow int
	for _, r := range rows {
		c := r.Report.V
		report.Cases = append(report.Cases, c)
		switch c.Kind {
		case CaseScenario:
			if c.Skipped != "" {
				report.Skipped++
				continue
			}
			report.ScenariosTried++
			if c.Passed {
				report.Passed++
			} else {
				report.Failed++
			}
		case CasePast:
			if c.Error != "" {
				continue
			}
			report.PastCompared++
			if c.Changed {
				report.Changed++
			}
			then, now := endOf(c.Turns, true), endOf(c.Turns, false)
			resolvedThen, handedThen = resolvedThen+then.resolved, handedThen+then.handed
			resolvedNow, handedNow = resolvedNow+now.resolved, handedNow+now.handed
		}
	}
	if n := float64(report.PastCompared); n > 0 {
		report.ResolvedThen, report.ResolvedNow = float64(resolvedThen)/n, float64(resolvedNow)/n
		report.HandedOffThen, report.HandedOffNow = float64(handedThen)/n, float64(handedNow)/n
	}
	at := in.At
	err := a.DB.WithContext(ctx).Model(&models.Rehearsal{}).Where("id = ?", in.RehearsalID).Updates(map[string]any{
		"status": in.Status, "report": models.NewJSON(report), "done": len(rows), "finished_at": &at,
	}).Error
	if err != nil {
		return err
	}
	a.parkSnapshot(ctx, in.WorkspaceID, in.RehearsalID)
	return nil
}

// parkSnapshot sends the content snapshot the rehearsal searched, if any,
// out of Weaviate's memory, unless another running rehearsal searches it.
// It only saves memory: a failure is logged, and the next search of the
// snapshot, or the next rehearsal's end, does the same.
func (a *Activities) parkSnapshot(ctx context.Context, workspaceID, rehearsalID string) {
	if a.Knowledge == nil {
		return
	}
	var rows []models.Rehearsal
	err := a.DB.WithContext(ctx).Select("id", "status", "config").
		Where("workspace_id = ? AND (id = ? OR status = ?)", workspaceID, rehearsalID, models.RehearsalRunning).Find(&rows).Error
	if err != nil {
		slog.Warn("content snapshot not parked", "rehearsal", rehearsalID, "error", err)
		return
	}
	snapshot := ""
	for _, r := range rows {
		if r.ID == rehearsalID {
			snapshot = r.Config.V.Snapshot
		}
	}
	if snapshot == "" {
		return
	}
	for _, r := range rows {
		if r.ID != rehearsalID && r.Status == models.RehearsalRunning && r.Config.V.Snapshot == snapshot {
			return
		}
	}
	if err := a.Knowledge.ParkSnapshot(ctx, snapshot); err != nil {
		slog.Warn("content snapshot not parked", "rehearsal", rehearsalID, "snapshot", snapshot, "error", err)
	}
}

type ending struct{ resolved, handed int }

// endOf is how a conversation's turns end, then or now: handed off when a
// turn handed it off, else resolved when a turn answered or acted.
func endOf(turns []models.TurnReport, then bool) ending {
	handed, answered := false, false
	for _, t := range turns {
		o := t.Now
		if then {
			if t.Then == nil {
				continue
			}
			o = *t.Then
		}
		handed = handed || o.HandedOff
		answered = answered || o.Outcome == rehearse.OutcomeAnswered || o.Outcome == rehearse.OutcomeAction
	}
	switch {
	case handed:
		return ending{handed: 1}
	case answered:
		return ending{resolved: 1}
	}
	return ending{}
}
