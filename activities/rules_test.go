package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
)

// EvaluateRules reads a pinned version through package rulesets: the
// published version's rules, a draft as it is now, and no rules for a
// version that does not exist.
func TestEvaluateRulesLoadsThePinnedVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	seeded, _, err := demo.Seed(ctx, db, now)
	require.NoError(t, err)
	a := &activities.Activities{DB: db}
	evaluate := func(version int) activities.EvaluateRulesResult {
		t.Helper()
		out, err := a.EvaluateRules(ctx, activities.EvaluateRulesInput{
			WorkspaceID: seeded.WorkspaceID, Kind: "handoff", Version: version,
			Env: rules.Env{Conversation: rules.Conversation{Text: "I want a refund", Channel: "chat"}, Now: now},
		})
		require.NoError(t, err)
		return out
	}

	published := evaluate(1)
	require.NotNil(t, published.Decision.Matched)

	require.Zero(t, evaluate(9).RuleCount, "a version that does not exist has no rules")

	// A draft is read anew each time: it changes until it is published.
	draft, err := rulesets.Draft(ctx, db, seeded.WorkspaceID, "handoff")
	require.NoError(t, err)
	require.NotEmpty(t, draft.Rules)
	require.Equal(t, len(draft.Rules), published.RuleCount, "a new draft starts as the published version")
	require.Equal(t, len(draft.Rules), evaluate(draft.Version).RuleCount)
	for _, r := range draft.Rules {
		require.NoError(t, rulesets.DeleteRule(ctx, db, seeded.WorkspaceID, "handoff", r.ID))
	}
	require.Zero(t, evaluate(draft.Version).RuleCount)
}
