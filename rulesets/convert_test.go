package rulesets

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/models"
)

// The rules validated here must be the rules the workflow evaluates.
func TestEngineRuleMatchesTheWorkflows(t *testing.T) {
	t.Parallel()
	row := models.Rule{
		ID: "r1", RuleSetVersionID: "v1", Name: "All fields", Priority: 7, Enabled: true,
		Condition: "true", Channels: models.NewJSON([]string{"chat"}), Percentage: 40,
		Mode: "keep_assisting", Team: "support", Message: "hello",
	}
	for _, kind := range []string{"routing", "handoff"} {
		require.Equal(t, activities.RuleOf(kind, row), engineRule(kind, row))
	}
}
