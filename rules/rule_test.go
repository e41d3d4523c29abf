package rules

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// handoff returns an enabled handoff rule.
func handoff(id string, priority int, condition string) Rule {
	return Rule{ID: id, Name: id, Kind: KindHandoff, Priority: priority, Enabled: true, Condition: condition, Mode: ModeTransferNow, Team: "support"}
}

// routing returns an enabled routing rule for all conversations.
func routing(id string, priority int, condition string) Rule {
	return Rule{ID: id, Name: id, Kind: KindRouting, Priority: priority, Enabled: true, Condition: condition, Percentage: 100}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()

	noOrder := testEnv()
	noOrder.Order = nil
	disabled := handoff("a-disabled", 0, "true")
	disabled.Enabled = false
	email := routing("email-only", 1, "")
	email.Channels = []string{"Email"}
	chat := routing("chat", 2, "")
	chat.Channels = []string{"whatsapp", "CHAT"}
	none := routing("none", 0, "")
	none.Percentage = 0

	tests := []struct {
		name        string
		rules       []Rule
		env         Env
		matched     string // "" for no match
		evaluations []Evaluation
	}{
		{
			name:    "first match by priority wins",
			rules:   []Rule{handoff("late", 20, "true"), handoff("early", 10, `conversation.sentiment == "frustrated"`)},
			env:     testEnv(),
			matched: "early",
			evaluations: []Evaluation{
				{RuleID: "early", Matched: true, Inputs: []string{"conversation.sentiment"}},
			},
		},
		{
			name:    "non-matching rules are recorded",
			rules:   []Rule{handoff("b", 1, `contact.tier == "free"`), handoff("c", 2, "conversation.asked_for_human")},
			env:     testEnv(),
			matched: "c",
			evaluations: []Evaluation{
				{RuleID: "b", Inputs: []string{"contact.tier"}},
				{RuleID: "c", Matched: true, Inputs: []string{"conversation.asked_for_human"}},
			},
		},
		{
			name:    "priority ties are broken by ID",
			rules:   []Rule{handoff("zeta", 5, "true"), handoff("alpha", 5, "true"), handoff("mu", 5, "true")},
			env:     testEnv(),
			matched: "alpha",
			evaluations: []Evaluation{
				{RuleID: "alpha", Matched: true},
			},
		},
		{
			name:    "disabled rules are skipped",
			rules:   []Rule{disabled, handoff("b", 1, "true")},
			env:     testEnv(),
			matched: "b",
			evaluations: []Evaluation{
				{RuleID: "b", Matched: true},
			},
		},
		{
			name:    "runtime error on nil order counts as no match",
			rules:   []Rule{handoff("order", 1, `order.status == "delivered"`), handoff("fallback", 2, "true")},
			env:     noOrder,
			matched: "fallback",
			evaluations: []Evaluation{
				{RuleID: "order", Error: "condition: cannot get status from order at 1:1", Inputs: []string{"order.status"}},
				{RuleID: "fallback", Matched: true},
			},
		},
		{
			name:    "compile error counts as no match",
			rules:   []Rule{handoff("bad", 1, `tier == "pro"`)},
			env:     testEnv(),
			matched: "",
			evaluations: []Evaluation{
				{RuleID: "bad", Error: `condition: unknown name "tier" at 1:1 (did you mean contact.tier?)`},
			},
		},
		{
			name:    "handoff rule without condition never matches",
			rules:   []Rule{handoff("empty", 1, "")},
			env:     testEnv(),
			matched: "",
			evaluations: []Evaluation{
				{RuleID: "empty", Error: "handoff rule has no condition"},
			},
		},
		{
			name:    "unknown kind never matches",
			rules:   []Rule{{ID: "odd", Kind: "other", Enabled: true, Condition: "true"}},
			env:     testEnv(),
			matched: "",
			evaluations: []Evaluation{
				{RuleID: "odd", Error: `unknown rule kind "other"`},
			},
		},
		{
			name:    "routing by channel, case-insensitive, empty condition is always",
			rules:   []Rule{email, chat},
			env:     testEnv(),
			matched: "chat",
			evaluations: []Evaluation{
				{RuleID: "email-only", Inputs: []string{"conversation.channel"}},
				{RuleID: "chat", Matched: true, Inputs: []string{"conversation.channel"}},
			},
		},
		{
			name:    "routing at 0 percent never matches",
			rules:   []Rule{none},
			env:     testEnv(),
			matched: "",
			evaluations: []Evaluation{
				{RuleID: "none", Inputs: []string{"conversation.id"}},
			},
		},
		{
			name:    "routing condition",
			rules:   []Rule{routing("german", 1, `conversation.language == "de"`)},
			env:     testEnv(),
			matched: "german",
			evaluations: []Evaluation{
				{RuleID: "german", Matched: true, Inputs: []string{"conversation.language"}},
			},
		},
		{
			name:        "no rules",
			rules:       nil,
			env:         testEnv(),
			matched:     "",
			evaluations: []Evaluation{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cache := NewCache(10)
			before := fmt.Sprint(tt.rules)
			decision := cache.Evaluate("v1", tt.rules, tt.env)
			require.Equal(t, before, fmt.Sprint(tt.rules), "Evaluate must not reorder the rules")
			if tt.matched == "" {
				require.Nil(t, decision.Matched)
			} else {
				require.NotNil(t, decision.Matched)
				require.Equal(t, tt.matched, decision.Matched.ID)
			}
			require.Equal(t, tt.evaluations, decision.Evaluations)

			// The same inputs give the same decision.
			require.Equal(t, decision, cache.Evaluate("v1", tt.rules, tt.env))
		})
	}
}

