package actions

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// Definition is a company-defined action as an admin writes it (POST and
// PUT /v1/agent/actions). Secret header values are sealed before they are
// stored and are never shown again.
type Definition struct {
	Name        string            `json:"name"`
	Kind        string            `json:"kind"`
	Description string            `json:"description"`
	Enabled     *bool             `json:"enabled"`
	Inputs      json.RawMessage   `json:"inputs"`
	Triggers    []string          `json:"triggers"`
	Examples    []string          `json:"examples"`
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Headers     map[string]string `json:"headers"`
	// SecretHeaders are set on PUT only when present: absent keeps the
	// stored ones, {} removes them.
	SecretHeaders  map[string]string `json:"secret_headers"`
	ChangesData    bool              `json:"changes_data"`
	Protection     string            `json:"protection"`
	TimeoutSeconds int               `json:"timeout_seconds"`
	ReplyTemplate  string            `json:"reply_template"`
	ReplyFallback  string            `json:"reply_fallback"`
}

var (
	actionName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
)

// Limits of a definition.
const (
	maxPhrases     = 50
	maxPhraseChars = 200
	maxTextChars   = 2000
)

// ReservedNames are the agent's own tools, which no action may be named.
var ReservedNames = []string{"search_knowledge", "hand_off"}

// contactFields are what a template may read of the verified contact.
var contactFields = []string{"email", "name", "external_id"}

// reservedHeaders are set by the call itself.
var reservedHeaders = []string{"Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", IdempotencyHeader}

// Check validates a definition of an HTTP action and fills its defaults
// (enabled, protection verified, method GET, the default timeout). Each
// error names the field.
func (d *Definition) Check() error {
	d.Name = strings.TrimSpace(d.Name)
	d.Description = strings.TrimSpace(d.Description)
	d.Method = strings.ToUpper(strings.TrimSpace(d.Method))
	d.URL = strings.TrimSpace(d.URL)
	if d.Kind == "" {
		d.Kind = KindHTTP
	}
	if d.Kind != KindHTTP {
		return apperr.Invalid("kind", fmt.Sprintf("%q: an action you define is \"http\"; the built-in ones exist already (PUT /v1/agent/actions/{name} enables them)", d.Kind))
	}
	if !actionName.MatchString(d.Name) {
		return apperr.Invalid("name", "must be 1 to 64 lowercase letters, digits or '_', starting with a letter")
	}
	if _, builtin := Builtin(d.Name); builtin {
		return apperr.Invalid("name", fmt.Sprintf("%q is a built-in action's name", d.Name))
	}
	if slices.Contains(ReservedNames, d.Name) {
		return apperr.Invalid("name", fmt.Sprintf("%q is one of the agent's own tools", d.Name))
	}
	if d.Description == "" || len(d.Description) > maxTextChars {
		return apperr.Invalid("description", fmt.Sprintf("is required (1 to %d characters): it tells the model what the action does", maxTextChars))
	}
	if d.Enabled == nil {
		enabled := true
		d.Enabled = &enabled
	}
	inputs, err := ParseInputs(d.Inputs)
	if err != nil {
		return invalid(err)
	}
	if err := checkPhrases("triggers", d.Triggers); err != nil {
		return err
	}
	if err := checkPhrases("examples", d.Examples); err != nil {
		return err
	}
	if len(d.Triggers)+len(d.Examples) == 0 {
		return apperr.Invalid("triggers", "give at least one trigger phrase or example request: without a model, the agent recognises the action by them")
	}
	switch d.Method {
	case "":
		d.Method = http.MethodGet
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return apperr.Invalid("method", fmt.Sprintf("%q: use GET, POST, PUT, PATCH or DELETE", d.Method))
	}
	switch d.Protection {
	case "":
		d.Protection = models.ProtectionVerified
	case models.ProtectionNone, models.ProtectionVerified:
	default:
		return apperr.Invalid("protection", fmt.Sprintf("must be %q or %q", models.ProtectionNone, models.ProtectionVerified))
	}
	if d.ChangesData && d.Method == http.MethodGet {
		return apperr.Invalid("method", "an action that changes data is not a GET")
	}
	if err := d.checkURL(inputs); err != nil {
		return err
	}
	if err := d.checkHeaders(inputs); err != nil {
		return err
	}
	switch {
	case d.TimeoutSeconds == 0:
		d.TimeoutSeconds = int(DefaultTimeout / time.Second)
	case d.TimeoutSeconds < 1 || time.Duration(d.TimeoutSeconds)*time.Second > MaxTimeout:
		return apperr.Invalid("timeout_seconds", fmt.Sprintf("must be 1 to %d", int(MaxTimeout/time.Second)))
	}
	for _, f := range []struct{ name, tmpl string }{{"reply_template", d.ReplyTemplate}, {"reply_fallback", d.ReplyFallback}} {
		if len(f.tmpl) > maxTextChars {
			return apperr.Invalid(f.name, fmt.Sprintf("longer than %d characters", maxTextChars))
		}
		if err := checkPlaceholders(f.name, f.tmpl, inputs, d.Protection, true); err != nil {
			return err
		}
	}
	return nil
}

