package rules

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"

	"github.com/switchboardhq/switchboard/textfold"
)

// Limits on the work one evaluation may do. A condition over a limit fails
// to evaluate (and so does not match) instead of stalling a workflow task or
// exhausting a worker's memory. They are far above what real conditions
// need.
const (
	// MaxIterations is the most list elements one evaluation may look at,
	// summed over the whole condition: one per element a predicate runs on
	// (all, any, filter, count, ...), and every element of the lists given to
	// the builtins that read a whole list (sum, mean, median, min, max,
	// reverse, keys, values, in, and == between lists).
	MaxIterations = 10_000
	// MaxTextWork is the most bytes of text one evaluation may process with
	// the operations whose cost grows with their input: joining strings with
	// +, split (which counts the pieces it makes too), upper, lower,
	// containsAny (each distinct text once) and matches.
	MaxTextWork = 16 << 20
	// MaxListElements is the most list and map elements one evaluation may
	// build: ranges such as 1..100, list and map literals, reverse. It is the
	// expr VM's memory budget (expr's default, made explicit): a list longer
	// than MaxIterations can be built but not looked at.
	MaxListElements = 1_000_000
	// MaxEvalTime is the longest one evaluation may run: one condition
	// through [Program.Eval] or [Program.Score], or a whole rule set through
	// [Cache.Evaluate], whose conditions share it. The limits above keep real
	// conditions thousands of times below it; it stops whatever they miss,
	// within the 10 s the conversation workflow gives the rules activity.
	MaxEvalTime = time.Second
)

// disabledBuiltins are expr builtins conditions cannot use (besides now,
// which reads the wall clock and whose name is Env.Now). They build
// collections or strings whose size can grow with each step (map, reduce,
// repeat, replace, join, toJSON, ...) and are not needed to decide true or
// false; with them a 2,000-character condition could allocate gigabytes.
var disabledBuiltins = []string{
	"map", "reduce", "groupBy", "sortBy", "sort", "uniq", "flatten", "concat",
	"repeat", "replace", "join", "splitAfter",
	"toJSON", "fromJSON", "toBase64", "fromBase64", "toPairs", "fromPairs",
}

// meteredFunctions are the functions that take the evaluation's meter as a
// hidden first argument, with the numbers of arguments a condition passes
// them. meterArgument inserts the meter into such calls.
var meteredFunctions = map[string][]int{
	"containsAny":   {2},
	matchIdentifier: {2},
	"split":         {2, 3},
	"upper":         {1},
	"lower":         {1},
	"keys":          {1},
	"values":        {1},
}

// listBuiltins are the expr builtins that read every element of the lists
// they are given, with no predicate to count the steps: meterPatch passes
// each of their arguments through __list, which counts the elements first.
// sum and count read a whole list only without a predicate.
var listBuiltins = map[string]bool{
	"sum": true, "count": true, "mean": true, "median": true, "min": true, "max": true, "reverse": true,
}

// meter counts the work of one evaluation. Eval creates one per evaluation
// and passes it to the condition in the hidden field meteredEnv.Meter.
type meter struct {
	// ctx is done when the evaluation must stop (MaxEvalTime); nil is
	// never.
	ctx        context.Context
	iterations int
	textWork   int
	// The last text containsAny folded, and its words.
	foldedText  string
	foldedWords []string
}

// meteredEnv is what a compiled condition runs against: the fields of Env
// and the evaluation's meter. It repeats Env's fields rather than embedding
// Env because expr mis-reports nil pointers inside embedded structs; a test
// keeps the two in step.
type meteredEnv struct {
	Conversation Conversation `expr:"conversation"`
	Contact      Contact      `expr:"contact"`
	Order        *Order       `expr:"order"`
	Now          time.Time    `expr:"now"`
	// Meter is reachable only through the arguments meterArgument and
	// meterPatch insert: names starting with "__" are refused in conditions.
	Meter *meter `expr:"__meter"`
}

