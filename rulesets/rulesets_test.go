package rulesets_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
)

const handoff = "handoff"

// testBundle is a workspace with the teams "support" and "accounts".
type testBundle struct {
	ctx context.Context
	db  *gorm.DB
	ws  string
	now time.Time
}

func setup(t *testing.T, db *gorm.DB) testBundle {
	t.Helper()
	b := testBundle{ctx: context.Background(), db: db, ws: uuid.NewString(), now: time.Date(2025, 3, 5, 10, 30, 0, 0, time.UTC)}
	require.NoError(t, db.Create(&models.Workspace{ID: b.ws, Name: "Test"}).Error)
	for _, key := range []string{"support", "accounts"} {
		require.NoError(t, db.Create(&models.Team{ID: uuid.NewString(), WorkspaceID: b.ws, Key: key, Name: key}).Error)
	}
	return b
}

// rule returns a valid handoff rule.
func rule(name string, priority int, condition string) rulesets.RuleInput {
	return rulesets.RuleInput{Name: name, Priority: priority, Enabled: true, Condition: condition, Mode: "transfer_now", Team: "support"}
}

// publishV1 publishes handoff v1 with a refund rule and a frustration rule.
func (b testBundle) publishV1(t *testing.T) models.RuleSetVersion {
	t.Helper()
	_, err := rulesets.CreateRule(b.ctx, b.db, b.ws, handoff, rule("Refunds", 10, `containsAny(conversation.text, ["refund"])`))
	require.NoError(t, err)
	_, err = rulesets.CreateRule(b.ctx, b.db, b.ws, handoff, rule("Frustrated", 20, `conversation.sentiment == "frustrated"`))
	require.NoError(t, err)
	v1, err := rulesets.Publish(b.ctx, b.db, b.ws, handoff, b.now)
	require.NoError(t, err)
	require.Equal(t, 1, v1.Version)
	return v1
}

func (b testBundle) count(t *testing.T, model any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, b.db.Model(model).Count(&n).Error)
	return n
}

// fields are the parts of a rule that a copy keeps.
func fields(rows []models.Rule) []models.Rule {
	out := make([]models.Rule, len(rows))
	for i, r := range rows {
		r.ID, r.RuleSetVersionID = "", ""
		out[i] = r
	}
	return out
}

func TestDraftPublishAndHistory(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)

		// Nothing yet.
		list, err := rulesets.List(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Empty(t, list)
		var notFound *rulesets.NotFoundError
		_, err = rulesets.GetPublished(b.ctx, db, b.ws, handoff)
		require.ErrorAs(t, err, &notFound)
		_, err = rulesets.GetDraft(b.ctx, db, b.ws, handoff)
		require.ErrorAs(t, err, &notFound)
		var conflict *rulesets.ConflictError
		_, err = rulesets.Publish(b.ctx, db, b.ws, handoff, b.now)
		require.ErrorAs(t, err, &conflict, "no draft to publish")

		// The first edit creates draft v1; publishing it makes it v1.
		v1 := b.publishV1(t)
		require.Equal(t, models.RuleSetPublished, v1.State)
		require.True(t, v1.PublishedAt.Equal(b.now))
		require.Len(t, v1.Rules, 2)
		require.Equal(t, "Refunds", v1.Rules[0].Name, "rules come in evaluation order")

		// The next edit starts draft v2 as a copy of v1, under new rule IDs.
		draft, err := rulesets.Draft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Equal(t, 2, draft.Version)
		require.Equal(t, models.RuleSetDraft, draft.State)
		require.Equal(t, fields(v1.Rules), fields(draft.Rules))
		require.NotEqual(t, v1.Rules[0].ID, draft.Rules[0].ID)
		again, err := rulesets.Draft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Equal(t, draft.ID, again.ID, "one draft at a time")

		// Editing the draft leaves v1 as it was.
		edited := rule("Refunds and returns", 10, `containsAny(conversation.text, ["refund", "return"])`)
		updated, err := rulesets.UpdateRule(b.ctx, db, b.ws, handoff, draft.Rules[0].ID, edited)
		require.NoError(t, err)
		require.Equal(t, "Refunds and returns", updated.Name)
		require.NoError(t, rulesets.DeleteRule(b.ctx, db, b.ws, handoff, draft.Rules[1].ID))
		stillV1, err := rulesets.Get(b.ctx, db, b.ws, handoff, 1)
		require.NoError(t, err)
		require.Equal(t, v1.Rules, stillV1.Rules)

		// A v1 rule cannot be edited through its own ID: only the draft's can.
		_, err = rulesets.UpdateRule(b.ctx, db, b.ws, handoff, v1.Rules[0].ID, edited)
		require.ErrorAs(t, err, &notFound)
		require.ErrorAs(t, rulesets.DeleteRule(b.ctx, db, b.ws, handoff, v1.Rules[0].ID), &notFound)

		// Publishing v2 archives v1; exactly one version is published.
		later := b.now.Add(time.Hour)
		v2, err := rulesets.Publish(b.ctx, db, b.ws, handoff, later)
		require.NoError(t, err)
		require.Equal(t, 2, v2.Version)
		require.Len(t, v2.Rules, 1)
		published, err := rulesets.GetPublished(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Equal(t, 2, published.Version)
		list, err = rulesets.List(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, rulesets.Summary{Version: 2, State: models.RuleSetPublished, PublishedAt: list[0].PublishedAt, CreatedAt: list[0].CreatedAt, RuleCount: 1}, list[0])
		require.True(t, list[0].PublishedAt.Equal(later))
		require.Equal(t, 1, list[1].Version)
		require.Equal(t, models.RuleSetArchived, list[1].State)
		require.Equal(t, 2, list[1].RuleCount)
		require.True(t, list[1].PublishedAt.Equal(b.now), "an archived version keeps when it was published")
		_, err = rulesets.GetDraft(b.ctx, db, b.ws, handoff)
		require.ErrorAs(t, err, &notFound)

		// Another workspace sees none of it.
		_, err = rulesets.Get(b.ctx, db, uuid.NewString(), handoff, 1)
		require.ErrorAs(t, err, &notFound)
		// Nor does the other kind.
		_, err = rulesets.Get(b.ctx, db, b.ws, "routing", 1)
		require.ErrorAs(t, err, &notFound)
	})
}

