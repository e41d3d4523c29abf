package rules

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Limits on conditions. They keep compiling and evaluating a condition cheap
// enough to run on every message inside a workflow.
const (
	// MaxConditionLength is the longest condition accepted, in characters.
	MaxConditionLength = 2000
	// MaxNodes is the largest condition accepted, in expr syntax-tree nodes
	// (roughly: names, literals, operators and calls).
	MaxNodes = 500
)

// ErrorKind classifies a [CompileError].
type ErrorKind string

// The kinds of [CompileError].
const (
	// ErrorKindSyntax: the condition is not a well-formed expression.
	ErrorKindSyntax ErrorKind = "syntax"
	// ErrorKindUnknownName: the condition uses a name or field that does not
	// exist.
	ErrorKindUnknownName ErrorKind = "unknown_name"
	// ErrorKindWrongType: a value is used with the wrong type, e.g. a string
	// compared with a number or a helper given the wrong arguments.
	ErrorKindWrongType ErrorKind = "wrong_type"
	// ErrorKindNotBoolean: the condition is well-typed but not true/false.
	ErrorKindNotBoolean ErrorKind = "not_boolean"
	// ErrorKindNotNumber: a scoring expression is well-typed but not a number.
	ErrorKindNotNumber ErrorKind = "not_number"
	// ErrorKindTooLarge: the condition has more than MaxNodes nodes.
	ErrorKindTooLarge ErrorKind = "too_large"
	// ErrorKindTooLong: the condition is longer than MaxConditionLength.
	ErrorKindTooLong ErrorKind = "too_long"
	// ErrorKindEmpty: the condition is empty or only white space.
	ErrorKindEmpty ErrorKind = "empty"
	// ErrorKindInvalidArgument: a constant argument is invalid, e.g. a
	// regular expression that does not parse or a malformed schedule.
	ErrorKindInvalidArgument ErrorKind = "invalid_argument"
	// ErrorKindNotAllowed: the condition uses something conditions may not:
	// a builtin that could make evaluation expensive (map, reduce, repeat,
	// ...; see disabledBuiltins) or that would make the result depend on the
	// machine it runs on (now.Local()).
	ErrorKindNotAllowed ErrorKind = "not_allowed"
)

// CompileError is why a condition does not compile. Line and Column are
// 1-based and point at the offending character; both are 0 when the error is
// about the condition as a whole (empty, too long).
type CompileError struct {
	// Kind classifies the error.
	Kind ErrorKind `json:"kind"`
	// Line is the 1-based line of the error, 0 when it has no position.
	Line int `json:"line"`
	// Column is the 1-based column (in characters) of the error, 0 when it
	// has no position.
	Column int `json:"column"`
	// Message says what is wrong, without the position.
	Message string `json:"message"`
	// Suggestion is a name the admin may have meant, e.g. "contact.tier";
	// empty when there is none.
	Suggestion string `json:"suggestion,omitempty"`
}

// Error returns e.g. `unknown name "tier" at 1:5 (did you mean contact.tier?)`.
func (e *CompileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Line > 0 {
		fmt.Fprintf(&b, " at %d:%d", e.Line, e.Column)
	}
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", e.Suggestion)
	}
	return b.String()
}

// EvalError is why a compiled condition failed to evaluate, e.g. because it
// read a field of a nil order. Line and Column are 1-based, 0 when unknown.
type EvalError struct {
	// Line is the 1-based line of the failing operation, 0 when unknown.
	Line int `json:"line"`
	// Column is the 1-based column of the failing operation, 0 when unknown.
	Column int `json:"column"`
	// Message says what went wrong, without the position.
	Message string `json:"message"`
}

// Error returns e.g. "cannot get status from order at 1:1".
func (e *EvalError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s at %d:%d", e.Message, e.Line, e.Column)
	}
	return e.Message
}

// Program is a compiled condition. It is immutable and safe for concurrent
// use.
type Program struct {
	condition string
	program   *vm.Program
	inputs    []string
	usesNow   bool
	// number is set for scoring expressions (CompileScore).
	number bool
}

// Condition returns the condition text the program was compiled from.
func (p *Program) Condition() string {
	return p.condition
}

// Inputs returns the environment field paths the condition refers to, sorted,
// e.g. ["contact.tier", "conversation.text", "now"]. Custom properties are
// listed by name when written as a constant, e.g. "contact.properties.plan".
func (p *Program) Inputs() []string {
	return append([]string(nil), p.inputs...)
}

// errConditionTooSlow is why an evaluation of one condition stopped.
var errConditionTooSlow = fmt.Errorf("the condition took longer than %s to evaluate", MaxEvalTime)

