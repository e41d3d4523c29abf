package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// InputError is the error of an action's inputs schema or of the values
// given for them; Field names what is wrong ("inputs.properties.order.type",
// "order_number").
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

var inputName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ParseInputs reads an action's inputs from its JSON Schema: an object
// whose properties are strings, integers, numbers or booleans, each with a
// description (the model reads it; the offline agent asks with it). The
// schema must compile as JSON Schema (draft 2020-12 unless it says).
func ParseInputs(raw json.RawMessage) ([]Input, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &InputError{"inputs", "is required: a JSON Schema object, {\"type\":\"object\",\"properties\":{}} for none"}
	}
	if _, err := compile(raw); err != nil {
		return nil, err
	}
	var doc struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, &InputError{"inputs", "is not a JSON Schema object: " + err.Error()}
	}
	if doc.Type != "object" {
		return nil, &InputError{"inputs.type", `must be "object"`}
	}
	for _, name := range doc.Required {
		if _, ok := doc.Properties[name]; !ok {
			return nil, &InputError{"inputs.required", fmt.Sprintf("%q is not among the properties", name)}
		}
	}
	var out []Input
	for name, p := range doc.Properties {
		field := "inputs.properties." + name
		if !inputName.MatchString(name) {
			return nil, &InputError{field, "a name is lowercase letters, digits and '_', starting with a letter"}
		}
		var prop struct {
			Type        string `json:"type"`
			Description string `json:"description"`
			Enum        []any  `json:"enum"`
			Pattern     string `json:"pattern"`
			Format      string `json:"format"`
		}
		if err := json.Unmarshal(p, &prop); err != nil {
			return nil, &InputError{field, "is not a schema with a single type: " + err.Error()}
		}
		switch prop.Type {
		case "string", "integer", "number", "boolean":
		default:
			return nil, &InputError{field + ".type", fmt.Sprintf("%q: an input is a string, integer, number or boolean", prop.Type)}
		}
		if strings.TrimSpace(prop.Description) == "" {
			return nil, &InputError{field + ".description", "is required: the model reads it, and the agent asks for the input with it"}
		}
		in := Input{Name: name, Type: prop.Type, Description: strings.TrimSpace(prop.Description), Pattern: prop.Pattern,
			Format: prop.Format, Required: slices.Contains(doc.Required, name)}
		for _, v := range prop.Enum {
			in.Enum = append(in.Enum, fmt.Sprint(v))
		}
		out = append(out, in)
	}
	// Required inputs first, in the schema's required order; then the rest
	// by name.
	slices.SortFunc(out, func(a, b Input) int {
		ia, ib := slices.Index(doc.Required, a.Name), slices.Index(doc.Required, b.Name)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func compile(raw json.RawMessage) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, &InputError{"inputs", "is not JSON: " + err.Error()}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("inputs.json", doc); err != nil {
		return nil, &InputError{"inputs", err.Error()}
	}
	sch, err := c.Compile("inputs.json")
	if err != nil {
		return nil, &InputError{"inputs", "is not a valid JSON Schema: " + err.Error()}
	}
	return sch, nil
}

// Values converts the inputs given as text to their schema types and
// validates them against the action's schema. Inputs the schema does not
// name are dropped.
func Values(s Spec, given map[string]string) (map[string]any, error) {
	out := map[string]any{}
	for _, in := range s.Inputs {
		text, ok := given[in.Name]
		if !ok || strings.TrimSpace(text) == "" {
			continue
		}
		text = strings.TrimSpace(text)
		switch in.Type {
		case "integer":
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil {
				return nil, &InputError{in.Name, fmt.Sprintf("%q is not a whole number", text)}
			}
			out[in.Name] = n
		case "number":
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, &InputError{in.Name, fmt.Sprintf("%q is not a number", text)}
			}
			out[in.Name] = f
		case "boolean":
			b, err := strconv.ParseBool(text)
			if err != nil {
				return nil, &InputError{in.Name, fmt.Sprintf("%q is not true or false", text)}
			}
			out[in.Name] = b
		default:
			out[in.Name] = text
		}
	}
	return out, Validate(s, out)
}

// Validate checks typed input values against the action's schema.
func Validate(s Spec, values map[string]any) error {
	sch, err := compile(s.Schema)
	if err != nil {
		return err
	}
	// The validator wants JSON's own types: round-trip the values.
	b, err := json.Marshal(values)
	if err != nil {
		return &InputError{"inputs", err.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return &InputError{"inputs", err.Error()}
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return leafError(ve)
		}
		return &InputError{"inputs", err.Error()}
	}
	return nil
}

var english = message.NewPrinter(language.English)

// leafError is an innermost cause of a validation error, named by the
// input it is about: one about a value given comes before one about the
// whole (a required input missing).
func leafError(ve *jsonschema.ValidationError) *InputError {
	var leaves []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	leaf := leaves[0]
	for _, l := range leaves {
		if len(l.InstanceLocation) > 0 {
			leaf = l
			break
		}
	}
	field := strings.Join(leaf.InstanceLocation, ".")
	if field == "" {
		field = "inputs"
	}
	return &InputError{Field: field, Reason: leaf.ErrorKind.LocalizedString(english)}
}

// Check is the check of given inputs a workflow can make: deterministic and
// without the JSON Schema validator, whose choice among several errors is
// not. It checks each input given, in the spec's order, against its type,
// its enum, its pattern and its format; the whole schema (bounds, lengths,
// the rest) is validated by Values where the action is called.
func Check(s Spec, given map[string]string) *InputError {
	for _, in := range s.Inputs {
		text, ok := given[in.Name]
		if !ok || strings.TrimSpace(text) == "" {
			continue
		}
		text = strings.TrimSpace(text)
		fail := func(reason string) *InputError { return &InputError{Field: in.Name, Reason: reason} }
		switch in.Type {
		case "integer":
			if _, err := strconv.ParseInt(text, 10, 64); err != nil {
				return fail(fmt.Sprintf("%q is not a whole number", text))
			}
		case "number":
			if _, err := strconv.ParseFloat(text, 64); err != nil {
				return fail(fmt.Sprintf("%q is not a number", text))
			}
		case "boolean":
			if _, err := strconv.ParseBool(text); err != nil {
				return fail(fmt.Sprintf("%q is not true or false", text))
			}
		}
		if len(in.Enum) > 0 && !slices.Contains(in.Enum, text) {
			return fail(fmt.Sprintf("%q is not one of %s", text, strings.Join(in.Enum, ", ")))
		}
		if in.Pattern != "" {
			re, err := regexp.Compile(in.Pattern)
			if err == nil && !re.MatchString(text) {
				return fail(fmt.Sprintf("%q does not have the expected form", text))
			}
		}
		if in.Format == "email" && !strings.Contains(text, "@") {
			return fail(fmt.Sprintf("%q is not an email address", text))
		}
	}
	return nil
}