func (d *Definition) checkURL(inputs []Input) error {
	if d.URL == "" {
		return apperr.Invalid("url", "is required: the address of the company's API, with {{inputs.name}} placeholders")
	}
	// Placeholders are checked first; the address is checked with each
	// replaced by a sample value.
	if err := checkPlaceholders("url", d.URL, inputs, d.Protection, false); err != nil {
		return err
	}
	sample := placeholder.ReplaceAllString(d.URL, "x")
	u, err := url.Parse(sample)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.Invalid("url", fmt.Sprintf("%q is not an http or https URL", d.URL))
	}
	if placeholder.MatchString(u.Host) || strings.Contains(strings.SplitN(strings.SplitN(d.URL, "://", 2)[1], "/", 2)[0], "{{") {
		return apperr.Invalid("url", "the host must be written out: placeholders go in the path or the query")
	}
	if u.User != nil {
		return apperr.Invalid("url", "must not hold credentials: put them in secret_headers")
	}
	return nil
}

func (d *Definition) checkHeaders(inputs []Input) error {
	for name, v := range d.Headers {
		field := "headers." + name
		if !headerName.MatchString(name) {
			return apperr.Invalid(field, "is not a valid header name")
		}
		if slices.ContainsFunc(reservedHeaders, func(r string) bool { return strings.EqualFold(r, name) }) {
			return apperr.Invalid(field, "is set by Switchboard itself")
		}
		if strings.ContainsAny(v, "\r\n") {
			return apperr.Invalid(field, "must be one line")
		}
		if err := checkPlaceholders(field, v, inputs, d.Protection, false); err != nil {
			return err
		}
	}
	for name, v := range d.SecretHeaders {
		field := "secret_headers." + name
		if !headerName.MatchString(name) {
			return apperr.Invalid(field, "is not a valid header name")
		}
		if slices.ContainsFunc(reservedHeaders, func(r string) bool { return strings.EqualFold(r, name) }) {
			return apperr.Invalid(field, "is set by Switchboard itself")
		}
		if _, plain := d.Headers[name]; plain {
			return apperr.Invalid(field, "is also a plain header")
		}
		if v == "" || strings.ContainsAny(v, "\r\n") || len(v) > maxTextChars {
			return apperr.Invalid(field, "must be one non-empty line")
		}
	}
	return nil
}

// checkPlaceholders checks that a template names only declared inputs, the
// verified contact's fields (only when the action is protected: otherwise
// no contact is known), and, in a reply, the response.
func checkPlaceholders(field, tmpl string, inputs []Input, protection string, reply bool) error {
	for _, p := range Placeholders(tmpl) {
		root, rest, _ := strings.Cut(p, ".")
		switch root {
		case "inputs":
			if !slices.ContainsFunc(inputs, func(in Input) bool { return in.Name == rest }) {
				return apperr.Invalid(field, fmt.Sprintf("{{%s}}: the inputs declare no %q", p, rest))
			}
		case "contact":
			if !slices.Contains(contactFields, rest) {
				return apperr.Invalid(field, fmt.Sprintf("{{%s}}: a contact has %s", p, strings.Join(contactFields, ", ")))
			}
			if protection != models.ProtectionVerified {
				return apperr.Invalid(field, fmt.Sprintf("{{%s}}: the contact is known only to an action with protection \"verified\"", p))
			}
		case "response":
			if !reply {
				return apperr.Invalid(field, fmt.Sprintf("{{%s}}: the response exists only for the reply", p))
			}
		default:
			return apperr.Invalid(field, fmt.Sprintf("{{%s}}: a placeholder starts with inputs., contact. or response.", p))
		}
	}
	return nil
}

func checkPhrases(field string, phrases []string) error {
	if len(phrases) > maxPhrases {
		return apperr.Invalid(field, fmt.Sprintf("at most %d", maxPhrases))
	}
	for i, p := range phrases {
		if p = strings.TrimSpace(p); p == "" || len(p) > maxPhraseChars {
			return apperr.Invalid(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("must be 1 to %d characters", maxPhraseChars))
		}
		phrases[i] = p
	}
	return nil
}

func invalid(err error) error {
	if ie, ok := err.(*InputError); ok {
		return apperr.Invalid(ie.Field, ie.Reason)
	}
	return err
}

// Row is the definition as stored, its secret headers sealed by seal (the
// stored ones kept when the definition gives none: pass them as kept).
func (d *Definition) Row(workspaceID string, kept map[string]string, seal func(header, value string) (string, error)) (models.Action, error) {
	secrets := kept
	if d.SecretHeaders != nil {
		secrets = map[string]string{}
		for name, v := range d.SecretHeaders {
			s, err := seal(name, v)
			if err != nil {
				return models.Action{}, err
			}
			secrets[name] = s
		}
	}
	return models.Action{
		WorkspaceID: workspaceID, Name: d.Name, Kind: KindHTTP, Enabled: *d.Enabled, Protection: d.Protection,
		Description: d.Description, Inputs: models.NewJSON(d.Inputs), Triggers: models.NewJSON(d.Triggers),
		Examples: models.NewJSON(d.Examples), Method: d.Method, URLTemplate: d.URL, Headers: models.NewJSON(d.Headers),
		SecretHeaders: models.NewJSON(secrets), ChangesData: d.ChangesData, TimeoutSeconds: d.TimeoutSeconds,
		ReplyTemplate: d.ReplyTemplate, ReplyFallback: d.ReplyFallback,
	}, nil
}