// Eval evaluates the condition against env. It never panics, and its answer
// depends only on env: a runtime error (such as reading order.status when
// order is nil) returns false and an [*EvalError], and so does a condition
// over one of the work limits ([MaxIterations], [MaxTextWork],
// [MaxListElements]) or still running after [MaxEvalTime].
func (p *Program) Eval(env Env) (matched bool, err error) {
	return p.EvalContext(context.Background(), env)
}

// EvalContext is [Program.Eval] that also stops, with an [*EvalError], when
// ctx is done.
func (p *Program) EvalContext(ctx context.Context, env Env) (matched bool, err error) {
	if p.usesNow && env.Now.IsZero() {
		return false, &EvalError{Message: "now is not set: the caller must pass the evaluation time"}
	}
	out, err := p.run(ctx, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, &EvalError{Message: fmt.Sprintf("condition must be true or false, but it evaluated to %s", describeValue(out))}
	}
	return b, nil
}

// Score evaluates a scoring expression compiled with [CompileScore]. Like
// Eval it never panics, and its answer depends only on env.
func (p *Program) Score(env Env) (score float64, err error) {
	if !p.number {
		return 0, &EvalError{Message: "not a scoring expression"}
	}
	if p.usesNow && env.Now.IsZero() {
		return 0, &EvalError{Message: "now is not set: the caller must pass the evaluation time"}
	}
	out, err := p.run(context.Background(), env)
	if err != nil {
		return 0, err
	}
	f, ok := out.(float64)
	if !ok {
		return 0, &EvalError{Message: fmt.Sprintf("score must be a number, but it evaluated to %s", describeValue(out))}
	}
	return f, nil
}

// run runs the program against env with a fresh meter, in a VM whose memory
// budget is MaxListElements, for at most MaxEvalTime and while ctx is not
// done. Errors are [*EvalError].
func (p *Program) run(ctx context.Context, env Env) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &EvalError{Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	// Drop any monotonic clock reading, which would show in now.String().
	env.Now = env.Now.Round(0)
	ctx, cancel := context.WithTimeoutCause(ctx, MaxEvalTime, errConditionTooSlow)
	defer cancel()
	metered := newMeteredEnv(env)
	metered.Meter.ctx = ctx
	machine := vm.VM{MemoryBudget: MaxListElements}
	out, err = machine.Run(p.program, metered)
	if err != nil {
		return nil, evalError(err)
	}
	return out, nil
}

// describeValue names a value's type for an error message.
func describeValue(v any) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%T %v", v, v)
}

// Compile parses and type-checks a condition against [Env] with the helper
// functions, and returns a program ready to evaluate. Errors are
// [*CompileError].
func Compile(condition string) (*Program, error) {
	return compile(condition, false)
}

// CompileScore compiles a scoring expression: the same language, names and
// limits as a condition, but its result is a number (for example a lead
// score: `(contact.properties.employees >= 50 ? 40 : 10) + ...`). Run it
// with [Program.Score].
func CompileScore(expression string) (*Program, error) {
	return compile(expression, true)
}

func compile(condition string, number bool) (*Program, error) {
	if strings.TrimSpace(condition) == "" {
		return nil, &CompileError{Kind: ErrorKindEmpty, Message: "condition is empty"}
	}
	if n := utf8.RuneCountInString(condition); n > MaxConditionLength {
		return nil, &CompileError{Kind: ErrorKindTooLong, Message: fmt.Sprintf("condition is %d characters long; the limit is %d", n, MaxConditionLength)}
	}
	source, scanErr := scanTokens(condition)
	if scanErr != nil {
		return nil, scanErr
	}
	consts := &constantArguments{
		regexps:   map[string]*regexp.Regexp{},
		schedules: map[string]*schedule{},
	}
	config := conf.CreateNew()
	for _, option := range options(consts, number) {
		option(config)
	}
	for name := range config.Disabled {
		delete(config.Builtins, name)
	}
	config.Check()

	tree, err := parser.ParseWithConfig(source, config)
	if err != nil {
		return nil, parseError(err)
	}
	if err := checkHiddenNames(tree.Node, tree.Source); err != nil {
		return nil, err
	}
	if err := consts.collect(tree.Node, tree.Source); err != nil {
		return nil, err
	}
	inputs, usesNow := collectInputs(tree.Node)

	if _, err := new(checker.Checker).PatchAndCheck(tree, config); err != nil {
		return nil, checkError(err)
	}
	if err := checkWordLists(tree.Node, tree.Source); err != nil {
		return nil, err
	}
	if err := checkMachineDependence(tree.Node, tree.Source); err != nil {
		return nil, err
	}
	if err := optimizer.Optimize(&tree.Node, config); err != nil {
		return nil, checkError(bind(err, tree.Source))
	}
	program, err := compiler.Compile(tree, config)
	if err != nil {
		return nil, checkError(err)
	}
	return &Program{condition: condition, program: program, inputs: inputs, usesNow: usesNow, number: number}, nil
}

