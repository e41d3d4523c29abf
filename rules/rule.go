package rules

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// Kind is what a rule decides.
type Kind string

// The kinds of rule.
const (
	// KindRouting rules decide which conversations the agent takes.
	KindRouting Kind = "routing"
	// KindHandoff rules decide when a conversation goes to a human team.
	KindHandoff Kind = "handoff"
)

// HandoffMode is what happens when a handoff rule matches.
type HandoffMode string

// The handoff modes.
const (
	// ModeTransferNow hands the conversation to the team right away; the agent
	// stops replying.
	ModeTransferNow HandoffMode = "transfer_now"
	// ModeKeepAssisting notifies the team but lets the agent keep replying
	// until a person takes over.
	ModeKeepAssisting HandoffMode = "keep_assisting"
)

// Rule is an admin-defined routing or handoff rule.
type Rule struct {
	// ID identifies the rule; it breaks ties between equal priorities.
	ID string `json:"id"`
	// Name is the admin-facing name.
	Name string `json:"name"`
	// Kind is routing or handoff.
	Kind Kind `json:"kind"`
	// Priority orders evaluation: lower runs first; ties are broken by ID so
	// the order never depends on how rules were loaded.
	Priority int `json:"priority"`
	// Enabled rules are evaluated; disabled rules are skipped.
	Enabled bool `json:"enabled"`
	// Condition is the expr condition; empty means "always" for routing rules
	// and is invalid for handoff rules.
	Condition string `json:"condition"`

	// Channels limits a routing rule to these channels (compared without
	// regard to case); empty means all channels.
	Channels []string `json:"channels,omitempty"`
	// Percentage is the share of conversations a routing rule applies to,
	// 0..100, chosen by InPercentage on the conversation ID: 100 is all and 0
	// is none.
	Percentage int `json:"percentage"`

	// Mode is what a matching handoff rule does.
	Mode HandoffMode `json:"mode,omitempty"`
	// Team is the team a handoff rule hands over to.
	Team string `json:"team,omitempty"`
	// Message is what the customer is told on handoff; empty leaves it to the
	// caller's default.
	Message string `json:"message,omitempty"`
}

// FieldError is a rule that fails validation because of one field.
type FieldError struct {
	// Field is the rule field's JSON name, e.g. "condition", "percentage".
	Field string `json:"field"`
	// Message says what is wrong with it.
	Message string `json:"message"`
	// Err is the underlying error, e.g. the [*CompileError] of a condition;
	// nil when there is none.
	Err error `json:"-"`
}

// Error returns e.g. "percentage: must be between 0 and 100, got 120".
func (e *FieldError) Error() string {
	return e.Field + ": " + e.Message
}

// Unwrap returns the underlying error, so errors.As finds a [*CompileError]
// behind a condition's FieldError.
func (e *FieldError) Unwrap() error {
	return e.Err
}

// ValidateRule checks a rule before it is saved. It returns the first
// problem as a [*FieldError]; for a condition that does not compile the
// FieldError wraps the [*CompileError], so errors.As finds either.
func ValidateRule(r Rule) error {
	if strings.TrimSpace(r.ID) == "" {
		return &FieldError{Field: "id", Message: "must not be empty"}
	}
	if r.Kind != KindRouting && r.Kind != KindHandoff {
		return &FieldError{Field: "kind", Message: fmt.Sprintf("must be %q or %q, got %q", KindRouting, KindHandoff, r.Kind)}
	}
	if r.Condition != "" || r.Kind == KindHandoff {
		if _, err := Compile(r.Condition); err != nil {
			return &FieldError{Field: "condition", Message: err.Error(), Err: err}
		}
	}
	switch r.Kind {
	case KindRouting:
		for i, channel := range r.Channels {
			if strings.TrimSpace(channel) == "" {
				return &FieldError{Field: fmt.Sprintf("channels[%d]", i), Message: "must not be empty"}
			}
		}
		if r.Percentage < 0 || r.Percentage > 100 {
			return &FieldError{Field: "percentage", Message: fmt.Sprintf("must be between 0 and 100, got %d", r.Percentage)}
		}
	case KindHandoff:
		if r.Mode != ModeTransferNow && r.Mode != ModeKeepAssisting {
			return &FieldError{Field: "mode", Message: fmt.Sprintf("must be %q or %q, got %q", ModeTransferNow, ModeKeepAssisting, r.Mode)}
		}
		if strings.TrimSpace(r.Team) == "" {
			return &FieldError{Field: "team", Message: "must not be empty for a handoff rule"}
		}
	}
	return nil
}

// Evaluation records how one rule was evaluated, for the workflow history.
type Evaluation struct {
	// RuleID is the evaluated rule's ID.
	RuleID string `json:"rule_id"`
	// Matched is true when the rule matched.
	Matched bool `json:"matched"`
	// Error is why the rule could not be evaluated (it then did not match);
	// empty when it could.
	Error string `json:"error,omitempty"`
	// Inputs are the environment paths the rule read, sorted, e.g.
	// "conversation.channel", "contact.tier".
	Inputs []string `json:"inputs,omitempty"`
}

// Decision is the outcome of evaluating a rule set.
type Decision struct {
	// Matched is (a copy of) the first rule that matched, or nil.
	Matched *Rule `json:"matched,omitempty"`
	// Evaluations lists the rules evaluated, in evaluation order, up to and
	// including the match.
	Evaluations []Evaluation `json:"evaluations"`
}