// newMeteredEnv returns env with a fresh meter, which has no deadline until
// its ctx is set.
func newMeteredEnv(env Env) meteredEnv {
	return meteredEnv{
		Conversation: env.Conversation,
		Contact:      env.Contact,
		Order:        env.Order,
		Now:          env.Now,
		Meter:        &meter{},
	}
}

// Names of the hidden meter field and the functions meterPatch inserts.
const (
	hiddenPrefix   = "__"
	meterField     = "__meter"
	stepFunction   = "__step"
	concatFunction = "__concat"
	addFunction    = "__add"
	listFunction   = "__list"
	listVariable   = "__listed"
)

// step counts one predicate step.
func (m *meter) step() error {
	return m.look(1)
}

// look counts n list elements looked at.
func (m *meter) look(n int) error {
	if n > MaxIterations || m.iterations > MaxIterations-n {
		m.iterations = MaxIterations + 1
		return fmt.Errorf("condition is too expensive: it looked at more than %d list elements", MaxIterations)
	}
	m.iterations += n
	return m.inTime()
}

// chargeText counts n bytes of text work.
func (m *meter) chargeText(n int) error {
	if n > MaxTextWork || m.textWork > MaxTextWork-n {
		m.textWork = MaxTextWork
		return fmt.Errorf("condition is too expensive: it processed more than %d bytes of text", MaxTextWork)
	}
	m.textWork += n
	return m.inTime()
}

// inTime returns an error once the evaluation must stop: the meter's
// context is done. Every metered step asks, so a condition stops within one
// step of its deadline.
func (m *meter) inTime() error {
	if m.ctx == nil || m.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("evaluation stopped: %v", context.Cause(m.ctx))
}

// lookAtList counts the elements of a list, and of the lists inside it
// (median, min, max and mean read those too), as list elements looked at; an
// empty list counts as one, so that lists nested without end cost something.
// Any other value is free (a map's keys are found without reading them all).
func (m *meter) lookAtList(v any) error {
	switch list := v.(type) {
	case nil, string, bool, int, float64:
		return nil
	case []int:
		return m.look(max(len(list), 1))
	case []float64:
		return m.look(max(len(list), 1))
	case []string:
		return m.look(max(len(list), 1))
	case []any:
		if err := m.look(max(len(list), 1)); err != nil {
			return err
		}
		for _, x := range list {
			if err := m.lookAtList(x); err != nil {
				return err
			}
		}
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil
	}
	if err := m.look(max(rv.Len(), 1)); err != nil {
		return err
	}
	switch rv.Type().Elem().Kind() {
	case reflect.Interface, reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			if err := m.lookAtList(rv.Index(i).Interface()); err != nil {
				return err
			}
		}
	}
	return nil
}

// words returns textfold.Words(text), counting the work unless text is the
// one folded last.
func (m *meter) words(text string) ([]string, error) {
	if m.foldedWords != nil && text == m.foldedText {
		return m.foldedWords, nil
	}
	if err := m.chargeText(len(text)); err != nil {
		return nil, err
	}
	m.foldedText, m.foldedWords = text, textfold.Words(text)
	if m.foldedWords == nil {
		m.foldedWords = []string{}
	}
	return m.foldedWords, nil
}

// meterFrom returns the meter passed as a function's first argument.
func meterFrom(params []any) (*meter, []any, error) {
	if len(params) == 0 {
		return nil, nil, fmt.Errorf("internal error: no meter")
	}
	m, ok := params[0].(*meter)
	if !ok || m == nil {
		return nil, nil, fmt.Errorf("internal error: no meter")
	}
	return m, params[1:], nil
}

// meterArgument inserts the evaluation's meter as the first argument of
// calls of meteredFunctions, and Env.Now as the last argument of
// inWorkingHours(schedule). It runs before meterPatch, so that the tree is
// type-checked with these arguments in place when meterPatch looks at types.
type meterArgument struct{}

