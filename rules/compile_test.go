package rules

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testEnv returns an environment with every field set, an order included.
func testEnv() Env {
	days := 12
	return Env{
		Conversation: Conversation{
			ID:                "conv-42",
			Channel:           "chat",
			Text:              "Hi, I want a REFÜND for order #123456, I can’t log in",
			TurnCount:         3,
			MinutesSinceStart: 12.5,
			IssueType:         "billing",
			Sentiment:         "frustrated",
			Language:          "de",
			Test:              false,
			UnansweredCount:   2,
			AskedForHuman:     true,
		},
		Contact: Contact{
			Tier:           "enterprise",
			LifecycleStage: "customer",
			CompanySize:    250,
			EmailVerified:  true,
			Properties:     map[string]any{"plan": "annual", "seats": 40, "tags": []any{"vip", "beta"}, "renewal date": "2025-06-01"},
		},
		Order: &Order{Status: "delivered", Total: 640.5, DaysSinceDelivery: &days},
		// Wednesday 2025-03-05 10:30 UTC (11:30 in Berlin).
		Now: time.Date(2025, 3, 5, 10, 30, 0, 0, time.UTC),
	}
}

// eval compiles condition and evaluates it against env, failing the test on
// a compile error.
func eval(t *testing.T, condition string, env Env) (bool, error) {
	t.Helper()
	program, err := Compile(condition)
	require.NoError(t, err, condition)
	return program.Eval(env)
}

