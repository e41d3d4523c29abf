package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
)

// scanTokens lexes a condition to refuse disabled builtins by name and to
// rename calls of the matches helper, written matches(text, pattern), to
// matchIdentifier. expr lexes "matches" as its infix operator (text matches
// pattern), so a call would not parse. A call is "matches" followed by "("
// where an operand is expected: at the start, or after an operator or an
// opening bracket; the infix operator is left alone. The replacement has the
// same length, so positions in errors stay right.
func scanTokens(condition string) (string, *CompileError) {
	source := file.NewSource(condition)
	tokens, err := lexer.Lex(source)
	if err != nil {
		return condition, nil // the parser reports the error
	}
	var calls []int
	for i, t := range tokens {
		followedByCall := i+1 < len(tokens) && tokens[i+1].Is(lexer.Bracket, "(")
		if t.Kind == lexer.Identifier && followedByCall && containsString(disabledBuiltins, t.Value) {
			fe := (&file.Error{Location: t.Location}).Bind(source)
			return "", &CompileError{Kind: ErrorKindNotAllowed, Line: fe.Line, Column: fe.Column + 1,
				Message: fmt.Sprintf("%s() is not available in conditions", t.Value)}
		}
		if !t.Is(lexer.Operator, "matches") || !followedByCall {
			continue
		}
		if i > 0 {
			prev := tokens[i-1]
			operandBefore := prev.Kind == lexer.Identifier || prev.Kind == lexer.Number ||
				prev.Kind == lexer.String || prev.Kind == lexer.Bytes ||
				prev.Is(lexer.Bracket, ")", "]", "}") || prev.Is(lexer.Operator, ".", "?.")
			if operandBefore {
				continue
			}
		}
		calls = append(calls, t.From)
	}
	if len(calls) == 0 {
		return condition, nil
	}
	runes := []rune(condition)
	for _, from := range calls {
		if from+len(matchFunction) <= len(runes) && string(runes[from:from+len(matchFunction)]) == matchFunction {
			copy(runes[from:], []rune(matchIdentifier))
		}
	}
	return string(runes), nil
}

// children returns the direct children of node.
func children(node ast.Node) []ast.Node {
	switch n := node.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		return append(append([]ast.Node(nil), n.Arguments...), n.Map)
	case *ast.PredicateNode:
		return []ast.Node{n.Node}
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{n.Value, n.Expr}
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		return n.Pairs
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

// walk calls visit for node and, when visit returns true, for its
// descendants, parents first.
func walk(node ast.Node, visit func(ast.Node) bool) {
	if node == nil || reflect.ValueOf(node).IsNil() {
		return
	}
	if !visit(node) {
		return
	}
	for _, child := range children(node) {
		walk(child, visit)
	}
}

// checkHiddenNames rejects names starting with "__", which are reserved for
// the evaluation meter.
func checkHiddenNames(root ast.Node, source file.Source) *CompileError {
	var err *CompileError
	walk(root, func(node ast.Node) bool {
		if err != nil {
			return false
		}
		if ident, ok := node.(*ast.IdentifierNode); ok && strings.HasPrefix(ident.Value, hiddenPrefix) {
			err = errorAt(ErrorKindUnknownName, node, source, "unknown name %q", ident.Value)
			return false
		}
		if member, ok := node.(*ast.MemberNode); ok {
			if name, ok := constantString(member.Property); ok && strings.HasPrefix(name, hiddenPrefix) {
				err = errorAt(ErrorKindUnknownName, member.Property, source, "unknown name %q", name)
				return false
			}
		}
		return true
	})
	return err
}

// calledName returns the name of the function node calls, or "".
func calledName(node ast.Node) (string, *ast.CallNode) {
	call, ok := node.(*ast.CallNode)
	if !ok {
		return "", nil
	}
	ident, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return "", nil
	}
	return ident.Value, call
}

// constantString returns the value of node when it is a string literal.
func constantString(node ast.Node) (string, bool) {
	if s, ok := node.(*ast.StringNode); ok {
		return s.Value, true
	}
	return "", false
}

