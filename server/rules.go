package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
	"github.com/switchboardhq/switchboard/rulesets"
)

// The rules API: admins write, test and publish routing and handoff rules;
// auditors read them. Versions and their states are package rulesets'
// business; conditions are package rules'.

// dryRunCache holds the programs compiled for dry runs.
var dryRunCache = rules.NewCache(rules.DefaultCacheSize)

type ruleJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Priority   int      `json:"priority"`
	Enabled    bool     `json:"enabled"`
	Condition  string   `json:"condition"`
	Channels   []string `json:"channels"`
	Percentage int      `json:"percentage"`
	Mode       string   `json:"mode"`
	Team       string   `json:"team"`
	Message    string   `json:"message"`
}

func ruleOut(r models.Rule) ruleJSON {
	channels := r.Channels.V
	if channels == nil {
		channels = []string{}
	}
	return ruleJSON{
		ID: r.ID, Name: r.Name, Priority: r.Priority, Enabled: r.Enabled, Condition: r.Condition,
		Channels: channels, Percentage: r.Percentage, Mode: r.Mode, Team: r.Team, Message: r.Message,
	}
}

type versionSummaryJSON struct {
	Kind        string     `json:"kind"`
	Version     int        `json:"version"`
	State       string     `json:"state"`
	PublishedAt *time.Time `json:"published_at"`
	CreatedAt   time.Time  `json:"created_at"`
	RuleCount   int        `json:"rule_count"`
}

type versionJSON struct {
	versionSummaryJSON
	// Rules are in evaluation order: ascending priority.
	Rules []ruleJSON `json:"rules"`
}

func versionOut(v models.RuleSetVersion) versionJSON {
	out := versionJSON{
		versionSummaryJSON: versionSummaryJSON{
			Kind: v.Kind, Version: v.Version, State: v.State, PublishedAt: v.PublishedAt,
			CreatedAt: v.CreatedAt, RuleCount: len(v.Rules),
		},
		Rules: make([]ruleJSON, 0, len(v.Rules)),
	}
	for _, r := range v.Rules {
		out.Rules = append(out.Rules, ruleOut(r))
	}
	return out
}

// ruleRequest is the body that creates or replaces a rule. enabled defaults
// to true, and percentage to 100 for routing rules; priority is required.
type ruleRequest struct {
	Name       string   `json:"name"`
	Priority   *int     `json:"priority"`
	Enabled    *bool    `json:"enabled"`
	Condition  string   `json:"condition"`
	Channels   []string `json:"channels"`
	Percentage *int     `json:"percentage"`
	Mode       string   `json:"mode"`
	Team       string   `json:"team"`
	Message    string   `json:"message"`
}

func (r ruleRequest) input(kind string) (rulesets.RuleInput, error) {
	if r.Priority == nil {
		fe := &rules.FieldError{Field: "priority", Message: "is required: rules run by ascending priority"}
		return rulesets.RuleInput{}, &rulesets.RuleError{Field: fe.Field, Err: fe}
	}
	in := rulesets.RuleInput{
		Name: r.Name, Priority: *r.Priority, Enabled: true, Condition: r.Condition,
		Channels: r.Channels, Mode: r.Mode, Team: r.Team, Message: r.Message,
	}
	if r.Enabled != nil {
		in.Enabled = *r.Enabled
	}
	switch {
	case r.Percentage != nil:
		in.Percentage = *r.Percentage
	case kind == string(rules.KindRouting):
		in.Percentage = 100
	}
	return in, nil
}

// ruleErrorBody is the error body of the rules API: the common shape, plus
// the field at fault and, for a condition that does not compile, where and
// why.
type ruleErrorBody struct {
	Error ruleErrorDetail `json:"error"`
}

type ruleErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field is the field at fault, e.g. "condition" or "rules[2].team".
	Field string `json:"field,omitempty"`
	// Line and Column (1-based) locate a compile error; absent when it is
	// about the condition as a whole (empty, too long).
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Kind classifies a compile error: syntax, unknown_name, wrong_type,
	// not_boolean, too_large, too_long, empty, invalid_argument, not_allowed.
	Kind       rules.ErrorKind `json:"kind,omitempty"`
	Suggestion string          `json:"suggestion,omitempty"`
}