func TestEvaluatePercentage(t *testing.T) {
	t.Parallel()

	cache := NewCache(0)
	half := routing("half", 1, "")
	half.Percentage = 50
	matched := 0
	for i := range 1000 {
		env := Env{Conversation: Conversation{ID: fmt.Sprintf("conv-%d", i)}}
		decision := cache.Evaluate("v1", []Rule{half}, env)
		require.Equal(t, InPercentage(env.Conversation.ID, 50), decision.Matched != nil)
		if decision.Matched != nil {
			matched++
		}
	}
	require.InDelta(t, 500, matched, 60)
}

func TestInPercentage(t *testing.T) {
	t.Parallel()

	require.False(t, InPercentage("conv-1", 0))
	require.False(t, InPercentage("conv-1", -5))
	require.True(t, InPercentage("conv-1", 100))
	require.True(t, InPercentage("conv-1", 150))

	for _, pct := range []int{1, 10, 25, 50, 90, 99} {
		t.Run(fmt.Sprint(pct), func(t *testing.T) {
			t.Parallel()
			const n = 10000
			in := 0
			for i := range n {
				id := fmt.Sprintf("conv-%d", i)
				got := InPercentage(id, pct)
				require.Equal(t, got, InPercentage(id, pct), "stable for %s", id)
				if got {
					in++
					// Raising the percentage only adds conversations.
					require.True(t, InPercentage(id, pct+1))
				}
			}
			require.InDelta(t, pct*n/100, in, 3*n/100, "share of %d%%", pct)
		})
	}
}

func TestInPercentageKnownBuckets(t *testing.T) {
	t.Parallel()

	// Pins the hash (first 8 bytes of SHA-256, big-endian, mod 100): changing
	// it would move live conversations between rollout groups.
	tests := []struct {
		id     string
		bucket int
	}{
		{"conv-1", 94},
		{"conv-2", 11},
		{"0b6f2c1e-5d0a-4a43-9f6c-2b7d9e8f1a23", 84},
		{"", 52},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			require.False(t, InPercentage(tt.id, tt.bucket))
			require.True(t, InPercentage(tt.id, tt.bucket+1))
		})
	}
}

