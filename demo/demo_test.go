package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
)

// rowCounts counts the rows of every table.
func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, m := range models.All() {
		var n int64
		require.NoError(t, db.Model(m).Count(&n).Error)
		out[fmt.Sprintf("%T", m)] = n
	}
	return out
}

func TestSeedIsValidAndIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	now := time.Now().UTC()

	seeded, keys, err := demo.Seed(ctx, db, now)
	require.NoError(t, err)
	require.True(t, seeded.Created)
	for _, key := range []string{keys.Admin, keys.Rep, keys.Auditor, keys.Widget} {
		require.NotEmpty(t, key)
	}

	// One published handoff rule set, every rule of which validates as the
	// workflow loads it and could be published again as it is.
	var versions []models.RuleSetVersion
	require.NoError(t, db.Preload("Rules").Where("workspace_id = ?", seeded.WorkspaceID).Find(&versions).Error)
	require.Len(t, versions, 1)
	v := versions[0]
	require.Equal(t, []any{"handoff", 1, models.RuleSetPublished}, []any{v.Kind, v.Version, v.State})
	require.NotNil(t, v.PublishedAt)
	require.Len(t, v.Rules, demo.HandoffRuleCount)
	for _, r := range v.Rules {
		require.NoError(t, rules.ValidateRule(rulesets.EngineRule(v.Kind, r)), r.Name)
		in := rulesets.RuleInput{
			Name: r.Name, Priority: r.Priority, Enabled: r.Enabled, Condition: r.Condition, Channels: r.Channels.V,
			Percentage: r.Percentage, Mode: r.Mode, Team: r.Team, Message: r.Message,
		}
		require.NoError(t, rulesets.Validate(ctx, db, seeded.WorkspaceID, v.Kind, in), r.Name)
	}

	// Seeding again finds the workspace and writes nothing.
	before := rowCounts(t, db)
	again, keys, err := demo.Seed(ctx, db, now.Add(time.Hour))
	require.NoError(t, err)
	require.False(t, again.Created)
	require.Equal(t, seeded.WorkspaceID, again.WorkspaceID)
	require.Equal(t, seeded.ChannelID, again.ChannelID)
	require.Equal(t, demo.Keys{}, keys, "keys exist in clear only when created")
	require.Equal(t, before, rowCounts(t, db))
	require.EqualValues(t, 1, before["*models.Workspace"])
}

// The labelled questions of the retrieval evaluation name sections that
// exist: an edit of the articles that moves an answer fails here, not as a
// silent drop in recall.
func TestRetrievalQuestionsNameExistingSections(t *testing.T) {
	t.Parallel()
	questions, err := demo.RetrievalQuestions()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(questions), 40)
	sections := demo.ArticleSections()
	seen := map[string]bool{}
	for i, q := range questions {
		require.NotEmpty(t, q.Question, "questions[%d]", i)
		require.False(t, seen[q.Question], "questions[%d] is a duplicate: %q", i, q.Question)
		seen[q.Question] = true
		require.NotEmpty(t, q.Answers, "questions[%d] %q has no answer", i, q.Question)
		for _, a := range q.Answers {
			require.Contains(t, sections[a.Article], a.Section, "questions[%d] %q: no section %s", i, q.Question, a)
		}
	}
}