// Visit implements ast.Visitor.
func (meterArgument) Visit(node *ast.Node) {
	name, call := calledName(*node)
	if call == nil {
		return
	}
	if name == "inWorkingHours" && len(call.Arguments) == 1 {
		now := &ast.IdentifierNode{Value: "now"}
		now.SetLocation(call.Location())
		call.Arguments = append(call.Arguments, now)
		return
	}
	arities, ok := meteredFunctions[name]
	if !ok || !containsInt(arities, len(call.Arguments)) {
		return
	}
	if len(call.Arguments) > 0 {
		if first, ok := call.Arguments[0].(*ast.IdentifierNode); ok && first.Value == meterField {
			return // already patched
		}
	}
	call.Arguments = append([]ast.Node{meterIdentifier(call)}, call.Arguments...)
}

// meterPatch rewrites a type-checked condition so that its work is counted:
// every predicate body becomes (__step(__meter); body), every + that may join
// strings becomes a call of __concat (two strings) or __add (values whose
// type is known only at run time), and the infix operator matches becomes a
// call of the matches helper. A list that a builtin or operator reads whole
// (sum(list), median(list), x in list, list == other) goes through
// meterList, which has __list count its elements first.
type meterPatch struct{}

// Visit implements ast.Visitor.
func (meterPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		if !listBuiltins[n.Name] || ((n.Name == "sum" || n.Name == "count") && len(n.Arguments) != 1) {
			return
		}
		for i, arg := range n.Arguments {
			n.Arguments[i] = meterList(arg)
		}
	case *ast.PredicateNode:
		if seq, ok := n.Node.(*ast.SequenceNode); ok && len(seq.Nodes) == 2 {
			if name, _ := calledName(seq.Nodes[0]); name == stepFunction {
				return // already patched
			}
		}
		body := &ast.SequenceNode{Nodes: []ast.Node{meterCall(stepFunction, n.Node), n.Node}}
		body.SetLocation(n.Node.Location())
		n.Node = body
	case *ast.BinaryNode:
		left, right := kindOf(n.Left), kindOf(n.Right)
		mayBeString := func(k reflect.Kind) bool { return k == reflect.String || k == reflect.Interface }
		switch {
		case n.Operator == "+" && left == reflect.String && right == reflect.String:
			ast.Patch(node, meterCall(concatFunction, n, n.Left, n.Right))
		case n.Operator == "+" && mayBeString(left) && mayBeString(right):
			ast.Patch(node, meterCall(addFunction, n, n.Left, n.Right))
		case n.Operator == "matches":
			ast.Patch(node, meterCall(matchIdentifier, n, n.Left, n.Right))
		case n.Operator == "in" && (isList(right) || right == reflect.Interface) && !isListLiteral(n.Right):
			// A literal list or range is left to expr's optimizer, which
			// turns x in ["a", "b"] into a set lookup and x in 1..10 into
			// two comparisons; building it is bounded by MaxListElements.
			n.Right = meterList(n.Right)
		case (n.Operator == "==" || n.Operator == "!=") && (isList(left) || isList(right)):
			n.Left, n.Right = meterList(n.Left), meterList(n.Right)
		}
	}
}

// meterList returns list such that its elements are counted before it is
// used: (let __listed = list; __list(__meter, __listed); __listed). The let
// gives the result list's type, element type included, so the condition
// type-checks as it did without it. A list so wrapped already is returned as
// it is.
func meterList(list ast.Node) ast.Node {
	if let, ok := list.(*ast.VariableDeclaratorNode); ok && let.Name == listVariable {
		return list
	}
	listed := func() ast.Node {
		ident := &ast.IdentifierNode{Value: listVariable}
		ident.SetLocation(list.Location())
		return ident
	}
	body := &ast.SequenceNode{Nodes: []ast.Node{meterCall(listFunction, list, listed()), listed()}}
	body.SetLocation(list.Location())
	let := &ast.VariableDeclaratorNode{Name: listVariable, Value: list, Expr: body}
	let.SetLocation(list.Location())
	return let
}

