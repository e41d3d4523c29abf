package rulesets

import (
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard/rules"
)

// KindError is a rule kind other than "routing" or "handoff".
type KindError struct {
	// Kind is the kind given.
	Kind string
}

// Error returns e.g. `kind: must be "routing" or "handoff", got "billing"`.
func (e *KindError) Error() string {
	return fmt.Sprintf("kind: must be %q or %q, got %q", rules.KindRouting, rules.KindHandoff, e.Kind)
}

// NotFoundError is a version, draft or rule the workspace does not have.
type NotFoundError struct {
	// What names what was looked for, e.g. "handoff rules v7".
	What string
}

// Error returns e.g. "handoff rules v7 not found".
func (e *NotFoundError) Error() string {
	return e.What + " not found"
}

// ConflictError is a change the stored rules do not allow: a second rule of
// the same name or priority, publishing when there is no draft, rolling back
// to the version that is already published.
type ConflictError struct {
	// Field is the request field at fault, e.g. "priority"; empty when the
	// conflict is with the request as a whole.
	Field string
	// Message says what conflicts.
	Message string
}

// Error returns e.g. `priority: rule "Refunds" already has priority 10`.
func (e *ConflictError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// RuleError is a rule that fails validation. errors.As finds the
// [*rules.FieldError] behind it and, for a condition, the
// [*rules.CompileError] behind that.
type RuleError struct {
	// Field is the path of the field at fault: "condition" for the rule
	// being written, "rules[2].condition" when a whole version is checked
	// (the index counts rules in evaluation order, from 0).
	Field string
	// RuleName is the name of the rule at fault when a whole version is
	// checked; empty otherwise.
	RuleName string
	// Err is why the field is invalid.
	Err *rules.FieldError
}

// Error returns e.g. `condition: unknown name "tier" at 1:5 (did you mean
// contact.tier?)`, or with the rule's name when a version was checked:
// `rules[2].team: no team "sales" in this workspace (rule "Big orders")`.
func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field + ": " + e.Err.Message)
	if e.RuleName != "" {
		fmt.Fprintf(&b, " (rule %q)", e.RuleName)
	}
	return b.String()
}

// Unwrap returns the field error.
func (e *RuleError) Unwrap() error {
	return e.Err
}