func TestInvalidRulesAreRejectedAndNothingIsSaved(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)

		tests := []struct {
			name  string
			kind  string
			rule  rulesets.RuleInput
			field string
		}{
			{"condition", handoff, rule("Tier", 10, "1 + tier > 0"), "condition"},
			{"empty condition", handoff, rule("Empty", 10, "  "), "condition"},
			{"empty name", handoff, rule(" ", 10, "true"), "name"},
			{"mode", handoff, func() rulesets.RuleInput { r := rule("Mode", 10, "true"); r.Mode = "later"; return r }(), "mode"},
			{"unknown team", handoff, func() rulesets.RuleInput { r := rule("Sales", 10, "true"); r.Team = "sales"; return r }(), "team"},
			{"handoff percentage", handoff, func() rulesets.RuleInput { r := rule("Half", 10, "true"); r.Percentage = 50; return r }(), "percentage"},
			{"routing team", "routing", rulesets.RuleInput{Name: "R", Percentage: 100, Team: "support"}, "team"},
			{"routing percentage", "routing", rulesets.RuleInput{Name: "R", Percentage: 120}, "percentage"},
			{"routing channel", "routing", rulesets.RuleInput{Name: "R", Percentage: 100, Channels: []string{" "}}, "channels[0]"},
		}
		for _, tt := range tests {
			_, err := rulesets.CreateRule(b.ctx, db, b.ws, tt.kind, tt.rule)
			var ruleErr *rulesets.RuleError
			require.ErrorAs(t, err, &ruleErr, tt.name)
			require.Equal(t, tt.field, ruleErr.Field, tt.name)
			require.ErrorAs(t, rulesets.Validate(b.ctx, db, b.ws, tt.kind, tt.rule), &ruleErr, tt.name)
		}
		// The compile error's position is there for the API to show.
		_, err := rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("Tier", 10, "conversation.test ||\n  tier == \"pro\""))
		var compileErr *rules.CompileError
		require.ErrorAs(t, err, &compileErr)
		require.Equal(t, rules.ErrorKindUnknownName, compileErr.Kind)
		require.Equal(t, [2]int{2, 3}, [2]int{compileErr.Line, compileErr.Column})
		require.Equal(t, `condition: unknown name "tier" at 2:3 (did you mean contact.tier?)`, err.Error())

		var kindErr *rulesets.KindError
		_, err = rulesets.CreateRule(b.ctx, db, b.ws, "billing", rule("X", 1, "true"))
		require.ErrorAs(t, err, &kindErr)

		// No draft was started for any of them.
		require.Zero(t, b.count(t, &models.RuleSetVersion{}))
		require.Zero(t, b.count(t, &models.Rule{}))

		// Duplicates within the draft conflict, by name (any case) or priority.
		first, err := rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("Refunds", 10, "true"))
		require.NoError(t, err)
		var conflict *rulesets.ConflictError
		_, err = rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("refunds", 20, "true"))
		require.ErrorAs(t, err, &conflict)
		require.Equal(t, "name", conflict.Field)
		_, err = rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("Other", 10, "true"))
		require.ErrorAs(t, err, &conflict)
		require.Equal(t, "priority", conflict.Field)
		// A rule keeps its own name and priority when updated.
		_, err = rulesets.UpdateRule(b.ctx, db, b.ws, handoff, first.ID, rule("Refunds", 10, "false"))
		require.NoError(t, err)
		require.EqualValues(t, 1, b.count(t, &models.Rule{}))
		var saved models.Rule
		require.NoError(t, db.Take(&saved, "id = ?", first.ID).Error)
		require.Equal(t, "false", saved.Condition)

		// An invalid update changes nothing.
		_, err = rulesets.UpdateRule(b.ctx, db, b.ws, handoff, first.ID, rule("Refunds", 10, "order.total"))
		require.ErrorAs(t, err, &compileErr)
		require.Equal(t, rules.ErrorKindNotBoolean, compileErr.Kind)
		require.NoError(t, db.Take(&saved, "id = ?", first.ID).Error)
		require.Equal(t, "false", saved.Condition)
	})
}

