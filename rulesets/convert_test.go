package rulesets

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// Every field of a stored rule reaches the engine: what is validated is what
// the workflow evaluates.
func TestEngineRulesConvertEveryField(t *testing.T) {
	t.Parallel()
	row := models.Rule{
		ID: "r1", RuleSetVersionID: "v1", Name: "All fields", Priority: 7, Enabled: true,
		Condition: "true", Channels: models.NewJSON([]string{"chat"}), Percentage: 40,
		Mode: "keep_assisting", Team: "support", Message: "hello",
	}
	want := rules.Rule{
		ID: "r1", Name: "All fields", Kind: rules.KindHandoff, Priority: 7, Enabled: true,
		Condition: "true", Channels: []string{"chat"}, Percentage: 40,
		Mode: rules.HandoffMode("keep_assisting"), Team: "support", Message: "hello",
	}
	require.Equal(t, want, EngineRule("handoff", row))
	require.Equal(t, []rules.Rule{want}, EngineRules(models.RuleSetVersion{Kind: "handoff", Rules: []models.Rule{row}}))
	require.Empty(t, EngineRules(models.RuleSetVersion{Kind: "routing"}))
}