// MaxRules is the most rules a rule set may have (package rulesets refuses
// to add or publish more) and the most enabled rules [Cache.Evaluate]
// evaluates. It is far above what a workspace writes by hand, and keeps a
// decision, whose evaluations the conversation workflow records, and the
// programs a set keeps compiled (DefaultCacheSize) bounded.
const MaxRules = 200

// errRuleSetTooSlow is why an evaluation of a rule set stopped.
var errRuleSetTooSlow = fmt.Errorf("the rule set took longer than %s to evaluate", MaxEvalTime)

// Evaluate runs a rule set against env and returns the first matching rule.
// Each rule is evaluated by its own Kind, so callers pass the rules of one
// kind (the routing rules, or the handoff rules); Evaluate does not filter
// them. Disabled rules are skipped; the rest run by ascending Priority, ties
// by ID, and the first match wins. A rule that fails to compile or evaluate
// counts as not matched and its error is recorded. Programs are cached under
// the rule ID and version (e.g. the rule set's revision). The rules slice is
// not modified.
//
// The work is bounded: the conditions share one [MaxEvalTime], and at most
// [MaxRules] enabled rules are evaluated. A rule not evaluated for either
// reason ends the decision with an evaluation whose error names it.
func (c *Cache) Evaluate(version string, rules []Rule, env Env) Decision {
	return c.EvaluateContext(context.Background(), version, rules, env)
}

// EvaluateContext is [Cache.Evaluate] that also stops when ctx is done.
func (c *Cache) EvaluateContext(ctx context.Context, version string, rules []Rule, env Env) Decision {
	ordered := make([]Rule, 0, len(rules))
	for _, r := range rules {
		if r.Enabled {
			ordered = append(ordered, r)
		}
	}
	sort.SliceStable(ordered, func(i, j int) bool {
		if ordered[i].Priority != ordered[j].Priority {
			return ordered[i].Priority < ordered[j].Priority
		}
		return ordered[i].ID < ordered[j].ID
	})

	ctx, cancel := context.WithTimeoutCause(ctx, MaxEvalTime, errRuleSetTooSlow)
	defer cancel()
	decision := Decision{Evaluations: []Evaluation{}}
	for i := range ordered {
		r := ordered[i]
		if i == MaxRules {
			decision.Evaluations = append(decision.Evaluations, Evaluation{RuleID: r.ID, Error: fmt.Sprintf(
				"not evaluated: the rule set has %d enabled rules, more than the %d evaluated; rule %q and the %d after it were skipped",
				len(ordered), MaxRules, r.Name, len(ordered)-MaxRules-1)})
			break
		}
		if ctx.Err() != nil {
			decision.Evaluations = append(decision.Evaluations, Evaluation{RuleID: r.ID, Error: fmt.Sprintf(
				"not evaluated: %v; rule %q and the %d after it were skipped", context.Cause(ctx), r.Name, len(ordered)-i-1)})
			break
		}
		evaluation := c.evaluateRule(ctx, version, r, env)
		decision.Evaluations = append(decision.Evaluations, evaluation)
		if evaluation.Matched {
			decision.Matched = &r
			break
		}
	}
	return decision
}

// evaluateRule evaluates one enabled rule.
func (c *Cache) evaluateRule(ctx context.Context, version string, r Rule, env Env) Evaluation {
	evaluation := Evaluation{RuleID: r.ID}
	switch r.Kind {
	case KindRouting:
		if len(r.Channels) > 0 {
			evaluation.Inputs = append(evaluation.Inputs, "conversation.channel")
			if !containsFold(r.Channels, env.Conversation.Channel) {
				return evaluation
			}
		}
		if r.Percentage < 100 {
			evaluation.Inputs = append(evaluation.Inputs, "conversation.id")
			if !InPercentage(env.Conversation.ID, r.Percentage) {
				return evaluation
			}
		}
		if r.Condition == "" {
			evaluation.Matched = true
			return evaluation
		}
	case KindHandoff:
		if r.Condition == "" {
			evaluation.Error = "handoff rule has no condition"
			return evaluation
		}
	default:
		evaluation.Error = fmt.Sprintf("unknown rule kind %q", r.Kind)
		return evaluation
	}

	program, err := c.Compile(r.ID+"@"+version, r.Condition)
	if err != nil {
		evaluation.Error = "condition: " + err.Error()
		return evaluation
	}
	evaluation.Inputs = mergeInputs(evaluation.Inputs, program.inputs)
	matched, err := program.EvalContext(ctx, env)
	if err != nil {
		evaluation.Error = "condition: " + err.Error()
		return evaluation
	}
	evaluation.Matched = matched
	return evaluation
}

// mergeInputs returns the sorted union of two input lists.
func mergeInputs(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	merged := out[:0]
	for i, s := range out {
		if i == 0 || s != out[i-1] {
			merged = append(merged, s)
		}
	}
	return merged
}

// containsFold reports whether list contains s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// InPercentage reports whether a conversation falls in the first pct percent
// of conversations. The bucket (0..99) is the first 8 bytes of the SHA-256 of
// the conversation ID modulo 100, so the answer never changes for an ID and
// every rule puts a conversation in the same bucket: raising a rule's
// percentage only adds conversations. pct <= 0 is none and pct >= 100 is all.
func InPercentage(conversationID string, pct int) bool {
	if pct <= 0 {
		return false
	}
	if pct >= 100 {
		return true
	}
	sum := sha256.Sum256([]byte(conversationID))
	return binary.BigEndian.Uint64(sum[:8])%100 < uint64(pct)
}