func TestFailedPublishLeavesThePublishedVersion(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.publishV1(t)
		draft, err := rulesets.Draft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)

		// A rule that slipped past validation (written directly) blocks the
		// publish, naming it by its place in evaluation order.
		bad := models.Rule{ID: uuid.NewString(), RuleSetVersionID: draft.ID, Name: "Broken", Priority: 15, Enabled: true,
			Condition: `conversation.sentiment = "angry"`, Mode: "transfer_now", Team: "support"}
		require.NoError(t, db.Create(&bad).Error)
		_, err = rulesets.Publish(b.ctx, db, b.ws, handoff, b.now.Add(time.Hour))
		var ruleErr *rulesets.RuleError
		require.ErrorAs(t, err, &ruleErr)
		require.Equal(t, "rules[1].condition", ruleErr.Field)
		require.Equal(t, "Broken", ruleErr.RuleName)
		require.Contains(t, err.Error(), `(rule "Broken")`)
		var compileErr *rules.CompileError
		require.ErrorAs(t, err, &compileErr)
		require.Equal(t, rules.ErrorKindSyntax, compileErr.Kind)

		assertStates := func() {
			t.Helper()
			list, err := rulesets.List(b.ctx, db, b.ws, handoff)
			require.NoError(t, err)
			require.Len(t, list, 2)
			require.Equal(t, models.RuleSetDraft, list[0].State)
			require.Nil(t, list[0].PublishedAt)
			require.Equal(t, models.RuleSetPublished, list[1].State)
			require.True(t, list[1].PublishedAt.Equal(b.now))
		}
		assertStates()

		// So does a team removed after the rules were written.
		require.NoError(t, db.Delete(&bad).Error)
		require.NoError(t, db.Where("workspace_id = ? AND key = ?", b.ws, "support").Delete(&models.Team{}).Error)
		_, err = rulesets.Publish(b.ctx, db, b.ws, handoff, b.now.Add(time.Hour))
		require.ErrorAs(t, err, &ruleErr)
		require.Equal(t, "rules[0].team", ruleErr.Field)
		require.Contains(t, err.Error(), `no team "support" in this workspace (teams: accounts)`)
		assertStates()
	})
}

func TestRollbackPublishesACopyAsANewVersion(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		v1 := b.publishV1(t)
		draft, err := rulesets.Draft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.NoError(t, rulesets.DeleteRule(b.ctx, db, b.ws, handoff, draft.Rules[0].ID))
		_, err = rulesets.Publish(b.ctx, db, b.ws, handoff, b.now.Add(time.Hour))
		require.NoError(t, err)
		// A pending draft v3 with one more rule.
		_, err = rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("Accounts", 30, `contact.tier == "enterprise"`))
		require.NoError(t, err)

		var conflict *rulesets.ConflictError
		_, err = rulesets.Rollback(b.ctx, db, b.ws, handoff, 2, b.now)
		require.ErrorAs(t, err, &conflict, "v2 is published")
		_, err = rulesets.Rollback(b.ctx, db, b.ws, handoff, 3, b.now)
		require.ErrorAs(t, err, &conflict, "v3 is the draft")
		require.Equal(t, "version", conflict.Field)
		var notFound *rulesets.NotFoundError
		_, err = rulesets.Rollback(b.ctx, db, b.ws, handoff, 9, b.now)
		require.ErrorAs(t, err, &notFound)

		rolledBackAt := b.now.Add(2 * time.Hour)
		v3, err := rulesets.Rollback(b.ctx, db, b.ws, handoff, 1, rolledBackAt)
		require.NoError(t, err)
		require.Equal(t, 3, v3.Version, "the copy takes the draft's number")
		require.Equal(t, models.RuleSetPublished, v3.State)
		require.Equal(t, fields(v1.Rules), fields(v3.Rules))

		list, err := rulesets.List(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		states := map[int]string{}
		counts := map[int]int{}
		for _, s := range list {
			states[s.Version], counts[s.Version] = s.State, s.RuleCount
		}
		require.Equal(t, map[int]string{1: "archived", 2: "archived", 3: "published", 4: "draft"}, states)
		require.Equal(t, map[int]int{1: 2, 2: 1, 3: 2, 4: 2}, counts, "the draft kept its rules and moved to v4")
		again, err := rulesets.Get(b.ctx, db, b.ws, handoff, 1)
		require.NoError(t, err)
		require.Equal(t, v1.Rules, again.Rules, "v1 itself is untouched")

		// The draft publishes as v4 on top of the rollback.
		v4, err := rulesets.Publish(b.ctx, db, b.ws, handoff, rolledBackAt.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 4, v4.Version)
	})
}