func TestEnvFields(t *testing.T) {
	t.Parallel()

	tests := []struct {
		condition string
		want      bool
	}{
		{`conversation.id == "conv-42"`, true},
		{`conversation.channel == "chat"`, true},
		{`conversation.text startsWith "Hi"`, true},
		{`conversation.turn_count == 3`, true},
		{`conversation.minutes_since_start > 12 && conversation.minutes_since_start < 13`, true},
		{`conversation.issue_type == "billing"`, true},
		{`conversation.sentiment == "frustrated"`, true},
		{`conversation.language in ["en", "de"]`, true},
		{`conversation.test`, false},
		{`conversation.unanswered_count >= 2`, true},
		{`conversation.asked_for_human`, true},
		{`contact.tier == "enterprise"`, true},
		{`contact.lifecycle_stage == "customer"`, true},
		{`contact.company_size > 200`, true},
		{`contact.email_verified`, true},
		{`contact.properties.plan == "annual"`, true},
		{`contact.properties.seats > 10`, true},
		{`"vip" in contact.properties.tags`, true},
		{`contact.properties["renewal date"] == "2025-06-01"`, true},
		{`contact.properties.missing == nil`, true},
		{`order != nil && order.status == "delivered"`, true},
		{`order.total > 600`, true},
		{`order.days_since_delivery != nil && order.days_since_delivery < 30`, true},
		{`now.Year() == 2025 && int(now.Month()) == 3 && now.Day() == 5`, true},
		{`now.Weekday().String() == "Wednesday"`, true},
		{`now.In(timezone("Europe/Berlin")).Hour() == 11`, true},
		{`now > date("2025-01-01")`, true},
		{`now - date("2025-03-05") == duration("10h30m")`, true},
		{`keys(contact.properties) == ["plan", "renewal date", "seats", "tags"]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.condition, func(t *testing.T) {
			t.Parallel()
			got, err := eval(t, tt.condition, testEnv())
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		condition  string
		kind       ErrorKind
		line, col  int
		message    string // substring of Error()
		suggestion string
	}{
		{"empty", "", ErrorKindEmpty, 0, 0, "condition is empty", ""},
		{"blank", " \n\t ", ErrorKindEmpty, 0, 0, "condition is empty", ""},
		{"too long", strings.Repeat("true && ", 250) + "true", ErrorKindTooLong, 0, 0, "the limit is 2000", ""},
		{"too many nodes", strings.TrimSuffix(strings.Repeat("1 + ", 300), " + ") + " > 0", ErrorKindTooLarge, 1, 0, "too large", ""},
		{"disabled builtin", `len(map(contact.properties.tags, upper(#))) > 0`, ErrorKindNotAllowed, 1, 5, "map() is not available", ""},
		{"disabled builtin reduce", "true &&\n  reduce(1..3, #acc + #, 0) > 1", ErrorKindNotAllowed, 2, 3, "reduce() is not available", ""},
		{"hidden name", `__meter != nil`, ErrorKindUnknownName, 1, 1, `unknown name "__meter"`, ""},
		{"hidden field", `$env["__meter"] != nil`, ErrorKindUnknownName, 1, 6, `unknown name "__meter"`, ""},
		{"metered helper arity", `upper("a", "b") == "A"`, ErrorKindWrongType, 1, 1, "upper takes 1 argument, got 2", ""},
		{"matches arity", `matches(conversation.text)`, ErrorKindWrongType, 1, 1, "matches takes 2 arguments, got 1", ""},
		{"syntax", `conversation.text ==`, ErrorKindSyntax, 1, 20, "unexpected token EOF", ""},
		{"syntax on line 2", "conversation.test &&\n  (contact.tier == \"pro\"", ErrorKindSyntax, 2, 24, "unexpected token EOF", ""},
		{"syntax bracket on line 3", "true &&\nfalse ||\n  )", ErrorKindSyntax, 3, 3, "unexpected token", ""},
		{"one equals sign", "conversation.test &&\n  contact.tier = \"gold\"", ErrorKindSyntax, 2, 16, "a single = does not compare: write == (or != for not equal)", ""},
		{"unknown name", `1 + tier > 0`, ErrorKindUnknownName, 1, 5, `unknown name "tier" at 1:5 (did you mean contact.tier?)`, "contact.tier"},
		{"unknown name on line 2", "conversation.test ||\n  sentiment == \"negative\"", ErrorKindUnknownName, 2, 3, `unknown name "sentiment"`, "conversation.sentiment"},
		{"unknown field elsewhere", `conversation.tier == "pro"`, ErrorKindUnknownName, 1, 14, `unknown field "tier" in conversation`, "contact.tier"},
		{"camel case field", `conversation.turnCount > 1`, ErrorKindUnknownName, 1, 14, `unknown field "turnCount"`, "conversation.turn_count"},
		{"misspelled field", `conversation.sentimant == "negative"`, ErrorKindUnknownName, 1, 14, `unknown field "sentimant"`, "conversation.sentiment"},
		{"letters swapped", `contact.teir == "vip"`, ErrorKindUnknownName, 1, 9, `unknown field "teir" in contact`, "contact.tier"},
		{"letters swapped in a longer name", `conversation.langauge == "de"`, ErrorKindUnknownName, 1, 14, `unknown field "langauge"`, "conversation.language"},
		{"capitalized object", `Contact.tier == "pro"`, ErrorKindUnknownName, 1, 1, `unknown name "Contact"`, "contact"},
		{"misspelled helper", `containsany(conversation.text, ["a"])`, ErrorKindUnknownName, 1, 1, `unknown name "containsany"`, "containsAny"},
		{"no suggestion", `frobnicate == 1`, ErrorKindUnknownName, 1, 1, `unknown name "frobnicate"`, ""},
		{"mismatched types", `conversation.turn_count == "3"`, ErrorKindWrongType, 1, 25, "mismatched types int and string", ""},
		{"helper text type", `containsAny(conversation.turn_count, ["a"])`, ErrorKindWrongType, 1, 26, "to call containsAny", ""},
		{"helper words type", `containsAny(conversation.text, "refund")`, ErrorKindWrongType, 1, 32, "(type []string) to call containsAny", ""},
		{"helper word element type", `containsAny(conversation.text, ["refund", 7])`, ErrorKindWrongType, 1, 43, "list of strings", ""},
		{"helper arity", `inWorkingHours()`, ErrorKindWrongType, 1, 1, "not enough arguments", ""},
		{"matches pattern type", `matches(conversation.text, 1)`, ErrorKindWrongType, 1, 28, "to call matches", ""},
		{"builtin now disabled", `now() > date("2025-01-01")`, ErrorKindWrongType, 1, 1, "not a function", ""},
		{"not boolean string", `conversation.text`, ErrorKindNotBoolean, 1, 1, "but it is a string", ""},
		{"not boolean int", `conversation.turn_count + 1`, ErrorKindNotBoolean, 1, 1, "but it is an int", ""},
		{"not boolean nil", `nil`, ErrorKindNotBoolean, 1, 1, "but it is nil", ""},
		{"invalid regexp", `matches(conversation.text, "(refund")`, ErrorKindInvalidArgument, 1, 28, "invalid regular expression", ""},
		{"invalid regexp operator", `conversation.text matches "[a-"`, ErrorKindInvalidArgument, 1, 27, "invalid regular expression", ""},
		{"invalid regexp on line 2", "true &&\n matches(conversation.text, \"a{2,1}\")", ErrorKindInvalidArgument, 2, 29, "invalid regular expression", ""},
		{"invalid schedule", `inWorkingHours("mon-fri 9-17")`, ErrorKindInvalidArgument, 1, 16, "invalid schedule", ""},
		{"unknown zone", `inWorkingHours("mon-fri 09:00-17:00 Europe/Nowhere")`, ErrorKindInvalidArgument, 1, 16, `unknown time zone "Europe/Nowhere"`, ""},
		{"machine time zone", `now.Local().Hour() > 8`, ErrorKindNotAllowed, 1, 5, "server's time zone", ""},
		{"column counts characters", `"ÄÖÜ" == "x" && tier == ""`, ErrorKindUnknownName, 1, 17, `unknown name "tier"`, "contact.tier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tt.condition)
			require.Error(t, err)
			var compileErr *CompileError
			require.True(t, errors.As(err, &compileErr), "%T is not a *CompileError", err)
			require.Equal(t, tt.kind, compileErr.Kind, err.Error())
			require.Equal(t, tt.line, compileErr.Line, err.Error())
			if tt.col > 0 {
				require.Equal(t, tt.col, compileErr.Column, err.Error())
			}
			require.Contains(t, err.Error(), tt.message)
			require.Equal(t, tt.suggestion, compileErr.Suggestion)
			require.NotContains(t, err.Error(), matchIdentifier)
		})
	}
}

func TestCompileLimits(t *testing.T) {
	t.Parallel()

	// Exactly MaxConditionLength characters (not bytes) is accepted.
	padded := `conversation.text != "` + strings.Repeat("é", MaxConditionLength-len(`conversation.text != ""`)) + `"`
	require.Equal(t, MaxConditionLength, len([]rune(padded)))
	_, err := Compile(padded)
	require.NoError(t, err)

	// One predicate level is accepted.
	_, err = Compile(`any(contact.properties.tags, # == "vip") && all([1, 2], # > 0)`)
	require.NoError(t, err)
}

func TestEvalRuntimeErrors(t *testing.T) {
	t.Parallel()

	noOrder := testEnv()
	noOrder.Order = nil
	tests := []struct {
		name      string
		condition string
		env       Env
		message   string
	}{
		{"nil order field", `order.status == "shipped"`, noOrder, "cannot get status from order at 1:1"},
		{"nil order pointer field", `order.days_since_delivery > 30`, noOrder, "cannot get days_since_delivery from order"},
		{"nil days since delivery", `order.days_since_delivery > 30`, func() Env { e := testEnv(); e.Order.DaysSinceDelivery = nil; return e }(), "invalid operation"},
		{"missing property compared", `contact.properties.missing > 1`, testEnv(), "invalid operation"},
		{"property not boolean", `contact.properties.plan`, testEnv(), "bool(string)"},
		{"dynamic bad regexp", `matches(conversation.text, contact.properties.plan + "(")`, testEnv(), "matches: invalid regular expression"},
		{"dynamic bad schedule", `inWorkingHours(contact.properties.plan)`, testEnv(), "inWorkingHours: invalid schedule"},
		{"now not set", `now.Hour() > 9`, Env{}, "now is not set"},
		{"now not set for schedule", `inWorkingHours("daily 00:00-24:00")`, Env{}, "now is not set"},
		{"local zone at runtime", `timezone(contact.properties.zone) != nil`, func() Env { e := testEnv(); e.Contact.Properties["zone"] = "Local"; return e }(), `unknown time zone "Local"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := eval(t, tt.condition, tt.env)
			require.False(t, got)
			require.Error(t, err)
			var evalErr *EvalError
			require.True(t, errors.As(err, &evalErr))
			require.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestEvalNilPropertiesMap(t *testing.T) {
	t.Parallel()

	got, err := eval(t, `contact.properties.plan == "annual"`, Env{})
	require.NoError(t, err)
	require.False(t, got)
	got, err = eval(t, `containsAny(contact.properties.note, ["refund"]) || matches(contact.properties.note, "x")`, Env{})
	require.NoError(t, err)
	require.False(t, got)
}

func TestDeterminism(t *testing.T) {
	t.Parallel()

	conditions := []string{
		`inWorkingHours("mon-fri 09:00-17:00 Europe/Berlin")`,
		`now.Hour() == 10 && now.Minute() == 30`,
		`now.String() == "2025-03-05 10:30:00 +0000 UTC"`,
		`keys(contact.properties)[0] == "plan" && values(contact.properties)[0] == "annual"`,
		`date("2025-03-05 11:30 CET", "2006-01-02 15:04 MST").Hour() == 11`,
	}
	for _, condition := range conditions {
		t.Run(condition, func(t *testing.T) {
			t.Parallel()
			program, err := Compile(condition)
			require.NoError(t, err)
			env := testEnv()
			for range 20 {
				got, err := program.Eval(env)
				require.NoError(t, err)
				require.True(t, got)
			}
			// Only Env.Now matters: an hour later the office-hour answers change.
			later := env
			later.Now = env.Now.Add(8 * time.Hour)
			got, err := program.Eval(later)
			if strings.Contains(condition, "now") || strings.Contains(condition, "WorkingHours") {
				require.NoError(t, err)
				require.False(t, got)
			}
		})
	}
}

func TestEvalIgnoresMonotonicClock(t *testing.T) {
	t.Parallel()

	now := time.Now() // carries a monotonic reading, which String() would show
	got, err := eval(t, fmt.Sprintf(`now.String() == %q`, now.Round(0).String()), Env{Now: now})
	require.NoError(t, err)
	require.True(t, got)
}

func TestEvalCostLimits(t *testing.T) {
	t.Parallel()

	doubling := "let a0 = conversation.text;"
	for i := 1; i <= 60; i++ {
		doubling += fmt.Sprintf(" let a%d = a%d + a%d;", i, i-1, i-1)
	}
	doubling += " len(a60) > 0"
	env := testEnv()
	env.Conversation.Text = strings.Repeat("hello ", 10_000)
	tests := []struct {
		name      string
		condition string
		message   string // "" when it evaluates fine
	}{
		{"exponential string", doubling, "more than 16777216 bytes of text"},
		{"long range", `all(1..999999, # > 0)`, "more than 10000 list elements"},
		{"nested predicates multiply", `all(1..100, all(1..100, all(1..100, true)))`, "more than 10000 list elements"},
		{"text work inside a loop", `any(1..9999, upper(conversation.text) == "")`, "bytes of text"},
		{"split inside a loop", `any(split(conversation.text, ""), len(split(conversation.text, "")) == 0)`, "bytes of text"},
		{"dynamic regexp inside a loop", `any(1..9999, conversation.text matches (contact.properties.plan + "x"))`, "bytes of text"},
		{"containsAny folds a text once", `all(1..5000, containsAny(conversation.text, ["hello"]))`, ""},
		{"ordinary loops", `count(1..5000, # % 2 == 0) == 2500 && sum(1..4000, #) > 0 && all(1..3, any(1..3, # == 2))`, ""},
		{"string joins", `contact.properties.plan + "-" + contact.tier == "annual-enterprise"`, ""},
		{"numbers still add", `contact.properties.seats + 2 == 42 && now + duration("1h") > now`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			got, err := eval(t, tt.condition, env)
			require.Less(t, time.Since(start), 5*time.Second)
			if tt.message == "" {
				require.NoError(t, err)
				require.True(t, got)
				return
			}
			require.ErrorContains(t, err, tt.message)
			require.False(t, got)
		})
	}
}

func TestMeteredEnvMirrorsEnv(t *testing.T) {
	t.Parallel()

	envType, meteredType := reflect.TypeOf(Env{}), reflect.TypeOf(meteredEnv{})
	require.Equal(t, envType.NumField()+1, meteredType.NumField())
	for i := range envType.NumField() {
		require.Equal(t, envType.Field(i).Name, meteredType.Field(i).Name)
		require.Equal(t, envType.Field(i).Type, meteredType.Field(i).Type)
		require.Equal(t, envType.Field(i).Tag, meteredType.Field(i).Tag)
	}
	env := testEnv()
	metered := newMeteredEnv(env)
	require.Equal(t, env.Conversation, metered.Conversation)
	require.Equal(t, env.Contact, metered.Contact)
	require.Same(t, env.Order, metered.Order)
	require.Equal(t, env.Now, metered.Now)
}

func TestProgramConcurrentEval(t *testing.T) {
	t.Parallel()

	program, err := Compile(`containsAny(conversation.text, ["refund"]) && matches(conversation.text, "#\\d+") && inWorkingHours("mon-fri 09:00-17:00 Europe/Berlin")`)
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([]bool, 16)
	for i := range results {
		wg.Go(func() {
			got, err := program.Eval(testEnv())
			results[i] = err == nil && got
		})
	}
	wg.Wait()
	for _, got := range results {
		require.True(t, got)
	}
}

func TestInputs(t *testing.T) {
	t.Parallel()

	tests := []struct {
		condition string
		want      []string
	}{
		{`containsAny(conversation.text, ["refund"]) && contact.tier == "pro"`, []string{"contact.tier", "conversation.text"}},
		{`order != nil && order.total > 10`, []string{"order.total"}},
		{`order?.status == "shipped"`, []string{"order.status"}},
		{`order != nil`, []string{"order"}},
		{`contact.properties.plan == "annual" || contact.properties["renewal date"] != nil`, []string{"contact.properties.plan", "contact.properties.renewal date"}},
		{`contact.properties[conversation.channel] == true`, []string{"contact.properties", "conversation.channel"}},
		{`len(keys(contact.properties)) > 0`, []string{"contact.properties"}},
		{`inWorkingHours("daily 09:00-17:00")`, []string{"now"}},
		{`now.Hour() > 9 && $env.conversation.test`, []string{"conversation.test", "now"}},
		{`any(contact.properties.tags, # == conversation.language)`, []string{"contact.properties.tags", "conversation.language"}},
		{`let x = 3; x > 2`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.condition, func(t *testing.T) {
			t.Parallel()
			program, err := Compile(tt.condition)
			require.NoError(t, err)
			require.Equal(t, tt.want, program.Inputs())
			require.Equal(t, tt.condition, program.Condition())
		})
	}
}

func TestFieldsDocumentEveryField(t *testing.T) {
	t.Parallel()

	documented := map[string]bool{}
	for _, f := range Fields() {
		require.NotEmpty(t, f.Type, f.Name)
		require.NotEmpty(t, f.Description, f.Name)
		require.False(t, documented[f.Name], "duplicate %s", f.Name)
		documented[f.Name] = true
		if f.Example != "" {
			_, err := Compile(f.Example)
			require.NoError(t, err, f.Example)
		}
	}
	var walkType func(prefix string, typ reflect.Type)
	walkType = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			field := typ.Field(i)
			name := field.Tag.Get("expr")
			require.NotEmpty(t, name, "%s.%s has no expr tag", typ, field.Name)
			path := strings.TrimPrefix(prefix+"."+name, ".")
			fieldType := field.Type
			if fieldType.Kind() == reflect.Pointer {
				fieldType = fieldType.Elem()
			}
			if fieldType.Kind() == reflect.Struct && fieldType != reflect.TypeOf(time.Time{}) {
				if fieldType == reflect.TypeOf(Order{}) {
					require.True(t, documented[path], "%s is not in Fields()", path)
				}
				walkType(path, fieldType)
				continue
			}
			require.True(t, documented[path], "%s is not in Fields()", path)
		}
	}
	walkType("", reflect.TypeOf(Env{}))
	for _, helper := range helperNames {
		found := false
		for name := range documented {
			found = found || strings.HasPrefix(name, helper+"(")
		}
		require.True(t, found, "helper %s is not in Fields()", helper)
	}
}

func TestExamplesCompile(t *testing.T) {
	t.Parallel()

	examples := Examples()
	require.NotEmpty(t, examples)
	conditions := map[string]bool{}
	for _, example := range examples {
		require.NotEmpty(t, example.Name)
		require.NotEmpty(t, example.Description)
		require.Contains(t, []Kind{KindRouting, KindHandoff}, example.Kind)
		program, err := Compile(example.Condition)
		require.NoError(t, err, example.Condition)
		_, err = program.Eval(testEnv())
		require.NoError(t, err, example.Condition)
		conditions[example.Condition] = true
	}
	require.True(t, conditions[`containsAny(conversation.text, ["refund", "cancel", "can't log in"])`])
	require.True(t, conditions[`conversation.sentiment == "frustrated"`])
}