// isList reports whether k is the kind of a list.
func isList(k reflect.Kind) bool {
	return k == reflect.Slice || k == reflect.Array
}

// isListLiteral reports whether node is a list written out ([1, 2]) or a
// range (1..10).
func isListLiteral(node ast.Node) bool {
	switch n := node.(type) {
	case *ast.ArrayNode:
		return true
	case *ast.BinaryNode:
		return n.Operator == ".."
	}
	return false
}

// meterListCall implements __list(meter, list).
func meterListCall(params ...any) (any, error) {
	m, args, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("internal error: __list takes 1 list")
	}
	if err := m.lookAtList(args[0]); err != nil {
		return nil, err
	}
	return true, nil
}

// kindOf returns the kind of a type-checked node's type.
func kindOf(node ast.Node) reflect.Kind {
	t := node.Type()
	if t == nil {
		return reflect.Interface
	}
	return t.Kind()
}

// meterIdentifier returns the hidden meter field, positioned at at.
func meterIdentifier(at ast.Node) ast.Node {
	field := &ast.IdentifierNode{Value: meterField}
	field.SetLocation(at.Location())
	return field
}

// meterCall returns a call of a function with the meter and args, positioned
// at at.
func meterCall(function string, at ast.Node, args ...ast.Node) *ast.CallNode {
	callee := &ast.IdentifierNode{Value: function}
	callee.SetLocation(at.Location())
	call := &ast.CallNode{Callee: callee, Arguments: append([]ast.Node{meterIdentifier(at)}, args...)}
	call.SetLocation(at.Location())
	return call
}

// meterStep implements __step(meter).
func meterStep(params ...any) (any, error) {
	m, _, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if err := m.step(); err != nil {
		return nil, err
	}
	return true, nil
}

// meterAdd implements __concat(meter, a, b) and __add(meter, a, b), which
// replace +: strings are joined and counted, anything else is added as
// expr's + does.
func meterAdd(params ...any) (out any, err error) {
	m, args, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, fmt.Errorf("internal error: + takes 2 operands")
	}
	if a, ok := args[0].(string); ok {
		if b, ok := args[1].(string); ok {
			if err := m.chargeText(len(a) + len(b)); err != nil {
				return nil, err
			}
			return a + b, nil
		}
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return runtime.Add(args[0], args[1]), nil
}

// meteredSplit implements split(text, separator[, n]).
func meteredSplit(params ...any) (any, error) {
	m, args, err := meterFrom(params)
	if err != nil {
		return nil, err
	}
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("split takes 2 or 3 arguments, got %d", len(args))
	}
	text, ok1 := args[0].(string)
	separator, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("split takes a text and a separator, got %s and %s", describeValue(args[0]), describeValue(args[1]))
	}
	n := -1
	if len(args) == 3 {
		n = runtime.ToInt(args[2])
	}
	// The pieces cost their string headers too: split(text, "") makes one
	// per character, sixteen times the bytes of the text.
	pieces := strings.Count(text, separator) + 1
	if n >= 0 && n < pieces {
		pieces = n
	}
	if err := m.chargeText(len(text) + stringHeaderBytes*pieces); err != nil {
		return nil, err
	}
	return strings.SplitN(text, separator, n), nil
}

// stringHeaderBytes is the size of a Go string header, which split counts
// for every piece it makes.
const stringHeaderBytes = 16

// meteredCase returns the implementation of upper or lower.
func meteredCase(name string, convert func(string) string) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		m, args, err := meterFrom(params)
		if err != nil {
			return nil, err
		}
		if len(args) != 1 {
			return nil, fmt.Errorf("%s takes 1 argument, got %d", name, len(args))
		}
		text, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s takes a text, got %s", name, describeValue(args[0]))
		}
		if err := m.chargeText(len(text)); err != nil {
			return nil, err
		}
		return convert(text), nil
	}
}

// containsInt reports whether list contains n.
func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