// failRules writes package rulesets' errors: a bad kind is 400, a missing
// version or rule 404, a conflict 409 and an invalid rule 422 with the field
// (and a compile error's position). Anything else goes to fail.
func (s *Server) failRules(c *gin.Context, err error) {
	var (
		kindErr  *rulesets.KindError
		notFound *rulesets.NotFoundError
		conflict *rulesets.ConflictError
		ruleErr  *rulesets.RuleError
	)
	switch {
	case errors.As(err, &kindErr):
		s.fail(c, apperr.Errorf(apperr.EINVALID, "%s", kindErr.Error()))
	case errors.As(err, &notFound):
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "%s", notFound.Error()))
	case errors.As(err, &conflict):
		c.AbortWithStatusJSON(statusOf[apperr.ECONFLICT], ruleErrorBody{Error: ruleErrorDetail{
			Code: apperr.ECONFLICT, Message: conflict.Error(), Field: conflict.Field,
		}})
	case errors.As(err, &ruleErr):
		detail := ruleErrorDetail{Code: apperr.EUNPROCESSABLE, Message: ruleErr.Error(), Field: ruleErr.Field}
		var compileErr *rules.CompileError
		if errors.As(err, &compileErr) {
			detail.Line, detail.Column = compileErr.Line, compileErr.Column
			detail.Kind, detail.Suggestion = compileErr.Kind, compileErr.Suggestion
		}
		c.AbortWithStatusJSON(statusOf[apperr.EUNPROCESSABLE], ruleErrorBody{Error: detail})
	default:
		s.fail(c, err)
	}
}

// kindParam returns the :kind path parameter, "routing" or "handoff".
func kindParam(c *gin.Context) (string, error) {
	kind := c.Param("kind")
	return kind, rulesets.CheckKind(kind)
}

// ruleFields is the reference of what a condition can use, with examples.
func (s *Server) ruleFields(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{
		"fields":   rules.Fields(),
		"examples": rules.Examples(),
		"limits": gin.H{
			"condition_characters": rules.MaxConditionLength,
			"condition_nodes":      rules.MaxNodes,
		},
	})
}

type validateRequest struct {
	Kind      string       `json:"kind"`
	Condition *string      `json:"condition"`
	Rule      *ruleRequest `json:"rule"`
}

type validateResponse struct {
	Valid bool `json:"valid"`
	// Inputs are the fields the condition reads.
	Inputs []string `json:"inputs"`
}

// validateRule checks a condition, or a whole rule, without saving it.
func (s *Server) validateRule(c *gin.Context) {
	p := principal(c)
	var req validateRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := rulesets.CheckKind(req.Kind); err != nil {
		s.failRules(c, err)
		return
	}
	var condition string
	switch {
	case (req.Condition == nil) == (req.Rule == nil):
		s.fail(c, apperr.Invalid("condition", "give a condition, or a whole rule as \"rule\", but not both"))
		return
	case req.Rule != nil:
		in, err := req.Rule.input(req.Kind)
		if err == nil {
			err = rulesets.Validate(c.Request.Context(), s.DB, p.WorkspaceID, req.Kind, in)
		}
		if err != nil {
			s.failRules(c, err)
			return
		}
		condition = in.Condition
	default:
		condition = *req.Condition
	}
	inputs := []string{}
	// An empty routing condition means "always"; an empty handoff condition
	// is an error Compile reports.
	if condition != "" || req.Kind == string(rules.KindHandoff) {
		program, err := rules.Compile(condition)
		if err != nil {
			fe := &rules.FieldError{Field: "condition", Message: err.Error(), Err: err}
			s.failRules(c, &rulesets.RuleError{Field: fe.Field, Err: fe})
			return
		}
		inputs = program.Inputs()
	}
	c.JSON(http.StatusOK, validateResponse{Valid: true, Inputs: inputs})
}

// listRuleVersions lists every version of a kind, newest first.
func (s *Server) listRuleVersions(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	list, err := rulesets.List(c.Request.Context(), s.DB, p.WorkspaceID, kind)
	if err != nil {
		s.failRules(c, err)
		return
	}
	out := make([]versionSummaryJSON, 0, len(list))
	for _, v := range list {
		out = append(out, versionSummaryJSON{
			Kind: kind, Version: v.Version, State: v.State, PublishedAt: v.PublishedAt, CreatedAt: v.CreatedAt, RuleCount: v.RuleCount,
		})
	}
	c.JSON(http.StatusOK, gin.H{"kind": kind, "versions": out})
}

// getRuleVersion returns one version with its rules.
func (s *Server) getRuleVersion(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	version, err := strconv.Atoi(c.Param("version"))
	if err != nil || version < 1 {
		s.fail(c, apperr.Invalid("version", "must be a whole number from 1"))
		return
	}
	v, err := rulesets.Get(c.Request.Context(), s.DB, p.WorkspaceID, kind, version)
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusOK, versionOut(v))
}

// getRuleDraft returns the draft, or 404 when there is none.
func (s *Server) getRuleDraft(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	v, err := rulesets.GetDraft(c.Request.Context(), s.DB, p.WorkspaceID, kind)
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusOK, versionOut(v))
}

