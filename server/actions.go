package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// actionJSON is an action as the API shows it: a built-in one (its
// definition fixed, its enabled flag and protection set by the admin) or
// one the company defined. Secret headers show by name only.
type actionJSON struct {
	// Action is the action's name (Name, under the key the built-in list
	// always had).
	Action         string            `json:"action"`
	Name           string            `json:"name"`
	Kind           string            `json:"kind"`
	Description    string            `json:"description"`
	Enabled        bool              `json:"enabled"`
	Protection     string            `json:"protection"`
	ChangesData    bool              `json:"changes_data"`
	Inputs         json.RawMessage   `json:"inputs"`
	Triggers       []string          `json:"triggers,omitempty"`
	Examples       []string          `json:"examples,omitempty"`
	Method         string            `json:"method,omitempty"`
	URL            string            `json:"url,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
	SecretHeaders  []string          `json:"secret_headers,omitempty"`
	TimeoutSeconds int               `json:"timeout_seconds,omitempty"`
	ReplyTemplate  string            `json:"reply_template,omitempty"`
	ReplyFallback  string            `json:"reply_fallback,omitempty"`
	// A built-in action's options (models.BuiltinOptions).
	StatusNotes        map[string]string `json:"status_notes,omitempty"`
	ReturnInstructions string            `json:"return_instructions,omitempty"`
	ResetURL           string            `json:"reset_url,omitempty"`
}

// actionOut shows a spec with its row's enabled flag.
func actionOut(s actions.Spec, enabled bool) actionJSON {
	out := actionJSON{
		Action: s.Name, Name: s.Name, Kind: s.Kind, Description: s.Description, Enabled: enabled, Protection: s.Protection,
		ChangesData: s.ChangesData, Inputs: s.Schema, Triggers: s.Triggers, Examples: s.Examples, Method: s.Method,
		URL: s.URL, Headers: s.Headers, SecretHeaders: s.SecretHeaders, TimeoutSeconds: int(s.Timeout / time.Second),
		ReplyTemplate: s.Reply, ReplyFallback: s.ReplyFallback,
	}
	if o := s.Options; o != nil {
		out.StatusNotes, out.ReturnInstructions, out.ResetURL = o.StatusNotes, o.ReturnInstructions, o.ResetURL
	}
	return out
}

// listActions lists the built-in actions (one never set is disabled and
// protected), then the company's own, by name.
func (s *Server) listActions(c *gin.Context) {
	var rows []models.Action
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Order("action").Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	byName := map[string]models.Action{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	out := []actionJSON{}
	for _, b := range actions.Builtins() {
		enabled := false
		if r, ok := byName[b.Name]; ok {
			// The row's protection and options, as GET of the one action
			// shows them: a page that saves what it listed keeps them.
			spec, err := actions.SpecOf(r)
			if err != nil {
				s.fail(c, fmt.Errorf("action %s: %w", r.Name, err))
				return
			}
			b, enabled = spec, r.Enabled
		}
		out = append(out, actionOut(b, enabled))
	}
	for _, r := range rows {
		if r.Kind != actions.KindHTTP {
			continue
		}
		spec, err := actions.SpecOf(r)
		if err != nil {
			s.fail(c, fmt.Errorf("action %s: %w", r.Name, err))
			return
		}
		out = append(out, actionOut(spec, r.Enabled))
	}
	c.JSON(http.StatusOK, gin.H{"actions": out})
}

// loadAction reads one action, a built-in one even when never set.
func (s *Server) loadAction(c *gin.Context) (actions.Spec, models.Action, bool) {
	name := c.Param("action")
	var row models.Action
	err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND action = ?", principal(c).WorkspaceID, name).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if b, ok := actions.Builtin(name); ok {
			return b, models.Action{WorkspaceID: principal(c).WorkspaceID, Name: name, Kind: actions.KindBuiltin, Protection: b.Protection}, true
		}
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no action %q", name))
		return actions.Spec{}, row, false
	}
	if err != nil {
		s.fail(c, err)
		return actions.Spec{}, row, false
	}
	spec, err := actions.SpecOf(row)
	if err != nil {
		s.fail(c, fmt.Errorf("action %s: %w", name, err))
		return actions.Spec{}, row, false
	}
	return spec, row, true
}

func (s *Server) getAction(c *gin.Context) {
	if spec, row, ok := s.loadAction(c); ok {
		c.JSON(http.StatusOK, actionOut(spec, row.Enabled))
	}
}

// createAction defines an action of the company's (kind http) → 201; 409
// when the name is taken.
func (s *Server) createAction(c *gin.Context) {
	var d actions.Definition
	if err := s.readJSON(c, &d); err != nil {
		s.fail(c, err)
		return
	}
	if err := d.Check(); err != nil {
		s.fail(c, err)
		return
	}
	ws := principal(c).WorkspaceID
	row, err := d.Row(ws, nil, s.sealHeader(ws, d.Name))
	if err != nil {
		s.fail(c, err)
		return
	}
	res := s.DB.WithContext(c.Request.Context()).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		s.fail(c, res.Error)
		return
	}
	if res.RowsAffected == 0 {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "an action named %q exists: PUT /v1/agent/actions/%s changes it", d.Name, d.Name))
		return
	}
	spec, err := actions.SpecOf(row)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, actionOut(spec, row.Enabled))
}

// putAction sets a built-in action's enabled flag and protection, or
// replaces a company action's definition (its secret headers kept unless
// given).
func (s *Server) putAction(c *gin.Context) {
	spec, existing, ok := s.loadAction(c)
	if !ok {
		return
	}
	if spec.Kind == actions.KindBuiltin {
		s.putBuiltinAction(c, existing)
		return
	}
	var d actions.Definition
	if err := s.readJSON(c, &d); err != nil {
		s.fail(c, err)
		return
	}
	if d.Name == "" {
		d.Name = existing.Name
	}
	if d.Name != existing.Name {
		s.fail(c, apperr.Invalid("name", fmt.Sprintf("is %q in the path; an action is not renamed (create the new one, then delete this)", existing.Name)))
		return
	}
	if err := d.Check(); err != nil {
		s.fail(c, err)
		return
	}
	row, err := d.Row(existing.WorkspaceID, existing.SecretHeaders.V, s.sealHeader(existing.WorkspaceID, d.Name))
	if err != nil {
		s.fail(c, err)
		return
	}
	row.CreatedAt = existing.CreatedAt
	if err := s.DB.WithContext(c.Request.Context()).Save(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	if spec, err = actions.SpecOf(row); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, actionOut(spec, row.Enabled))
}

func (s *Server) putBuiltinAction(c *gin.Context, row models.Action) {
	var req struct {
		Enabled    *bool  `json:"enabled"`
		Protection string `json:"protection"`
		models.BuiltinOptions
	}
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case req.Enabled == nil:
		s.fail(c, apperr.Invalid("enabled", "must be true or false"))
		return
	case req.Protection != models.ProtectionNone && req.Protection != models.ProtectionVerified:
		s.fail(c, apperr.Invalid("protection", fmt.Sprintf("must be %q or %q", models.ProtectionNone, models.ProtectionVerified)))
		return
	}
	if err := actions.CheckOptions(row.Name, *req.Enabled, req.BuiltinOptions); err != nil {
		s.fail(c, err)
		return
	}
	row.Kind, row.Enabled, row.Protection = actions.KindBuiltin, *req.Enabled, req.Protection
	row.Options = models.NewJSON(req.BuiltinOptions)
	if err := s.DB.WithContext(c.Request.Context()).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	spec, err := actions.SpecOf(row)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, actionOut(spec, row.Enabled))
}

// deleteAction deletes a company action → 204. A built-in one is disabled
// instead (409 says so).
func (s *Server) deleteAction(c *gin.Context) {
	spec, row, ok := s.loadAction(c)
	if !ok {
		return
	}
	if spec.Kind == actions.KindBuiltin {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "%s is a built-in action: disable it with PUT {\"enabled\": false}", spec.Name))
		return
	}
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND action = ?", row.WorkspaceID, row.Name).
		Delete(&models.Action{}).Error; err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// testAction calls a company action once with sample inputs and shows the
// request (secret headers masked), the response and the reply the customer
// would get. It really calls the company's system, with a test idempotency
// key; contact fields for the templates may be given as samples.
func (s *Server) testAction(c *gin.Context) {
	spec, row, ok := s.loadAction(c)
	if !ok {
		return
	}
	if spec.Kind == actions.KindBuiltin {
		s.fail(c, apperr.Errorf(apperr.EUNPROCESSABLE, "%s is a built-in action: try it in a sandbox conversation, where it changes nothing", spec.Name))
		return
	}
	var req struct {
		Inputs  map[string]any    `json:"inputs"`
		Contact map[string]string `json:"contact"`
	}
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	given := map[string]string{}
	for k, v := range req.Inputs {
		given[k] = fmt.Sprint(v)
	}
	values, err := actions.Values(spec, given)
	if err != nil {
		var ie *actions.InputError
		if errors.As(err, &ie) {
			s.fail(c, apperr.Invalid("inputs."+strings.TrimPrefix(ie.Field, "inputs."), ie.Reason))
			return
		}
		s.fail(c, err)
		return
	}
	if missing := spec.Missing(given); missing != "" {
		s.fail(c, apperr.Invalid("inputs."+missing, "is required"))
		return
	}
	loaded, err := actions.Load(c.Request.Context(), s.DB, s.Secrets, row.WorkspaceID, row.Name)
	if err != nil {
		s.fail(c, err)
		return
	}
	ex, err := actions.Call(c.Request.Context(), actions.NewClient(s.ActionsAllowPrivate, loaded.Hosts), actions.CallInput{
		Spec: loaded.Spec, Inputs: values, Contact: req.Contact, Secrets: loaded.Secrets, IdempotencyKey: "test-" + uuid.NewString(),
	})
	out := gin.H{"ok": err == nil, "exchange": ex}
	if err != nil {
		out["error"] = err.Error()
		if refused, isRefused := actions.IsRefused(err); isRefused {
			out["reply"] = "I couldn't do that: " + refused.Error()
		}
	} else {
		out["reply"] = ex.Reply
	}
	c.JSON(http.StatusOK, out)
}

// sealHeader seals a secret header value of one action, or refuses with
// 422 when no secrets key is configured.
func (s *Server) sealHeader(workspaceID, action string) func(header, value string) (string, error) {
	return func(header, value string) (string, error) {
		if s.Secrets == nil {
			return "", apperr.Errorf(apperr.EUNPROCESSABLE,
				"secret_headers.%s: no secrets key is configured on this server (SWITCHBOARD_SECRETS_KEYS), so no secret can be stored", header)
		}
		return s.Secrets.Seal(value, actions.SecretPurpose(workspaceID, action, header))
	}
}
