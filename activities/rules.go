package activities

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
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

// LoadRuleSet returns the rules of a workspace's rule set version, loaded
// and converted by package rulesets; a version that does not exist has no
// rules.
func (a *Activities) LoadRuleSet(ctx context.Context, workspaceID, kind string, version int) ([]rules.Rule, error) {
	key := workspaceID + "/" + kind + "/" + strconv.Itoa(version)
	if v, ok := ruleSets.Load(key); ok {
		return v.([]rules.Rule), nil
	}
	set, err := rulesets.Get(ctx, a.DB, workspaceID, kind, version)
	var notFound *rulesets.NotFoundError
	switch {
	case errors.As(err, &notFound):
		return []rules.Rule{}, nil
	case err != nil:
		return nil, err
	}
	out := rulesets.EngineRules(set)
	if set.State != models.RuleSetDraft {
		ruleSets.Store(key, out)
	}
	return out, nil
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
