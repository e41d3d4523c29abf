package activities

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
)

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
}

// JudgeCase reads what the case's turns did and records the case: a
// scenario's turns against their expectations, a past conversation's
// turns against what they did then. Idempotent by rehearsal and index.
func (a *Activities) JudgeCase(ctx context.Context, in JudgeCaseInput) error {
	report := models.CaseReport{Kind: in.Case.Kind, Scenario: in.Case.ScenarioID, Name: in.Case.Name,
		Conversation: in.Case.ExternalID, Error: in.Error, Turns: []models.TurnReport{}}
	if in.Error == "" {
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
		for i, turn := range now {
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
	return a.DB.WithContext(ctx).Model(&models.Rehearsal{}).Where("id = ?", in.RehearsalID).Updates(map[string]any{
		"status": in.Status, "report": models.NewJSON(report), "done": len(rows), "finished_at": &at,
	}).Error
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