func TestEmptyDraftCanBePublished(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.publishV1(t)
		draft, err := rulesets.Draft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		for _, r := range draft.Rules {
			require.NoError(t, rulesets.DeleteRule(b.ctx, db, b.ws, handoff, r.ID))
		}
		v2, err := rulesets.Publish(b.ctx, db, b.ws, handoff, b.now)
		require.NoError(t, err)
		require.Equal(t, 2, v2.Version)
		require.Empty(t, v2.Rules)

		// A first routing draft is v1 of its own kind, empty.
		routing, err := rulesets.Draft(b.ctx, db, b.ws, "routing")
		require.NoError(t, err)
		require.Equal(t, 1, routing.Version)
		require.Empty(t, routing.Rules)
	})
}

func TestErrorsReadWell(t *testing.T) {
	t.Parallel()
	fe := &rules.FieldError{Field: "team", Message: "must not be empty for a handoff rule"}
	err := error(&rulesets.RuleError{Field: "rules[2].team", RuleName: "Big orders", Err: fe})
	require.Equal(t, `rules[2].team: must not be empty for a handoff rule (rule "Big orders")`, err.Error())
	require.True(t, errors.Is(err, fe))
	require.Equal(t, `kind: must be "routing" or "handoff", got "x"`, (&rulesets.KindError{Kind: "x"}).Error())
	require.Equal(t, "handoff rules v7 not found", (&rulesets.NotFoundError{What: "handoff rules v7"}).Error())
	require.Equal(t, "priority: taken", (&rulesets.ConflictError{Field: "priority", Message: "taken"}).Error())
}

func TestConcurrentFirstEditsShareOneDraft(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		const n = 8
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := range n {
			go func() {
				<-start
				_, err := rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule(fmt.Sprintf("Rule %d", i), 10*(i+1), "true"))
				errs <- err
			}()
		}
		close(start)
		for range n {
			require.NoError(t, <-errs)
		}
		draft, err := rulesets.GetDraft(b.ctx, db, b.ws, handoff)
		require.NoError(t, err)
		require.Equal(t, 1, draft.Version)
		require.Len(t, draft.Rules, n)
		require.EqualValues(t, 1, b.count(t, &models.RuleSetVersion{}))

		// A rule for a workspace that does not exist makes no draft.
		var notFound *rulesets.NotFoundError
		_, err = rulesets.CreateRule(b.ctx, db, uuid.NewString(), handoff, rule("X", 1, "true"))
		require.ErrorAs(t, err, &notFound)
		require.EqualValues(t, 1, b.count(t, &models.RuleSetVersion{}))
	})
}

func TestConcurrentPublishesPublishOnce(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.publishV1(t)
		_, err := rulesets.CreateRule(b.ctx, db, b.ws, handoff, rule("Accounts", 30, `contact.tier == "enterprise"`))
		require.NoError(t, err)

		const n = 4
		errs := make(chan error, n)
		start := make(chan struct{})
		for range n {
			go func() {
				<-start
				_, err := rulesets.Publish(b.ctx, db, b.ws, handoff, b.now)
				errs <- err
			}()
		}
		close(start)
		published := 0
		for range n {
			err := <-errs
			var conflict *rulesets.ConflictError
			if err == nil {
				published++
			} else {
				require.ErrorAs(t, err, &conflict, "the others find no draft")
			}
		}
		require.Equal(t, 1, published)
		var states []string
		require.NoError(t, db.Model(&models.RuleSetVersion{}).Where("workspace_id = ?", b.ws).Order("version").Pluck("state", &states).Error)
		require.Equal(t, []string{"archived", "published"}, states)
	})
}