// matchFunction is the name conditions call the matches helper by.
const matchFunction = "matches"

// matchIdentifier is the internal name of the matches helper. "matches" is
// an infix operator in expr, so scanTokens renames calls written
// matches(text, pattern) to this name, which has the same length so that
// error positions stay right; error messages are renamed back.
const matchIdentifier = "_match_"

// options returns the expr options every condition is compiled with.
func options(consts *constantArguments, number bool) []expr.Option {
	result := expr.AsBool()
	if number {
		result = expr.AsFloat64()
	}
	opts := []expr.Option{
		expr.Env(meteredEnv{}),
		result,
		expr.MaxNodes(MaxNodes),
		// now is Env.Now; the builtin now() would read the wall clock.
		expr.DisableBuiltin("now"),
	}
	for _, name := range disabledBuiltins {
		opts = append(opts, expr.DisableBuiltin(name))
	}
	return append(opts,
		expr.Function("containsAny", containsAnyFunc, new(func(*meter, string, []any) bool)),
		expr.Function(matchIdentifier, consts.match, new(func(*meter, string, string) bool)),
		expr.Function("inWorkingHours", consts.inWorkingHours, new(func(string, time.Time) bool)),
		// Builtins whose cost grows with their input, counted by the meter.
		expr.Function("split", meteredSplit, new(func(*meter, string, string) []string), new(func(*meter, string, string, int) []string)),
		expr.Function("upper", meteredCase("upper", strings.ToUpper), new(func(*meter, string) string)),
		expr.Function("lower", meteredCase("lower", strings.ToLower), new(func(*meter, string) string)),
		// The builtins keys and values return map entries in Go's random map
		// order; these replacements sort them.
		expr.Function("keys", sortedKeys, new(func(*meter, any) []any)),
		expr.Function("values", sortedValues, new(func(*meter, any) []any)),
		// The builtin string formats lists and maps, which can be large.
		expr.Function("string", stringFunc, new(func(any) string)),
		// The builtins timezone and date accept "Local", the machine's zone,
		// and date reads zone abbreviations in it; these replacements refuse
		// "Local" and read abbreviations in UTC or the given zone.
		expr.Function("timezone", timezoneFunc, new(func(string) *time.Location)),
		expr.Function("date", dateFunc,
			new(func(string) time.Time),
			new(func(string, string) time.Time),
			new(func(string, string, string) time.Time),
			new(func(*time.Location, string) time.Time),
			new(func(*time.Location, string, string) time.Time),
		),
		expr.Function(stepFunction, meterStep, new(func(*meter) bool)),
		expr.Function(concatFunction, meterAdd, new(func(*meter, string, string) string)),
		expr.Function(addFunction, meterAdd, new(func(*meter, any, any) any)),
		expr.Function(listFunction, meterListCall, new(func(*meter, any) bool)),
		// Two patches, so that the tree is type-checked between them.
		expr.Patch(meterArgument{}),
		expr.Patch(meterPatch{}),
	)
}

// parseError converts an error from the expr parser.
func parseError(err error) *CompileError {
	e := compileError(ErrorKindSyntax, err)
	switch {
	case strings.Contains(e.Message, "exceeds maximum allowed nodes"):
		e.Kind = ErrorKindTooLarge
		e.Message = fmt.Sprintf("condition is too large: more than %d names, values and operators", MaxNodes)
	case strings.HasPrefix(e.Message, `unexpected token Operator("=")`):
		// The slip of one who writes SQL or spreadsheets.
		e.Message = "a single = does not compare: write == (or != for not equal)"
	}
	return e
}

// Patterns of expr error messages that checkError rewords.
var (
	unknownNamePattern  = regexp.MustCompile(`^unknown name (\S+)$`)
	unknownFieldPattern = regexp.MustCompile(`^type (\S+) has no (?:field|method) (\S+)$`)
	notBooleanPattern   = regexp.MustCompile(`^expected bool, but got (.+)$`)
	notNumberPattern    = regexp.MustCompile(`^expected float64, but got (.+)$`)
	unknownFuncPattern  = regexp.MustCompile(`^unknown (?:func|builtin) (\S+)$`)
)

// objectNames maps the Go types of the environment to their names in
// conditions.
var objectNames = map[string]string{
	"rules.meteredEnv":   "",
	"rules.Conversation": "conversation",
	"rules.Contact":      "contact",
	"rules.Order":        "order",
	"*rules.Order":       "order",
	"time.Time":          "now",
}