// collectInputs returns the sorted environment paths a parsed (unchecked)
// condition refers to, and whether it depends on now. A path is the
// top-level object and its field ("contact.tier"); custom properties read
// with a constant name add the name ("contact.properties.plan"). An object
// used whole ("order != nil") is listed by itself unless one of its fields is
// listed.
func collectInputs(root ast.Node) ([]string, bool) {
	seen := map[string]bool{}
	walk(root, func(node ast.Node) bool {
		if name, call := calledName(node); name == "inWorkingHours" && len(call.Arguments) == 1 {
			seen["now"] = true
		}
		path, ok := envPath(node)
		if !ok {
			return true
		}
		seen[path] = true
		// The member chain is recorded; only its computed parts (such as
		// the key in contact.properties[key]) can refer to more inputs.
		for n := node; ; {
			m, ok := unwrapChain(n).(*ast.MemberNode)
			if !ok {
				break
			}
			if _, constant := m.Property.(*ast.StringNode); !constant {
				for _, p := range subInputs(m.Property) {
					seen[p] = true
				}
			}
			n = m.Node
		}
		return false
	})
	var inputs []string
	for path := range seen {
		covered := false
		for other := range seen {
			if strings.HasPrefix(other, path+".") {
				covered = true
				break
			}
		}
		if !covered {
			inputs = append(inputs, path)
		}
	}
	sort.Strings(inputs)
	usesNow := seen["now"]
	return inputs, usesNow
}

// subInputs returns the inputs of a sub-expression, such as a computed
// property key.
func subInputs(node ast.Node) []string {
	inputs, usesNow := collectInputs(node)
	if usesNow && !containsString(inputs, "now") {
		inputs = append(inputs, "now")
	}
	return inputs
}

// containsString reports whether list contains s.
func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// topLevel is the set of Env field names.
var topLevel = map[string]bool{"conversation": true, "contact": true, "order": true, "now": true}

// unwrapChain returns the node inside an optional-chaining group.
func unwrapChain(node ast.Node) ast.Node {
	if c, ok := node.(*ast.ChainNode); ok {
		return c.Node
	}
	return node
}

// envPath returns the input path of an identifier or member chain that
// starts at an environment field, truncated as collectInputs describes.
func envPath(node ast.Node) (string, bool) {
	var segments []string
	n := unwrapChain(node)
	for {
		switch m := n.(type) {
		case *ast.MemberNode:
			if s, ok := m.Property.(*ast.StringNode); ok {
				segments = append([]string{s.Value}, segments...)
			} else {
				segments = nil // a computed member: keep only what comes before it
			}
			n = unwrapChain(m.Node)
			continue
		case *ast.IdentifierNode:
			if m.Value == "$env" && len(segments) > 0 && topLevel[segments[0]] {
				return truncatePath(segments), true
			}
			if !topLevel[m.Value] {
				return "", false
			}
			return truncatePath(append([]string{m.Value}, segments...)), true
		}
		return "", false
	}
}

// truncatePath cuts a path to object.field, or contact.properties.name.
func truncatePath(segments []string) string {
	keep := 2
	switch {
	case segments[0] == "now":
		keep = 1
	case len(segments) >= 2 && segments[0] == "contact" && segments[1] == "properties":
		keep = 3
	}
	if len(segments) > keep {
		segments = segments[:keep]
	}
	return strings.Join(segments, ".")
}

// constantArguments holds the regular expressions and schedules written as
// string literals in a condition, compiled once at Compile time. It is
// read-only after Compile returns.
type constantArguments struct {
	regexps   map[string]*regexp.Regexp
	schedules map[string]*schedule
}