func TestValidateRule(t *testing.T) {
	t.Parallel()

	valid := handoff("h1", 1, `conversation.sentiment == "frustrated"`)
	tests := []struct {
		name    string
		rule    func(r Rule) Rule
		field   string // "" when valid
		compile ErrorKind
	}{
		{"valid handoff", func(r Rule) Rule { return r }, "", ""},
		{"valid keep assisting", func(r Rule) Rule { r.Mode = ModeKeepAssisting; return r }, "", ""},
		{"valid routing without condition", func(r Rule) Rule {
			return Rule{ID: "r1", Kind: KindRouting, Percentage: 100, Channels: []string{"chat"}}
		}, "", ""},
		{"missing ID", func(r Rule) Rule { r.ID = " "; return r }, "id", ""},
		{"bad kind", func(r Rule) Rule { r.Kind = "escalation"; return r }, "kind", ""},
		{"bad mode", func(r Rule) Rule { r.Mode = "later"; return r }, "mode", ""},
		{"missing mode", func(r Rule) Rule { r.Mode = ""; return r }, "mode", ""},
		{"empty team", func(r Rule) Rule { r.Team = ""; return r }, "team", ""},
		{"empty handoff condition", func(r Rule) Rule { r.Condition = ""; return r }, "condition", ErrorKindEmpty},
		{"condition unknown name", func(r Rule) Rule { r.Condition = `tier == "pro"`; return r }, "condition", ErrorKindUnknownName},
		{"condition syntax", func(r Rule) Rule { r.Condition = `(`; return r }, "condition", ErrorKindSyntax},
		{"percentage too high", func(r Rule) Rule {
			return Rule{ID: "r1", Kind: KindRouting, Percentage: 101}
		}, "percentage", ""},
		{"percentage negative", func(r Rule) Rule {
			return Rule{ID: "r1", Kind: KindRouting, Percentage: -1}
		}, "percentage", ""},
		{"empty channel", func(r Rule) Rule {
			return Rule{ID: "r1", Kind: KindRouting, Percentage: 10, Channels: []string{"chat", ""}}
		}, "channels[1]", ""},
		{"routing condition not boolean", func(r Rule) Rule {
			return Rule{ID: "r1", Kind: KindRouting, Percentage: 10, Condition: "conversation.text"}
		}, "condition", ErrorKindNotBoolean},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateRule(tt.rule(valid))
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var fieldErr *FieldError
			require.True(t, errors.As(err, &fieldErr), "%v", err)
			require.Equal(t, tt.field, fieldErr.Field)
			require.Contains(t, err.Error(), tt.field+": ")
			var compileErr *CompileError
			if tt.compile != "" {
				require.True(t, errors.As(err, &compileErr))
				require.Equal(t, tt.compile, compileErr.Kind)
			} else {
				require.False(t, errors.As(err, &compileErr))
			}
		})
	}
}

func TestValidateRuleMessage(t *testing.T) {
	t.Parallel()

	err := ValidateRule(handoff("h1", 1, "conversation.test &&\n    tier == \"pro\""))
	require.EqualError(t, err, `condition: unknown name "tier" at 2:5 (did you mean contact.tier?)`)
}

func TestCache(t *testing.T) {
	t.Parallel()

	cache := NewCache(2)
	first, err := cache.Compile("rule-1@v1", "true")
	require.NoError(t, err)
	again, err := cache.Compile("rule-1@v1", "true")
	require.NoError(t, err)
	require.Same(t, first, again)

	// The same key with an edited condition compiles the new text.
	edited, err := cache.Compile("rule-1@v1", "false")
	require.NoError(t, err)
	require.NotSame(t, first, edited)
	got, err := edited.Eval(Env{})
	require.NoError(t, err)
	require.False(t, got)

	// Errors are cached and returned as compile errors.
	_, err = cache.Compile("rule-2@v1", "tier")
	var compileErr *CompileError
	require.True(t, errors.As(err, &compileErr))
	require.Equal(t, 2, cache.Len())

	// The least recently used entry was evicted.
	recompiled, err := cache.Compile("rule-1@v1", "true")
	require.NoError(t, err)
	require.NotSame(t, first, recompiled)
	require.Equal(t, 2, cache.Len())
}

func TestCacheConcurrent(t *testing.T) {
	t.Parallel()

	cache := NewCache(8)
	rules := []Rule{
		handoff("a", 1, `containsAny(conversation.text, ["refund"])`),
		handoff("b", 2, `conversation.sentiment == "frustrated"`),
	}
	var wg sync.WaitGroup
	decisions := make([]Decision, 32)
	for i := range decisions {
		wg.Go(func() {
			if i%2 == 0 {
				_, _ = cache.Compile(fmt.Sprintf("other-%d", i), "true")
			}
			decisions[i] = cache.Evaluate("v1", rules, testEnv())
		})
	}
	wg.Wait()
	for _, d := range decisions {
		require.Equal(t, decisions[0], d)
		require.Equal(t, "a", d.Matched.ID)
	}
	require.LessOrEqual(t, cache.Len(), 8)
}
