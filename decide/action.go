package decide

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/textfold"
	"github.com/switchboardhq/switchboard/understand"
)

// Inputs of the built-in actions (actions.Builtins' schemas).
const (
	InputOrderNumber = "order_number"
)

// MatchAction returns the company-defined action a message asks for,
// offline: the one whose trigger phrase the message contains or whose
// example request shares at least two thirds of its words with the message.
// When several match, the most specific wins: a trigger weighs its words, an
// example the words it shares (and a little more, being a whole request).
// It returns "" for none, and what matched. (It ranges over the actions'
// map only to sort their names.)
//
//workflowcheck:ignore
func MatchAction(text string, specs map[string]actions.Spec) (name, matched string) {
	words := textfold.Words(text)
	folded := " " + strings.Join(words, " ") + " "
	have := map[string]bool{}
	for _, w := range words {
		have[w] = true
	}
	names := make([]string, 0, len(specs))
	for n, s := range specs {
		if s.Kind == actions.KindHTTP {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	best := 0.0
	for _, n := range names {
		for _, trig := range specs[n].Triggers {
			tw := textfold.Words(trig)
			t := strings.Join(tw, " ")
			if score := float64(len(tw)); t != "" && strings.Contains(folded, " "+t+" ") && score > best {
				name, matched, best = n, "trigger: "+trig, score
			}
		}
		for _, ex := range specs[n].Examples {
			exWords := contentWords(ex)
			if len(exWords) == 0 {
				continue
			}
			shared := 0
			for _, w := range exWords {
				if have[w] {
					shared++
				}
			}
			if 3*shared < 2*len(exWords) {
				continue
			}
			if score := float64(shared) + 0.5; score > best {
				name, matched, best = n, "example: "+ex, score
			}
		}
	}
	return name, matched
}

// functionWords carry no request of their own: an example's other words
// are what a message must share with it.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "i": true, "my": true, "me": true, "to": true, "is": true, "it": true,
	"of": true, "for": true, "on": true, "in": true, "can": true, "you": true, "please": true, "would": true,
	"like": true, "want": true, "do": true, "could": true, "what": true, "how": true, "and": true, "or": true,
	"this": true, "that": true, "with": true, "be": true, "we": true, "our": true, "your": true,
}

func contentWords(s string) []string {
	var out []string
	for _, w := range textfold.Words(s) {
		if !functionWords[w] {
			out = append(out, w)
		}
	}
	return out
}

var numberPattern = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?`)

// ExtractInputs reads the inputs of an action a message gives, offline: an
// input with an enum takes a value the message names; a pattern, the first
// match; an email format, the address typed; a number, the only number
// written; an input named for an order, the order number understand found
// (orderNumber). Inputs it cannot tell are left out, to be asked for.
func ExtractInputs(text string, s actions.Spec, orderNumber string) map[string]string {
	out := map[string]string{}
	folded := " " + strings.Join(textfold.Words(text), " ") + " "
	numbers := numberPattern.FindAllString(text, -1)
	// Numbers go last, among those no other input took.
	for _, in := range s.Inputs {
		if in.Type == "integer" || in.Type == "number" {
			continue
		}
		if v := extractOne(text, folded, in, orderNumber, nil); v != "" {
			out[in.Name] = v
			numbers = slices.DeleteFunc(numbers, func(n string) bool { return n == v })
		}
	}
	for _, in := range s.Inputs {
		if in.Type != "integer" && in.Type != "number" {
			continue
		}
		if v := extractOne(text, folded, in, orderNumber, numbers); v != "" {
			out[in.Name] = v
		}
	}
	return out
}

func extractOne(text, folded string, in actions.Input, orderNumber string, numbers []string) string {
	switch {
	case len(in.Enum) > 0:
		for _, v := range in.Enum {
			if f := strings.Join(textfold.Words(v), " "); f != "" && strings.Contains(folded, " "+f+" ") {
				return v
			}
		}
		return ""
	case in.Pattern != "":
		re, err := regexp.Compile(unanchored(in.Pattern))
		if err != nil {
			return ""
		}
		return re.FindString(text)
	case in.Format == "email":
		return understand.Email(text)
	case in.Type == "integer" || in.Type == "number":
		if len(numbers) == 1 {
			return numbers[0]
		}
		return ""
	case isOrderInput(in):
		return orderNumber
	}
	return ""
}

// isOrderInput reports whether an input is named for an order, and so takes
// an order number.
func isOrderInput(in actions.Input) bool {
	return strings.Contains(in.Name, "order") && in.Type == "string"
}

// ConversationOrderInput fills, in inputs, the first input of a company
// action named for an order that the message left out with the order the
// conversation is about, when that order is a valid value for it. It
// returns the input filled, "" for none. The customer sees the value in the
// confirmation before anything runs.
func ConversationOrderInput(s actions.Spec, inputs map[string]string, order string) string {
	if order == "" {
		return ""
	}
	for _, in := range s.Inputs {
		if !isOrderInput(in) || inputs[in.Name] != "" {
			continue
		}
		if actions.Check(s, map[string]string{in.Name: order}) != nil {
			return ""
		}
		inputs[in.Name] = order
		return in.Name
	}
	return ""
}

// unanchored drops a pattern's ^ and $, so that it finds a value inside a
// sentence (the full value is validated against the schema later).
func unanchored(p string) string {
	return strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$")
}

// InputAnswer reads the customer's reply to the agent's question for one
// input: the value found as ExtractInputs would, else, for a free-text
// string input, the whole reply.
func InputAnswer(text string, in actions.Input, orderNumber string) string {
	folded := " " + strings.Join(textfold.Words(text), " ") + " "
	if v := extractOne(text, folded, in, orderNumber, numberPattern.FindAllString(text, -1)); v != "" {
		return v
	}
	if in.Type == "string" && len(in.Enum) == 0 && in.Pattern == "" && in.Format == "" {
		return strings.TrimSpace(text)
	}
	return ""
}

// AskInputText asks the customer for one input of an action.
func AskInputText(in actions.Input) string {
	q := "To do that I need " + lowerFirst(strings.TrimSuffix(in.Description, ".")) + "."
	if len(in.Enum) > 0 {
		q += " (one of: " + strings.Join(in.Enum, ", ") + ")"
	}
	return q + " What is it?"
}

// BuiltinInputs are a built-in action's inputs as understand read them.
func BuiltinInputs(a understand.Analysis) map[string]string {
	out := map[string]string{}
	if a.OrderNumber != "" {
		out[InputOrderNumber] = a.OrderNumber
	}
	for _, f := range []string{understand.FieldName, understand.FieldPhone, understand.FieldAddress} {
		if v, ok := a.ContactUpdate[f]; ok {
			out[f] = v
		}
	}
	return out
}

// InputsText lists inputs for a confirmation: "size: M, order_number: 1042".
func InputsText(s actions.Spec, inputs map[string]string) string {
	var parts []string
	for _, in := range s.Inputs {
		if v, ok := inputs[in.Name]; ok && v != "" {
			parts = append(parts, fmt.Sprintf("%s: %s", strings.ReplaceAll(in.Name, "_", " "), v))
		}
	}
	return strings.Join(parts, ", ")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s // an acronym
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// LooksLikeAnswer reports whether a message reads as a reply to the agent's
// question for a value rather than a new request: short, and not a question.
func LooksLikeAnswer(text string) bool {
	return !strings.Contains(text, "?") && len(textfold.Words(text)) <= 8
}