// startRuleDraft returns the draft, creating it from the published version
// when there is none: the way to get the draft's rule IDs before changing or
// deleting a rule.
func (s *Server) startRuleDraft(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	v, err := rulesets.Draft(c.Request.Context(), s.DB, p.WorkspaceID, kind)
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusOK, versionOut(v))
}

// createRule adds a rule to the draft, starting the draft when needed.
func (s *Server) createRule(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	var req ruleRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	in, err := req.input(kind)
	if err != nil {
		s.failRules(c, err)
		return
	}
	r, err := rulesets.CreateRule(c.Request.Context(), s.DB, p.WorkspaceID, kind, in)
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusCreated, ruleOut(r))
}

// updateRule replaces a rule of the draft.
func (s *Server) updateRule(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	ruleID := c.Param("ruleID")
	if err := validID("ruleID", ruleID); err != nil {
		s.fail(c, err)
		return
	}
	var req ruleRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	in, err := req.input(kind)
	if err != nil {
		s.failRules(c, err)
		return
	}
	r, err := rulesets.UpdateRule(c.Request.Context(), s.DB, p.WorkspaceID, kind, ruleID, in)
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusOK, ruleOut(r))
}

// deleteRule removes a rule from the draft.
func (s *Server) deleteRule(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	ruleID := c.Param("ruleID")
	if err := validID("ruleID", ruleID); err != nil {
		s.fail(c, err)
		return
	}
	if err := rulesets.DeleteRule(c.Request.Context(), s.DB, p.WorkspaceID, kind, ruleID); err != nil {
		s.failRules(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// publishRules makes the draft the version new conversations pin.
func (s *Server) publishRules(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	if err := s.rehearsed(c, kind); err != nil {
		s.failRules(c, err)
		return
	}
	v, err := rulesets.Publish(c.Request.Context(), s.DB, p.WorkspaceID, kind, time.Now().UTC())
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusOK, versionOut(v))
}

type rollbackRequest struct {
	Version int `json:"version"`
}

// rollbackRules publishes a copy of an earlier version as a new version.
func (s *Server) rollbackRules(c *gin.Context) {
	p := principal(c)
	kind, err := kindParam(c)
	if err != nil {
		s.failRules(c, err)
		return
	}
	var req rollbackRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if req.Version < 1 {
		s.fail(c, apperr.Invalid("version", "must be the number of an earlier version"))
		return
	}
	v, err := rulesets.Rollback(c.Request.Context(), s.DB, p.WorkspaceID, kind, req.Version, time.Now().UTC())
	if err != nil {
		s.failRules(c, err)
		return
	}
	c.JSON(http.StatusCreated, versionOut(v))
}

// dryRunRequest is the body of a dry run. Its objects are rules.Env in
// snake_case; version is a number, "draft" or "published" (the default).
type dryRunRequest struct {
	Kind         string             `json:"kind"`
	Version      json.RawMessage    `json:"version"`
	Conversation dryRunConversation `json:"conversation"`
	Contact      dryRunContact      `json:"contact"`
	Order        *dryRunOrder       `json:"order"`
	// Now is an RFC 3339 time; empty means the time of the request.
	Now string `json:"now"`
}

type dryRunConversation struct {
	ID                string  `json:"id"`
	Channel           string  `json:"channel"`
	Text              string  `json:"text"`
	TurnCount         int     `json:"turn_count"`
	MinutesSinceStart float64 `json:"minutes_since_start"`
	IssueType         string  `json:"issue_type"`
	Sentiment         string  `json:"sentiment"`
	Language          string  `json:"language"`
	Test              bool    `json:"test"`
	UnansweredCount   int     `json:"unanswered_count"`
	AskedForHuman     bool    `json:"asked_for_human"`
}

type dryRunContact struct {
	Tier           string         `json:"tier"`
	LifecycleStage string         `json:"lifecycle_stage"`
	CompanySize    int            `json:"company_size"`
	EmailVerified  bool           `json:"email_verified"`
	Properties     map[string]any `json:"properties"`
}

type dryRunOrder struct {
	Status            string  `json:"status"`
	Total             float64 `json:"total"`
	DaysSinceDelivery *int    `json:"days_since_delivery"`
}

func (r dryRunRequest) env(now time.Time) rules.Env {
	cv, ct := r.Conversation, r.Contact
	env := rules.Env{
		Conversation: rules.Conversation{
			ID: cv.ID, Channel: cv.Channel, Text: cv.Text, TurnCount: cv.TurnCount,
			MinutesSinceStart: cv.MinutesSinceStart, IssueType: cv.IssueType, Sentiment: cv.Sentiment,
			Language: cv.Language, Test: cv.Test, UnansweredCount: cv.UnansweredCount, AskedForHuman: cv.AskedForHuman,
		},
		Contact: rules.Contact{
			Tier: ct.Tier, LifecycleStage: ct.LifecycleStage, CompanySize: ct.CompanySize,
			EmailVerified: ct.EmailVerified, Properties: ct.Properties,
		},
		Now: now,
	}
	if o := r.Order; o != nil {
		env.Order = &rules.Order{Status: o.Status, Total: o.Total, DaysSinceDelivery: o.DaysSinceDelivery}
	}
	return env
}

type dryRunResponse struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version"`
	State   string    `json:"state"`
	Now     time.Time `json:"now"`
	// DecidedBy is the rule a conversation would act on: the first enabled
	// rule in evaluation order that matches; null when none does.
	DecidedBy *dryRunDecision `json:"decided_by"`
	// Results has every rule of the version, in evaluation order.
	Results []dryRunResult `json:"results"`
}

type dryRunDecision struct {
	RuleID  string `json:"rule_id"`
	Name    string `json:"name"`
	Mode    string `json:"mode,omitempty"`
	Team    string `json:"team,omitempty"`
	Message string `json:"message,omitempty"`
}

type dryRunResult struct {
	RuleID   string `json:"rule_id"`
	Name     string `json:"name"`
	Priority int    `json:"priority"`
	Enabled  bool   `json:"enabled"`
	// Reached is true when a conversation would evaluate the rule: it is
	// enabled and no rule before it matched.
	Reached bool `json:"reached"`
	// Matched, Error and Inputs are the rule's own result, even when it is
	// not reached.
	Matched bool     `json:"matched"`
	Error   string   `json:"error,omitempty"`
	Inputs  []string `json:"inputs"`
}

// testRules evaluates a version against a sample conversation without
// starting one, with the engine the workflow uses.
func (s *Server) testRules(c *gin.Context) {
	p := principal(c)
	var req dryRunRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := rulesets.CheckKind(req.Kind); err != nil {
		s.failRules(c, err)
		return
	}
	now := time.Now().UTC()
	if req.Now != "" {
		t, err := time.Parse(time.RFC3339, req.Now)
		if err != nil {
			s.fail(c, apperr.Invalid("now", "must be an RFC 3339 time such as 2025-03-05T10:30:00Z"))
			return
		}
		now = t
	}
	ctx := c.Request.Context()
	var version models.RuleSetVersion
	var err error
	switch ref := strings.TrimSpace(string(req.Version)); ref {
	case "", "null", `"published"`:
		version, err = rulesets.GetPublished(ctx, s.DB, p.WorkspaceID, req.Kind)
	case `"draft"`:
		version, err = rulesets.GetDraft(ctx, s.DB, p.WorkspaceID, req.Kind)
	default:
		n, convErr := strconv.Atoi(ref)
		if convErr != nil || n < 1 {
			s.fail(c, apperr.Invalid("version", `must be a version number, "draft" or "published"`))
			return
		}
		version, err = rulesets.Get(ctx, s.DB, p.WorkspaceID, req.Kind, n)
	}
	if err != nil {
		s.failRules(c, err)
		return
	}

	env := req.env(now)
	set := rulesets.EngineRules(version)
	cacheKey := req.Kind + "/v" + strconv.Itoa(version.Version)
	decision := dryRunCache.Evaluate(cacheKey, set, env)
	reached := map[string]bool{}
	for _, e := range decision.Evaluations {
		reached[e.RuleID] = true
	}
	out := dryRunResponse{Kind: req.Kind, Version: version.Version, State: version.State, Now: now, Results: []dryRunResult{}}
	if m := decision.Matched; m != nil {
		out.DecidedBy = &dryRunDecision{RuleID: m.ID, Name: m.Name, Mode: string(m.Mode), Team: m.Team, Message: m.Message}
	}
	for _, r := range set {
		// Each rule on its own (disabled ones too), for its own result.
		alone := r
		alone.Enabled = true
		e := dryRunCache.Evaluate(cacheKey, []rules.Rule{alone}, env).Evaluations[0]
		inputs := e.Inputs
		if inputs == nil {
			inputs = []string{}
		}
		out.Results = append(out.Results, dryRunResult{
			RuleID: r.ID, Name: r.Name, Priority: r.Priority, Enabled: r.Enabled, Reached: reached[r.ID],
			Matched: e.Matched, Error: e.Error, Inputs: inputs,
		})
	}
	c.JSON(http.StatusOK, out)
}