// checkError converts an error from the expr type checker, optimizer or
// compiler.
func checkError(err error) *CompileError {
	e := compileError(ErrorKindWrongType, err)
	switch {
	case strings.Contains(e.Message, "exceeds maximum allowed nodes"):
		e.Kind = ErrorKindTooLarge
		e.Message = fmt.Sprintf("condition is too large: more than %d names, values and operators", MaxNodes)
	case unknownNamePattern.MatchString(e.Message):
		name := unknownNamePattern.FindStringSubmatch(e.Message)[1]
		e.Kind = ErrorKindUnknownName
		e.Message = fmt.Sprintf("unknown name %q", name)
		e.Suggestion = suggestName("", name)
	case unknownFuncPattern.MatchString(e.Message):
		name := unknownFuncPattern.FindStringSubmatch(e.Message)[1]
		e.Kind = ErrorKindUnknownName
		e.Message = fmt.Sprintf("unknown function %q", name)
		e.Suggestion = suggestName("", name)
	case unknownFieldPattern.MatchString(e.Message):
		m := unknownFieldPattern.FindStringSubmatch(e.Message)
		e.Kind = ErrorKindUnknownName
		object, known := objectNames[m[1]]
		switch {
		case known && object != "":
			e.Message = fmt.Sprintf("unknown field %q in %s", m[2], object)
		case known:
			e.Message = fmt.Sprintf("unknown name %q", m[2])
		default:
			e.Message = fmt.Sprintf("unknown field %q", m[2])
		}
		e.Suggestion = suggestName(object, m[2])
	case notBooleanPattern.MatchString(e.Message):
		e.Kind = ErrorKindNotBoolean
		e.Message = "condition must be true or false, but it is " + withArticle(notBooleanPattern.FindStringSubmatch(e.Message)[1])
		if e.Line == 0 {
			e.Line, e.Column = 1, 1
		}
	case notNumberPattern.MatchString(e.Message):
		e.Kind = ErrorKindNotNumber
		e.Message = "a score must be a number, but it is " + withArticle(notNumberPattern.FindStringSubmatch(e.Message)[1])
		if e.Line == 0 {
			e.Line, e.Column = 1, 1
		}
	case e.Message == "time.Time is not callable":
		e.Message = "now is the evaluation time, not a function: write now instead of now()"
	case strings.Contains(e.Message, "(type []interface {}) to call containsAny"):
		e.Message = strings.Replace(e.Message, "(type []interface {})", "(type []string)", 1)
	case strings.HasPrefix(e.Message, "error parsing regexp"):
		e.Kind = ErrorKindInvalidArgument
		e.Message = "invalid regular expression: " + strings.TrimPrefix(e.Message, "error parsing regexp: ")
	}
	return e
}

// compileError converts an expr error into a CompileError of the given kind,
// with a 1-based position when expr gave one.
func compileError(kind ErrorKind, err error) *CompileError {
	e := &CompileError{Kind: kind, Message: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Message = fe.Message
		if fe.Line > 0 {
			// expr's Line is 1-based; its Column is 0-based.
			e.Line, e.Column = fe.Line, fe.Column+1
		}
	}
	e.Message = strings.TrimSpace(strings.ReplaceAll(e.Message, matchIdentifier, matchFunction))
	return e
}

// bind gives an expr error without a position one, when it has a location.
func bind(err error, source file.Source) error {
	var fe *file.Error
	if errors.As(err, &fe) && fe.Line == 0 {
		return fe.Bind(source)
	}
	return err
}

// errorAt returns a CompileError positioned at node.
func errorAt(kind ErrorKind, node ast.Node, source file.Source, format string, args ...any) *CompileError {
	fe := (&file.Error{Location: node.Location()}).Bind(source)
	return &CompileError{Kind: kind, Line: fe.Line, Column: fe.Column + 1, Message: fmt.Sprintf(format, args...)}
}

// evalError converts an error from the expr VM.
func evalError(err error) *EvalError {
	e := &EvalError{Message: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Message = fe.Message
		if fe.Line > 0 {
			e.Line, e.Column = fe.Line, fe.Column+1
		}
	}
	e.Message = strings.ReplaceAll(e.Message, matchIdentifier, matchFunction)
	if e.Message == "memory budget exceeded" {
		e.Message = fmt.Sprintf("condition is too expensive: it built lists of more than %d elements", MaxListElements)
	}
	return e
}

// withArticle returns "a string", "an int", or "nil" for expr's type names.
func withArticle(typeName string) string {
	switch {
	case typeName == "unknown" || typeName == "nil":
		return "nil"
	case strings.ContainsRune("aeiou", rune(typeName[0])):
		return "an " + typeName
	}
	return "a " + typeName
}

// describeType names a type for error messages in expr's terms.
func describeType(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return t.String()
}
