package rules

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestListsAreMetered(t *testing.T) {
	t.Parallel()

	env := testEnv()
	env.Contact.Properties["scores"] = []any{3, 9, 4}
	env.Contact.Properties["tags"] = []any{"vip", "beta"}
	tooMany := fmt.Sprintf("more than %d list elements", MaxIterations)
	tests := []struct {
		name      string
		condition string
		message   string // "" when it evaluates to true
	}{
		// Issue 18: each of these took up to seconds and gigabytes.
		{"sum of a long range", `sum(1..999990) > 0`, tooMany},
		{"median of a long range", `median(1..999990) > 0`, tooMany},
		{"mean of a long range", `mean(1..999990) > 0`, tooMany},
		{"max of a long range", `max(1..999990) > 0`, tooMany},
		{"min of a long range", `min(1..999990) < 0`, tooMany},
		{"reverse of a long range", `reverse(1..999990)[0] > 0`, tooMany},
		{"count without a predicate", `count(1..999990) > 0`, tooMany},
		{"filter looks at every element", `len(filter(1..999990, # < 0)) > 0`, tooMany},
		{"one list read again and again", `let r = 1..9000; median(r) + median(r) > 0`, tooMany},
		{"a list read inside a loop", `let r = 1..5000; any(1..100, median(r) < 0)`, tooMany},
		{"lists inside a list", `median([1..6000, 1..6000]) > 0`, tooMany},
		{"in reads the list", `let r = 1..9000; 0 in r || -1 in r`, tooMany},
		{"lists compared", `let r = 1..6000; r == r`, tooMany},
		{"keys reads the map", `any(1..4000, len(keys(contact.properties)) == 0)`, tooMany},
		{"map is not available", `len(map(1..10, # * 2)) > 0`, "not_allowed"},
		{"a range too long to build", `len(1..2000000) > 0`, fmt.Sprintf("built lists of more than %d elements", MaxListElements)},
		// Ordinary conditions are unaffected.
		{"at the limit", `sum(1..10000) == 50005000`, ""},
		{"over it by one", `sum(0..10000) > 0`, tooMany},
		{"short ranges and lists", `sum(1..100) == 5050 && median([1, 5, 2]) == 2 && max(3, 7) == 7 && mean([2, 4]) == 3`, ""},
		{"properties", `max(contact.properties.scores) == 9 && "vip" in contact.properties.tags && "beta" not in ["vip"]`, ""},
		{"membership of a range is two comparisons", `conversation.turn_count in 1..999990`, ""},
		// Not two comparisons, as seats may not be an int: the range is
		// built (bounded by MaxListElements) and read until 42 is found.
		{"a property in a long range", `contact.properties.seats in 1..999990`, ""},
		{"a map's keys", `"plan" in contact.properties && keys(contact.properties)[0] == "plan"`, ""},
		{"lists compared", `reverse([1, 2]) == [2, 1] && [1] != [2]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			program, err := Compile(tt.condition)
			if tt.message == "not_allowed" {
				var compileErr *CompileError
				require.True(t, errors.As(err, &compileErr), "%v", err)
				require.Equal(t, ErrorKindNotAllowed, compileErr.Kind)
				return
			}
			require.NoError(t, err)
			start := time.Now()
			got, err := program.Eval(env)
			require.Less(t, time.Since(start), 5*time.Second)
			if tt.message == "" {
				require.NoError(t, err)
				require.True(t, got)
				return
			}
			require.ErrorContains(t, err, "condition is too expensive: ")
			require.ErrorContains(t, err, tt.message)
			var evalErr *EvalError
			require.True(t, errors.As(err, &evalErr))
			require.Positive(t, evalErr.Line, "the error has a position")
			require.False(t, got)
		})
	}
}

func TestMeteringKeepsTypes(t *testing.T) {
	t.Parallel()

	// Passing a list through the meter keeps its type, so what was a type
	// error stays one.
	for _, condition := range []string{`sum(1..10) == "x"`, `max(1, 2) == "x"`, `reverse([1, 2]) == 3`, `(1..3 == [1]) + 1 > 0`} {
		_, err := Compile(condition)
		var compileErr *CompileError
		require.True(t, errors.As(err, &compileErr), "%s: %v", condition, err)
		require.Equal(t, ErrorKindWrongType, compileErr.Kind, condition)
	}
}

func TestEvalStopsWhenItsContextIsDone(t *testing.T) {
	t.Parallel()

	program, err := Compile(`any(1..9999, # < 0)`)
	require.NoError(t, err)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := program.EvalContext(canceled, testEnv())
	require.False(t, got)
	require.ErrorContains(t, err, "evaluation stopped: context canceled")

	got, err = program.EvalContext(context.Background(), testEnv())
	require.NoError(t, err)
	require.False(t, got)
}

func TestMeterDeadline(t *testing.T) {
	t.Parallel()

	// What a condition's evaluation says once MaxEvalTime has passed.
	ctx, cancel := context.WithTimeoutCause(context.Background(), 0, errConditionTooSlow)
	defer cancel()
	<-ctx.Done()
	m := &meter{ctx: ctx}
	require.EqualError(t, m.step(), "evaluation stopped: the condition took longer than 1s to evaluate")
	require.Error(t, m.chargeText(1))
	require.NoError(t, (&meter{}).step(), "no context: no deadline")
}

func TestEvaluateBounds(t *testing.T) {
	t.Parallel()

	cache := NewCache(0)
	var set []Rule
	for i := range MaxRules + 5 {
		r := handoff(fmt.Sprintf("r%03d", i), i, `conversation.turn_count > 100`)
		r.Name = fmt.Sprintf("Rule %d", i)
		set = append(set, r)
	}
	set[len(set)-1].Condition = "true"
	decision := cache.Evaluate("v1", set, testEnv())
	require.Nil(t, decision.Matched, "the matching rule is past the limit")
	require.Len(t, decision.Evaluations, MaxRules+1)
	last := decision.Evaluations[MaxRules]
	require.Equal(t, "r200", last.RuleID)
	require.Equal(t, `not evaluated: the rule set has 205 enabled rules, more than the 200 evaluated; rule "Rule 200" and the 4 after it were skipped`, last.Error)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	decision = cache.EvaluateContext(canceled, "v1", set[:3], testEnv())
	require.Equal(t, []Evaluation{{RuleID: "r000", Error: `not evaluated: context canceled; rule "Rule 0" and the 2 after it were skipped`}}, decision.Evaluations)
}