// collect compiles the literal pattern and schedule arguments in a parsed
// condition, so that a bad one is a compile error.
func (c *constantArguments) collect(root ast.Node, source file.Source) *CompileError {
	var err *CompileError
	walk(root, func(node ast.Node) bool {
		if err != nil {
			return false
		}
		if binary, ok := node.(*ast.BinaryNode); ok && binary.Operator == "matches" {
			err = c.compileRegexp(binary.Right, source)
			return err == nil
		}
		name, call := calledName(node)
		if call != nil {
			if arities, metered := meteredFunctions[name]; metered && !containsInt(arities, len(call.Arguments)) {
				err = errorAt(ErrorKindWrongType, node, source, "%s takes %s, got %d", strings.ReplaceAll(name, matchIdentifier, matchFunction),
					describeArity(arities), len(call.Arguments))
				return false
			}
		}
		switch {
		case name == matchIdentifier && len(call.Arguments) == 2:
			err = c.compileRegexp(call.Arguments[1], source)
			return err == nil
		case name == "inWorkingHours" && len(call.Arguments) >= 1:
			text, ok := constantString(call.Arguments[0])
			if !ok {
				return true
			}
			s, sErr := parseSchedule(text)
			if sErr != nil {
				err = errorAt(ErrorKindInvalidArgument, call.Arguments[0], source, "invalid schedule: %s", sErr.Error())
				return false
			}
			c.schedules[text] = s
		}
		return true
	})
	return err
}

// compileRegexp compiles a pattern argument when it is a string literal.
func (c *constantArguments) compileRegexp(node ast.Node, source file.Source) *CompileError {
	pattern, ok := constantString(node)
	if !ok {
		return nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return errorAt(ErrorKindInvalidArgument, node, source, "invalid regular expression: %s",
			strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	c.regexps[pattern] = re
	return nil
}

// describeArity returns "1 argument" or "2 or 3 arguments".
func describeArity(arities []int) string {
	parts := make([]string, len(arities))
	for i, n := range arities {
		parts[i] = fmt.Sprint(n)
	}
	if len(arities) == 1 && arities[0] == 1 {
		return "1 argument"
	}
	return strings.Join(parts, " or ") + " arguments"
}

// checkWordLists checks, in a type-checked condition, that the word lists
// given to containsAny hold strings: expr types list literals as []any, so
// its own check cannot.
func checkWordLists(root ast.Node, source file.Source) *CompileError {
	var err *CompileError
	walk(root, func(node ast.Node) bool {
		if err != nil {
			return false
		}
		name, call := calledName(node)
		if name != "containsAny" || len(call.Arguments) != 3 {
			return true
		}
		words := call.Arguments[2] // after the meter
		if list, ok := words.(*ast.ArrayNode); ok {
			for _, element := range list.Nodes {
				if t := element.Type(); t != nil && t.Kind() != reflect.String && t.Kind() != reflect.Interface {
					err = errorAt(ErrorKindWrongType, element, source, "containsAny takes a list of strings, but this element is a %s", describeType(t))
					return false
				}
			}
			return true
		}
		if t := words.Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			if k := t.Elem().Kind(); k != reflect.String && k != reflect.Interface {
				err = errorAt(ErrorKindWrongType, words, source, "containsAny takes a list of strings, not a list of %s", describeType(t.Elem()))
				return false
			}
		}
		return true
	})
	return err
}

// timeType is the type of Env.Now.
var timeType = reflect.TypeOf(time.Time{})

// checkMachineDependence rejects, in a type-checked condition, calls whose
// result depends on the machine's time zone: now.Local().
func checkMachineDependence(root ast.Node, source file.Source) *CompileError {
	var err *CompileError
	walk(root, func(node ast.Node) bool {
		if err != nil {
			return false
		}
		m, ok := node.(*ast.MemberNode)
		if !ok {
			return true
		}
		if name, ok := constantString(m.Property); ok && name == "Local" && m.Node.Type() == timeType {
			err = errorAt(ErrorKindNotAllowed, m.Property, source,
				"Local() depends on the server's time zone; use In(timezone(\"Europe/Berlin\")) or inWorkingHours")
			return false
		}
		return true
	})
	return err
}
