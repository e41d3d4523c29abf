package rules

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzCompileEval compiles arbitrary conditions and evaluates the ones that
// compile against environments with and without an order. Neither may
// panic; compile errors must be *CompileError, evaluation errors *EvalError,
// and evaluating twice must give the same answer. No input may take more
// than maxFuzzInputTime, all four evaluations included: the work limits keep
// every condition far below MaxEvalTime. `go test` runs the seeds;
// `go test -fuzz FuzzCompileEval ./rules/` explores.
func FuzzCompileEval(f *testing.F) {
	for _, example := range Examples() {
		f.Add(example.Condition)
	}
	for _, field := range Fields() {
		f.Add(field.Example)
	}
	for _, seed := range []string{
		`containsAny(conversation.text, ["refund", "cancel", "can't log in"])`,
		`conversation.sentiment == "frustrated"`,
		`order.status == "shipped"`,
		`order?.status == "shipped" || order?.total > 100`,
		`matches(conversation.text, "(?i)order\\s*#\\d+") && !inWorkingHours("mon-fri 09:00-17:00; sat 10:00-14:00 America/New_York")`,
		`conversation.text matches "^hi"`,
		`any(contact.properties.tags, # == "vip") || count(contact.properties.tags, true) > 2`,
		`keys(contact.properties) == ["plan"] && values(contact.properties)[0] == "annual"`,
		`let n = conversation.turn_count; n > 3 ? true : false`,
		`now.In(timezone("Asia/Tokyo")).Hour() < 9 || date("2025-01-01") < now`,
		`inWorkingHours(contact.properties.hours)`,
		`matches(conversation.text, contact.properties.pattern)`,
		`contact.properties.seats / 0 > 1 && 1..10 | all(# > 0)`,
		"true &&\n  )",
		`tier == "pro"`,
		`repeat("ab", 100000) contains "ba"`,
		`sortBy(contact.properties.tags, #)[0] == "beta"`,
		`toJSON(contact.properties) != ""`,
		`fromJSON("{\"a\":1}").a == 1`,
		`"vip" in split(lower(contact.properties.plan + ",VIP"), ",") && upper(conversation.channel) == "CHAT"`,
		`all(1..100, any(1..100, # == 50))`,
		`contact.properties.seats + 1 > 3 && string(contact.properties.seats) == "3"`,
		// Lists read whole (issue 18).
		`sum(1..999990) > 0`,
		`median(1..999990) > 0`,
		`let r = 1..9000; median(r) + mean(r) + max(r) + min(r) > 0`,
		`any(1..9999, median(1..(999 + conversation.turn_count)) < 0)`,
		`let r = 1..5000; any(contact.properties.tags, # in r) || r == r`,
		`len(filter(1..999990, # % 7 == 0)) > 0`,
		`reverse(1..999990)[0] > 0 || count(1..999990) > 0`,
		`len(1..99999999) > 0`,
		`median([1..6000, [1..6000]]) > 0`,
		`any(split(conversation.text, ""), len(split(conversation.text, "")) == 0)`,
		`map(1..999990, # * 2)[0] > 0`,
	} {
		f.Add(seed)
	}

	days := 3
	envs := []Env{
		{},
		{
			Conversation: Conversation{ID: "c", Channel: "chat", Text: "I can’t log in, REFÜND order #123", Sentiment: "frustrated", TurnCount: 4},
			Contact:      Contact{Tier: "pro", Properties: map[string]any{"plan": "annual", "tags": []any{"vip", "beta"}, "hours": "mon-fri 09:00-17:00", "pattern": "(", "seats": 3}},
			Order:        &Order{Status: "shipped", Total: 120, DaysSinceDelivery: &days},
			Now:          time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC),
		},
	}
	f.Fuzz(func(t *testing.T, condition string) {
		start := time.Now()
		defer func() {
			if elapsed := time.Since(start); elapsed > maxFuzzInputTime {
				t.Fatalf("compiling and evaluating %q took %s, more than %s", condition, elapsed, maxFuzzInputTime)
			}
		}()
		program, err := Compile(condition)
		if err != nil {
			var compileErr *CompileError
			require.True(t, errors.As(err, &compileErr), "%T: %v", err, err)
			require.NotEmpty(t, compileErr.Kind)
			return
		}
		for _, env := range envs {
			first, firstErr := program.Eval(env)
			second, secondErr := program.Eval(env)
			require.Equal(t, first, second)
			require.Equal(t, firstErr, secondErr)
			if firstErr != nil {
				var evalErr *EvalError
				require.True(t, errors.As(firstErr, &evalErr), "%T: %v", firstErr, firstErr)
				require.False(t, first)
			}
		}
	})
}

// maxFuzzInputTime is the longest FuzzCompileEval may spend on one input.
const maxFuzzInputTime = 2 * time.Second
