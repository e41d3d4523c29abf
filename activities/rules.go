package activities

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// EvaluateRulesInput asks which rule of a pinned rule set version matches.
type EvaluateRulesInput struct {
	WorkspaceID string
	// Kind is "handoff" or "routing".
	Kind    string
	Version int
	Env     rules.Env
}

// EvaluateRulesResult is the decision, with every evaluation, for the
// workflow history.
type EvaluateRulesResult struct {
	Version  int
	Decision rules.Decision
	// RuleCount is how many rules the version has (0: no rules, which for
	// routing means the agent takes every conversation).
	RuleCount int
}

// ruleSets caches rule set versions: a version never changes once created
// except while it is a draft, and conversations pin published ones.
var ruleSets sync.Map // key "workspace/kind/version" → []rules.Rule

// LoadRuleSet returns the rules of a workspace's rule set version.
func (a *Activities) LoadRuleSet(ctx context.Context, workspaceID, kind string, version int) ([]rules.Rule, error) {
	key := workspaceID + "/" + kind + "/" + strconv.Itoa(version)
	if v, ok := ruleSets.Load(key); ok {
		return v.([]rules.Rule), nil
	}
	var set models.RuleSetVersion
	err := a.DB.WithContext(ctx).Preload("Rules").
		Where("workspace_id = ? AND kind = ? AND version = ?", workspaceID, kind, version).Limit(1).Find(&set).Error
	if err != nil {
		return nil, fmt.Errorf("load %s rules v%d: %w", kind, version, err)
	}
	out := make([]rules.Rule, 0, len(set.Rules))
	for _, r := range set.Rules {
		out = append(out, RuleOf(kind, r))
	}
	if set.ID != "" && set.State != models.RuleSetDraft {
		ruleSets.Store(key, out)
	}
	return out, nil
}

// RuleOf converts a stored rule to the engine's type.
func RuleOf(kind string, r models.Rule) rules.Rule {
	return rules.Rule{
		ID: r.ID, Name: r.Name, Kind: rules.Kind(kind), Priority: r.Priority, Enabled: r.Enabled,
		Condition: r.Condition, Channels: r.Channels.V, Percentage: r.Percentage,
		Mode: rules.HandoffMode(r.Mode), Team: r.Team, Message: r.Message,
	}
}

// EvaluateRules evaluates the pinned version of a rule set. Rules that fail
// to evaluate count as not matched; their errors are in the result.
func (a *Activities) EvaluateRules(ctx context.Context, in EvaluateRulesInput) (EvaluateRulesResult, error) {
	out := EvaluateRulesResult{Version: in.Version}
	if in.Version == 0 {
		return out, nil
	}
	set, err := a.LoadRuleSet(ctx, in.WorkspaceID, in.Kind, in.Version)
	if err != nil {
		return out, err
	}
	out.RuleCount = len(set)
	out.Decision = a.ruleCache().Evaluate(in.Kind+"/v"+strconv.Itoa(in.Version), set, in.Env)
	return out, nil
}

var defaultRuleCache = rules.NewCache(rules.DefaultCacheSize)

func (a *Activities) ruleCache() *rules.Cache {
	if a.Rules != nil {
		return a.Rules
	}
	return defaultRuleCache
}
