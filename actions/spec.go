package actions

import (
	"encoding/json"
	"time"

	"github.com/switchboardhq/switchboard/models"
)

// Kinds of action.
const (
	// KindBuiltin: one of the agent's own actions over the CRM tables.
	KindBuiltin = "builtin"
	// KindHTTP: a call to the company's own system.
	KindHTTP = "http"
)

// Names of the built-in actions.
const (
	OrderStatus   = "order_status"
	StartReturn   = "start_return"
	UpdateContact = "update_contact"
	PasswordReset = "password_reset"
)

// Timeouts of one call to a company's system.
const (
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 60 * time.Second
)

// Input is one input of an action, read from its JSON Schema.
type Input struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	Required    bool     `json:"required,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Format      string   `json:"format,omitempty"`
}

// Spec is an action as a conversation uses it: what the model is told, what
// the offline agent matches and asks for, and what identity and
// confirmation it needs. It crosses Temporal in the workspace's
// configuration; it holds no secret (SecretHeaders names them only).
type Spec struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Protection  string `json:"protection"`
	// ChangesData: the action writes, so it runs only after the customer
	// confirms it, once, under an idempotency key.
	ChangesData bool `json:"changes_data"`
	// Schema is the inputs' JSON Schema as written (the model's tool
	// parameters); Inputs are its properties, the required ones first.
	Schema   json.RawMessage `json:"schema"`
	Inputs   []Input         `json:"inputs"`
	Triggers []string        `json:"triggers,omitempty"`
	Examples []string        `json:"examples,omitempty"`

	// An HTTP action's call.
	Method        string            `json:"method,omitempty"`
	URL           string            `json:"url,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
	SecretHeaders []string          `json:"secret_headers,omitempty"`
	Timeout       time.Duration     `json:"timeout,omitempty"`
	Reply         string            `json:"reply,omitempty"`
	ReplyFallback string            `json:"reply_fallback,omitempty"`

	// Options are a built-in action's words for the company's own ways
	// (models.BuiltinOptions); nil when it has none.
	Options *models.BuiltinOptions `json:"options,omitempty"`
}

// Input returns the named input, false when the action has none.
func (s Spec) Input(name string) (Input, bool) {
	for _, in := range s.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// Missing returns the first required input inputs lacks, "" when none.
func (s Spec) Missing(inputs map[string]string) string {
	for _, in := range s.Inputs {
		if in.Required && inputs[in.Name] == "" {
			return in.Name
		}
	}
	return ""
}

// SpecOf is the action a row defines. A built-in row takes the built-in's
// definition and keeps its own enabled flag and protection.
func SpecOf(row models.Action) (Spec, error) {
	if row.Kind == KindBuiltin || row.Kind == "" {
		s, ok := Builtin(row.Name)
		if !ok {
			return Spec{}, &UnknownBuiltinError{Name: row.Name}
		}
		s.Protection = row.Protection
		if o := row.Options.V; !o.Empty() {
			s.Options = &o
		}
		return s, nil
	}
	schema := json.RawMessage(row.Inputs.V)
	inputs, err := ParseInputs(schema)
	if err != nil {
		return Spec{}, err
	}
	secret := make([]string, 0, len(row.SecretHeaders.V))
	for name := range row.SecretHeaders.V {
		secret = append(secret, name)
	}
	return Spec{
		Name: row.Name, Kind: row.Kind, Description: row.Description, Protection: row.Protection,
		ChangesData: row.ChangesData, Schema: schema, Inputs: inputs,
		Triggers: row.Triggers.V, Examples: row.Examples.V,
		Method: row.Method, URL: row.URLTemplate, Headers: row.Headers.V, SecretHeaders: secret,
		Timeout: time.Duration(row.TimeoutSeconds) * time.Second, Reply: row.ReplyTemplate, ReplyFallback: row.ReplyFallback,
	}, nil
}

// UnknownBuiltinError is the error of a built-in row naming no built-in.
type UnknownBuiltinError struct{ Name string }

func (e *UnknownBuiltinError) Error() string { return "no built-in action " + e.Name }
