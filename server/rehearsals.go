package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rehearse"
	"github.com/switchboardhq/switchboard/rulesets"
	"github.com/switchboardhq/switchboard/workflows"
)

// scenarioJSON is a saved test conversation.
type scenarioJSON struct {
	ID           string                `json:"id,omitempty"`
	Name         string                `json:"name"`
	Description  string                `json:"description"`
	ContactEmail string                `json:"contact_email"`
	Turns        []models.ScenarioTurn `json:"turns"`
	// Simulation, instead of Turns, has a language model play the customer.
	Simulation *models.Simulation `json:"simulation,omitempty"`
	CreatedAt  *time.Time         `json:"created_at,omitempty"`
	UpdatedAt  *time.Time         `json:"updated_at,omitempty"`
}

func scenarioOut(s models.Scenario) scenarioJSON {
	out := scenarioJSON{ID: s.ID, Name: s.Name, Description: s.Description, ContactEmail: s.ContactEmail,
		Turns: s.Turns.V, CreatedAt: &s.CreatedAt, UpdatedAt: &s.UpdatedAt}
	if out.Turns == nil {
		out.Turns = []models.ScenarioTurn{}
	}
	if s.Simulated() {
		sim := s.Simulation.V
		out.Simulation = &sim
	}
	return out
}

// Bounds of a scenario.
const (
	maxScenarios     = 1000
	maxExpectedTexts = 20
	maxPersonaChars  = 2000
	// DefaultSimulatedTurns is how many messages a simulated customer
	// writes at most when its scenario's max_turns is 0.
	defaultSimulatedTurns = 6
)

// check validates a scenario, naming the field (prefix for an import's).
func (in *scenarioJSON) check(prefix string) error {
	in.Name = strings.TrimSpace(in.Name)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	switch {
	case in.Name == "" || len(in.Name) > 200:
		return apperr.Invalid(prefix+"name", "must be 1–200 characters")
	case len(in.Description) > 2000:
		return apperr.Invalid(prefix+"description", "longer than 2000 characters")
	case in.ContactEmail != "" && !strings.Contains(in.ContactEmail, "@"):
		return apperr.Invalid(prefix+"contact_email", "is not an email address")
	case in.Simulation != nil:
		return in.checkSimulation(prefix)
	case len(in.Turns) == 0 || len(in.Turns) > workflows.MaxScript:
		return apperr.Invalid(prefix+"turns", fmt.Sprintf("must have 1–%d turns (or give a simulation)", workflows.MaxScript))
	}
	for i, t := range in.Turns {
		field := fmt.Sprintf("%sturns[%d]", prefix, i)
		if err := decide.CheckText(t.Message); err != nil {
			return apperr.Invalid(field+".message", err.Error())
		}
		if err := checkExpectation(field+".expect", t.Expect); err != nil {
			return err
		}
	}
	return nil
}

// checkSimulation validates a simulated customer: a persona and a goal
// instead of turns.
func (in *scenarioJSON) checkSimulation(prefix string) error {
	sim := in.Simulation
	field := prefix + "simulation."
	sim.Persona, sim.Goal, sim.Criterion = strings.TrimSpace(sim.Persona), strings.TrimSpace(sim.Goal), strings.TrimSpace(sim.Criterion)
	if sim.MaxTurns == 0 {
		sim.MaxTurns = defaultSimulatedTurns
	}
	switch {
	case len(in.Turns) > 0:
		return apperr.Invalid(prefix+"turns", "a simulated scenario has no turns: the model writes the customer's messages")
	case sim.Persona == "" || utf8.RuneCountInString(sim.Persona) > maxPersonaChars:
		return apperr.Invalid(field+"persona", fmt.Sprintf("must be 1–%d characters", maxPersonaChars))
	case sim.Goal == "" || utf8.RuneCountInString(sim.Goal) > maxPersonaChars:
		return apperr.Invalid(field+"goal", fmt.Sprintf("must be 1–%d characters", maxPersonaChars))
	case utf8.RuneCountInString(sim.Criterion) > maxPersonaChars:
		return apperr.Invalid(field+"criterion", fmt.Sprintf("longer than %d characters", maxPersonaChars))
	case sim.MaxTurns < 1 || sim.MaxTurns > workflows.MaxScript:
		return apperr.Invalid(field+"max_turns", fmt.Sprintf("must be 1–%d (0: %d)", workflows.MaxScript, defaultSimulatedTurns))
	}
	return checkExpectation(field+"expect", sim.Expect)
}

// checkExpectation validates an expectation's texts.
func checkExpectation(field string, e models.Expectation) error {
	if len(e.Contains) > maxExpectedTexts || len(e.NotContains) > maxExpectedTexts {
		return apperr.Invalid(field, fmt.Sprintf("at most %d texts in contains and in not_contains", maxExpectedTexts))
	}
	for j, s := range e.Contains {
		if strings.TrimSpace(s) == "" {
			return apperr.Invalid(fmt.Sprintf("%s.contains[%d]", field, j), "must not be empty")
		}
	}
	for j, s := range e.NotContains {
		if strings.TrimSpace(s) == "" {
			return apperr.Invalid(fmt.Sprintf("%s.not_contains[%d]", field, j), "must not be empty")
		}
	}
	return nil
}

func (s *Server) listScenarios(c *gin.Context) {
	var rows []models.Scenario
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Order("name").Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := make([]scenarioJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, scenarioOut(r))
	}
	c.JSON(http.StatusOK, gin.H{"scenarios": out})
}

func (s *Server) loadScenario(c *gin.Context) (models.Scenario, bool) {
	var row models.Scenario
	err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND id = ?", principal(c).WorkspaceID, c.Param("scenarioID")).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no scenario %q", c.Param("scenarioID")))
		return row, false
	}
	if err != nil {
		s.fail(c, err)
		return row, false
	}
	return row, true
}

func (s *Server) getScenario(c *gin.Context) {
	if row, ok := s.loadScenario(c); ok {
		c.JSON(http.StatusOK, scenarioOut(row))
	}
}

// createScenario saves a scenario → 201; its name taken → 409.
func (s *Server) createScenario(c *gin.Context) {
	var in scenarioJSON
	if err := s.readJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := in.check(""); err != nil {
		s.fail(c, err)
		return
	}
	row, err := s.saveScenario(c, s.DB, in, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, scenarioOut(row))
}

// saveScenario creates a scenario (id "") or replaces one.
func (s *Server) saveScenario(c *gin.Context, db *gorm.DB, in scenarioJSON, id string) (models.Scenario, error) {
	now := time.Now().UTC()
	row := models.Scenario{ID: id, WorkspaceID: principal(c).WorkspaceID, Name: in.Name, Description: in.Description,
		ContactEmail: in.ContactEmail, Turns: models.NewJSON(in.Turns), CreatedAt: now, UpdatedAt: now}
	if in.Simulation != nil {
		row.Simulation = models.NewJSON(*in.Simulation)
	}
	var taken int64
	if err := db.WithContext(c.Request.Context()).Model(&models.Scenario{}).
		Where("workspace_id = ? AND name = ? AND id <> ?", row.WorkspaceID, row.Name, id).Count(&taken).Error; err != nil {
		return row, err
	}
	if taken > 0 {
		return row, apperr.Errorf(apperr.ECONFLICT, "a scenario named %q exists", row.Name)
	}
	if id == "" {
		row.ID = uuid.NewString()
		return row, db.WithContext(c.Request.Context()).Create(&row).Error
	}
	return row, db.WithContext(c.Request.Context()).Model(&models.Scenario{}).Where("id = ?", id).Updates(map[string]any{
		"name": row.Name, "description": row.Description, "contact_email": row.ContactEmail, "turns": row.Turns,
		"simulation": row.Simulation, "updated_at": now,
	}).Error
}

func (s *Server) putScenario(c *gin.Context) {
	existing, ok := s.loadScenario(c)
	if !ok {
		return
	}
	var in scenarioJSON
	if err := s.readJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := in.check(""); err != nil {
		s.fail(c, err)
		return
	}
	row, err := s.saveScenario(c, s.DB, in, existing.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	row.CreatedAt = existing.CreatedAt
	c.JSON(http.StatusOK, scenarioOut(row))
}

func (s *Server) deleteScenario(c *gin.Context) {
	row, ok := s.loadScenario(c)
	if !ok {
		return
	}
	if err := s.DB.WithContext(c.Request.Context()).Delete(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// exportScenarios is every scenario, in the shape importScenarios takes.
func (s *Server) exportScenarios(c *gin.Context) {
	s.listScenarios(c)
}

// importScenarios takes {"scenarios": [...]} and saves each, replacing one
// of the same name → 200 {"created", "updated"}. One bad scenario refuses
// them all, naming it; nothing is written.
func (s *Server) importScenarios(c *gin.Context) {
	var req struct {
		Scenarios []scenarioJSON `json:"scenarios"`
	}
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if len(req.Scenarios) == 0 || len(req.Scenarios) > maxScenarios {
		s.fail(c, apperr.Invalid("scenarios", fmt.Sprintf("must hold 1–%d scenarios", maxScenarios)))
		return
	}
	seen := map[string]bool{}
	for i := range req.Scenarios {
		prefix := fmt.Sprintf("scenarios[%d].", i)
		if err := req.Scenarios[i].check(prefix); err != nil {
			s.fail(c, err)
			return
		}
		if seen[req.Scenarios[i].Name] {
			s.fail(c, apperr.Invalid(prefix+"name", fmt.Sprintf("%q is in the import twice", req.Scenarios[i].Name)))
			return
		}
		seen[req.Scenarios[i].Name] = true
	}
	created, updated := 0, 0
	err := s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		for _, in := range req.Scenarios {
			var existing models.Scenario
			if err := tx.Where("workspace_id = ? AND name = ?", principal(c).WorkspaceID, in.Name).Limit(1).Find(&existing).Error; err != nil {
				return err
			}
			if _, err := s.saveScenario(c, tx, in, existing.ID); err != nil {
				return err
			}
			if existing.ID == "" {
				created++
			} else {
				updated++
			}
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"created": created, "updated": updated})
}

// scenarioFromConversation saves a sandbox conversation, or with "test":
// false a customer's, as a scenario: its messages, each expected to do what
// it did (hand off or not, the action, the first source cited) → 201. A
// customer's conversation gives its messages up to the hand-off (a person
// answered the rest), and the email the customer proved by signing in on
// the site as the scenario's contact; a long one, its first messages.
func (s *Server) scenarioFromConversation(c *gin.Context) {
	var req struct {
		ConversationID string `json:"conversation_id"`
		Name           string `json:"name"`
		Test           *bool  `json:"test"`
	}
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validID("conversation_id", req.ConversationID); err != nil {
		s.fail(c, err)
		return
	}
	test, external, kind := true, TestConversationPrefix+req.ConversationID, "sandbox conversation"
	if req.Test != nil && !*req.Test {
		test, external, kind = false, req.ConversationID, "conversation"
	}
	var conv models.Conversation
	err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND external_id = ? AND test = ?",
		principal(c).WorkspaceID, external, test).Take(&conv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Invalid("conversation_id", "no "+kind+" with this ID"))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	turns, err := rehearse.Observe(c.Request.Context(), s.DB, conv.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	in := scenarioJSON{Name: req.Name, Description: "saved from " + kind + " " + req.ConversationID}
	if !test && conv.VerifiedBy == workflows.IdentityToken {
		in.ContactEmail = conv.VerifiedEmail
	}
	for _, t := range turns {
		if len(in.Turns) == workflows.MaxScript {
			in.Description += fmt.Sprintf(" (its first %d messages)", workflows.MaxScript)
			break
		}
		handed := t.Observed.HandedOff
		e := models.Expectation{HandedOff: &handed, Team: t.Observed.Team, Rule: t.Observed.Rule, Action: t.Observed.Action}
		if len(t.Observed.Cites) > 0 {
			e.Cites = t.Observed.Cites[0]
		}
		in.Turns = append(in.Turns, models.ScenarioTurn{Message: t.Message, Expect: e})
		if handed && !test {
			break
		}
	}
	if err := in.check(""); err != nil {
		s.fail(c, err)
		return
	}
	row, err := s.saveScenario(c, s.DB, in, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, scenarioOut(row))
}

// rehearsalRequest is what a rehearsal tries and runs. A version is a
// number, "draft" or "published" (the default).
type rehearsalRequest struct {
	HandoffVersion string `json:"handoff_version"`
	RoutingVersion string `json:"routing_version"`
	// AgentSettings are agent settings to try, in the shape of PUT
	// /v1/agent/settings, with the actions enabled (nil: the workspace's).
	AgentSettings *settingsDraftJSON `json:"agent_settings"`
	// IssueTypes are issue-type settings to try (nil: the workspace's).
	IssueTypes *models.IssueTypesDraft `json:"issue_types"`
	// Content is the content the cases search: "current" (the default),
	// or the ID of a content snapshot (POST /v1/content/snapshots).
	Content   string `json:"content"`
	Scenarios bool   `json:"scenarios"`
	// ScenarioIDs runs only these scenarios, in place of all of them.
	ScenarioIDs []string           `json:"scenario_ids"`
	Past        *models.PastSample `json:"past"`
	Concurrency int                `json:"concurrency"`
}

// settingsDraftJSON is draft agent settings: the agent settings, and the
// names of the workspace's actions enabled with them (absent: those enabled
// now; []: none).
type settingsDraftJSON struct {
	agentSettingsJSON
	EnabledActions *[]string `json:"enabled_actions"`
}

// ContentCurrent is the content a rehearsal searches unless it names a
// snapshot: the content as it is while the cases run.
const ContentCurrent = "current"

// rehearsalConfig validates the configuration drafts a rehearsal tries,
// each field named within the request ("agent_settings.tone: …").
func (s *Server) rehearsalConfig(c *gin.Context, req rehearsalRequest) (models.RehearsalConfig, error) {
	var out models.RehearsalConfig
	ws := principal(c).WorkspaceID
	switch req.Content {
	case "", ContentCurrent:
	default:
		snap, err := s.snapshot(c.Request.Context(), ws, req.Content, "content")
		if err != nil {
			return out, err
		}
		out.Snapshot = snap.ID
	}
	if d := req.AgentSettings; d != nil {
		if err := validateAgentSettings(&d.agentSettingsJSON); err != nil {
			return out, inField("agent_settings", err)
		}
		if d.DefaultTeam != "" {
			if err := teamExists(s.DB.WithContext(c.Request.Context()), ws, d.DefaultTeam, "agent_settings.default_team"); err != nil {
				return out, err
			}
		}
		draft := models.AgentSettingsDraft{AgentName: d.AgentName, Tone: d.Tone, Guidelines: d.Guidelines,
			TopicsToAvoid: d.TopicsToAvoid, ReusableResponses: d.ReusableResponses, ConfidenceThreshold: d.ConfidenceThreshold,
			DefaultTeam: d.DefaultTeam, InactivitySeconds: d.InactivitySeconds, ReopenWindowSeconds: d.ReopenWindowSeconds,
			ReturnWindowDays: d.ReturnWindowDays}
		if d.EnabledActions != nil {
			draft.EnabledActions = []string{}
			for i, name := range *d.EnabledActions {
				var n int64
				if err := s.DB.WithContext(c.Request.Context()).Model(&models.Action{}).
					Where("workspace_id = ? AND action = ?", ws, name).Count(&n).Error; err != nil {
					return out, err
				}
				if n == 0 {
					return out, apperr.Invalid(fmt.Sprintf("agent_settings.enabled_actions[%d]", i), fmt.Sprintf("no action %q in this workspace", name))
				}
				draft.EnabledActions = append(draft.EnabledActions, name)
			}
		}
		out.AgentSettings = &draft
	}
	if it := req.IssueTypes; it != nil {
		if math.IsNaN(it.Threshold) || it.Threshold < 0 || it.Threshold > 1 {
			return out, apperr.Invalid("issue_types.threshold", "must be in (0, 1], or 0 for the workspace's")
		}
		if it.Types != nil {
			types, err := issuetypes.CleanDraft("issue_types.types", it.Types)
			if err != nil {
				return out, err
			}
			it.Types = types
		}
		out.IssueTypes = it
	}
	return out, nil
}

// inField names an EINVALID error's field as within parent.
func inField(parent string, err error) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.EINVALID {
		return &apperr.Error{Code: e.Code, Message: parent + "." + e.Message}
	}
	return err
}

// Bounds of a rehearsal.
const (
	maxPastSample     = 500
	maxConcurrency    = 16
	maxPastMessages   = workflows.MaxScript
	rehearsalListSize = 50
)

// resolveVersion reads a rehearsal's version of one rule set kind: 0 keeps
// the published one; a draft's comes with its digest.
func (s *Server) resolveVersion(c *gin.Context, kind, v string) (int, string, error) {
	field := kind + "_version"
	switch v {
	case "", "published":
		return 0, "", nil
	case "draft":
		d, err := rulesets.GetDraft(c.Request.Context(), s.DB, principal(c).WorkspaceID, kind)
		var nf *rulesets.NotFoundError
		if errors.As(err, &nf) {
			return 0, "", apperr.Invalid(field, "there is no "+kind+" draft")
		}
		return d.Version, rulesets.Digest(d), err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, "", apperr.Invalid(field, `is a version number, "draft" or "published"`)
	}
	set, err := rulesets.Get(c.Request.Context(), s.DB, principal(c).WorkspaceID, kind, n)
	if err != nil {
		return 0, "", apperr.Invalid(field, fmt.Sprintf("no %s version %d", kind, n))
	}
	digest := ""
	if set.State == models.RuleSetDraft {
		digest = rulesets.Digest(set)
	}
	return n, digest, nil
}

// rehearsed checks, for a workspace that requires it, that the kind's
// draft as it is now had a rehearsal in which every scenario passed, with
// the workspace's own settings and current content (a run that also tried
// draft settings or a content snapshot rehearsed something else).
func (s *Server) rehearsed(c *gin.Context, kind string) error {
	p := principal(c)
	var ws models.Workspace
	if err := s.DB.WithContext(c.Request.Context()).Select("require_rehearsal").Where("id = ?", p.WorkspaceID).Take(&ws).Error; err != nil {
		return err
	}
	if !ws.RequireRehearsal {
		return nil
	}
	draft, err := rulesets.GetDraft(c.Request.Context(), s.DB, p.WorkspaceID, kind)
	if err != nil {
		return err
	}
	var runs []models.Rehearsal
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND status = ? AND "+kind+"_digest = ?",
		p.WorkspaceID, models.RehearsalDone, rulesets.Digest(draft)).Order("created_at DESC").Find(&runs).Error; err != nil {
		return err
	}
	for _, r := range runs {
		if cfg := r.Config.V; cfg.AgentSettings != nil || cfg.IssueTypes != nil || cfg.Snapshot != "" {
			continue // it tried more than the draft
		}
		if len(r.Plan.V.ScenarioIDs) > 0 {
			continue // it ran some scenarios, not every one
		}
		if rep := r.Report.V; rep.ScenariosTried > 0 && rep.Failed == 0 && rep.Skipped == 0 {
			return nil
		}
	}
	return apperr.Errorf(apperr.ECONFLICT, "this workspace publishes a %s draft only after a rehearsal of it in which every scenario passed "+
		"(POST /v1/rehearsals {\"%s_version\": \"draft\", \"scenarios\": true}); the draft as it is now has none", kind, kind)
}

// createRehearsal starts a rehearsal → 202 with it; GET follows it.
func (s *Server) createRehearsal(c *gin.Context) {
	p := principal(c)
	var req rehearsalRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	handoff, handoffDigest, err := s.resolveVersion(c, "handoff", req.HandoffVersion)
	if err != nil {
		s.fail(c, err)
		return
	}
	routing, routingDigest, err := s.resolveVersion(c, "routing", req.RoutingVersion)
	if err != nil {
		s.fail(c, err)
		return
	}
	config, err := s.rehearsalConfig(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case !req.Scenarios && len(req.ScenarioIDs) == 0 && req.Past == nil:
		s.fail(c, apperr.Invalid("scenarios", "run the scenarios (or some: scenario_ids), a sample of past conversations (past), or both"))
		return
	case len(req.ScenarioIDs) > maxScenarios:
		s.fail(c, apperr.Invalid("scenario_ids", fmt.Sprintf("at most %d", maxScenarios)))
		return
	case req.Concurrency < 0 || req.Concurrency > maxConcurrency:
		s.fail(c, apperr.Invalid("concurrency", fmt.Sprintf("must be 0 (the default, %d) to %d", workflows.DefaultRehearsalConcurrency, maxConcurrency)))
		return
	}
	if ps := req.Past; ps != nil {
		switch {
		case ps.Count < 1 || ps.Count > maxPastSample:
			s.fail(c, apperr.Invalid("past.count", fmt.Sprintf("must be 1–%d", maxPastSample)))
			return
		case ps.From.IsZero() || ps.To.IsZero() || !ps.From.Before(ps.To):
			s.fail(c, apperr.Invalid("past.from", "from and to are RFC 3339 times, from before to"))
			return
		}
	}
	var cases []activities.RehearsalCase
	if req.Scenarios || len(req.ScenarioIDs) > 0 {
		rows, err := s.rehearsedScenarios(c, req.ScenarioIDs)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, r := range rows {
			cs := activities.RehearsalCase{Kind: activities.CaseScenario, ScenarioID: r.ID, Name: r.Name, ContactEmail: r.ContactEmail,
				ChannelID: TestChannelID, ChannelType: "chat"}
			for _, t := range r.Turns.V {
				cs.Messages, cs.Expect = append(cs.Messages, t.Message), append(cs.Expect, t.Expect)
			}
			if r.Simulated() {
				sim := r.Simulation.V
				cs.Simulation = &sim
				if !s.SimulatedCustomers {
					cs.Skip = "a simulated customer needs a language model, and none is configured (LLM_BASE_URL)"
				}
			}
			cases = append(cases, cs)
		}
	}
	if req.Past != nil {
		past, err := s.pastCases(c, *req.Past)
		if err != nil {
			s.fail(c, err)
			return
		}
		cases = append(cases, past...)
	}
	if len(cases) == 0 {
		s.fail(c, apperr.Errorf(apperr.EUNPROCESSABLE, "nothing to run: no scenario saved and no past conversation in the sample"))
		return
	}
	id := uuid.NewString()
	row := models.Rehearsal{ID: id, WorkspaceID: p.WorkspaceID, Status: models.RehearsalRunning, HandoffVersion: handoff,
		RoutingVersion: routing, HandoffDigest: handoffDigest, RoutingDigest: routingDigest, Config: models.NewJSON(config),
		Plan:  models.NewJSON(models.RehearsalPlan{Scenarios: req.Scenarios || len(req.ScenarioIDs) > 0, ScenarioIDs: req.ScenarioIDs, Past: req.Past}),
		Total: len(cases), WorkflowID: workflows.RehearsalWorkflowID(p.WorkspaceID, id), CreatedAt: time.Now().UTC()}
	if err := s.DB.WithContext(c.Request.Context()).Create(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	_, err = s.Temporal.ExecuteWorkflow(c.Request.Context(), client.StartWorkflowOptions{ID: row.WorkflowID, TaskQueue: s.TaskQueue},
		workflows.RehearsalWorkflow, workflows.RehearsalInput{
			WorkspaceID: p.WorkspaceID, RehearsalID: id, Pins: pins(row),
			Cases: cases, Concurrency: req.Concurrency,
		})
	if err != nil {
		s.DB.WithContext(c.Request.Context()).Model(&row).Updates(map[string]any{"status": models.RehearsalFailed})
		s.fail(c, apperr.Errorf(apperr.EUNAVAILABLE, "the rehearsal could not start: %v", err))
		return
	}
	c.JSON(http.StatusAccepted, rehearsalOut(row, nil))
}

// rehearsedScenarios reads the workspace's scenarios by name: all of them,
// or those of ids, each of which must be one (else 400 naming it).
func (s *Server) rehearsedScenarios(c *gin.Context, ids []string) ([]models.Scenario, error) {
	q := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	var rows []models.Scenario
	if err := q.Order("name").Find(&rows).Error; err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(rows))
	for _, r := range rows {
		found[r.ID] = true
	}
	for i, id := range ids {
		if !found[id] {
			return nil, apperr.Invalid(fmt.Sprintf("scenario_ids[%d]", i), fmt.Sprintf("no scenario %q", id))
		}
	}
	return rows, nil
}

// pastCases samples past conversations of the period (not tests), spread
// over how they ended: resolved, handed off, the others, in turn.
func (s *Server) pastCases(c *gin.Context, ps models.PastSample) ([]activities.RehearsalCase, error) {
	q := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND test = ? AND started_at >= ? AND started_at < ?",
		principal(c).WorkspaceID, false, ps.From, ps.To)
	if ps.Channel != "" {
		q = q.Where("channel_type = ?", ps.Channel)
	}
	var convs []models.Conversation
	if err := q.Order("started_at DESC").Limit(ps.Count * 10).Find(&convs).Error; err != nil {
		return nil, err
	}
	groups := map[string][]models.Conversation{}
	for _, cv := range convs {
		g := "other"
		switch {
		case cv.Team != "":
			g = "handed_off"
		case cv.Status == workflows.StatusResolved:
			g = "resolved"
		}
		groups[g] = append(groups[g], cv)
	}
	var picked []models.Conversation
	for len(picked) < ps.Count {
		took := false
		for _, g := range []string{"resolved", "handed_off", "other"} {
			if len(groups[g]) > 0 && len(picked) < ps.Count {
				picked, groups[g], took = append(picked, groups[g][0]), groups[g][1:], true
			}
		}
		if !took {
			break
		}
	}
	var out []activities.RehearsalCase
	for _, cv := range picked {
		var msgs []models.Message
		if err := s.DB.WithContext(c.Request.Context()).Where("conversation_id = ? AND role = ?", cv.ID, "customer").
			Order("created_at, id").Limit(maxPastMessages).Find(&msgs).Error; err != nil {
			return nil, err
		}
		if len(msgs) == 0 {
			continue
		}
		cs := activities.RehearsalCase{Kind: activities.CasePast, PastRowID: cv.ID, ExternalID: cv.ExternalID,
			ChannelID: cv.ChannelID, ChannelType: cv.ChannelType}
		for _, m := range msgs {
			cs.Messages = append(cs.Messages, m.Text)
		}
		out = append(out, cs)
	}
	return out, nil
}

// rehearsalJSON is a rehearsal with its report (cases so far while it
// runs).
type rehearsalJSON struct {
	ID             string                  `json:"id"`
	Status         string                  `json:"status"`
	HandoffVersion int                     `json:"handoff_version"`
	RoutingVersion int                     `json:"routing_version"`
	Configuration  configurationJSON       `json:"configuration"`
	Plan           models.RehearsalPlan    `json:"plan"`
	Total          int                     `json:"total"`
	Done           int                     `json:"done"`
	Report         *models.RehearsalReport `json:"report,omitempty"`
	CreatedAt      time.Time               `json:"created_at"`
	FinishedAt     *time.Time              `json:"finished_at"`
}

// configurationJSON is the configuration a rehearsal tried, in words a
// report can show: each rule set "published" or its version (a draft's
// marked so), the agent settings and issue types "workspace" or the draft
// tried, and the content.
type configurationJSON struct {
	Handoff       string                     `json:"handoff"`
	Routing       string                     `json:"routing"`
	AgentSettings *models.AgentSettingsDraft `json:"agent_settings"`
	IssueTypes    *models.IssueTypesDraft    `json:"issue_types"`
	Content       string                     `json:"content"`
}

func versionTried(v int, digest string) string {
	switch {
	case v == 0:
		return "published"
	case digest != "":
		return fmt.Sprintf("draft v%d", v)
	}
	return fmt.Sprintf("v%d", v)
}

func rehearsalOut(r models.Rehearsal, report *models.RehearsalReport) rehearsalJSON {
	return rehearsalJSON{ID: r.ID, Status: r.Status, HandoffVersion: r.HandoffVersion, RoutingVersion: r.RoutingVersion,
		Configuration: configurationJSON{Handoff: versionTried(r.HandoffVersion, r.HandoffDigest),
			Routing: versionTried(r.RoutingVersion, r.RoutingDigest), AgentSettings: r.Config.V.AgentSettings,
			IssueTypes: r.Config.V.IssueTypes, Content: contentTried(r.Config.V)},
		Plan: r.Plan.V, Total: r.Total, Done: r.Done, Report: report, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt}
}

// contentTried is the content a rehearsal's cases search: "current", or
// the snapshot's ID.
func contentTried(cfg models.RehearsalConfig) string {
	if cfg.Snapshot != "" {
		return cfg.Snapshot
	}
	return ContentCurrent
}

// pins is what a rehearsal's cases run under: its rule set versions, and
// its stored drafts when it tries any.
func pins(r models.Rehearsal) workflows.Pins {
	p := workflows.Pins{RuleVersions: workflows.RuleVersions{Handoff: r.HandoffVersion, Routing: r.RoutingVersion},
		Snapshot: r.Config.V.Snapshot}
	if cfg := r.Config.V; cfg.AgentSettings != nil || cfg.IssueTypes != nil {
		p.Rehearsal = r.ID
	}
	return p
}

func (s *Server) listRehearsals(c *gin.Context) {
	var rows []models.Rehearsal
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Order("created_at DESC").Limit(rehearsalListSize).Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := make([]rehearsalJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, rehearsalOut(r, nil))
	}
	c.JSON(http.StatusOK, gin.H{"rehearsals": out})
}

func (s *Server) loadRehearsal(c *gin.Context) (models.Rehearsal, bool) {
	var row models.Rehearsal
	err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ? AND id = ?", principal(c).WorkspaceID, c.Param("rehearsalID")).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no rehearsal %q", c.Param("rehearsalID")))
		return row, false
	}
	if err != nil {
		s.fail(c, err)
		return row, false
	}
	return row, true
}

// getRehearsal shows a rehearsal: its report once it ended, the cases
// judged so far while it runs.
func (s *Server) getRehearsal(c *gin.Context) {
	row, ok := s.loadRehearsal(c)
	if !ok {
		return
	}
	report := row.Report.V
	if row.Status == models.RehearsalRunning {
		var cases []models.RehearsalCase
		if err := s.DB.WithContext(c.Request.Context()).Where("rehearsal_id = ?", row.ID).Order("case_index").Find(&cases).Error; err != nil {
			s.fail(c, err)
			return
		}
		report = models.RehearsalReport{Cases: []models.CaseReport{}}
		for _, cs := range cases {
			report.Cases = append(report.Cases, cs.Report.V)
		}
	}
	c.JSON(http.StatusOK, rehearsalOut(row, &report))
}

// cancelRehearsal cancels a running rehearsal → 202; its cases under way
// stop and it ends as cancelled. One that ended → 409.
func (s *Server) cancelRehearsal(c *gin.Context) {
	row, ok := s.loadRehearsal(c)
	if !ok {
		return
	}
	if row.Status != models.RehearsalRunning {
		s.fail(c, apperr.Errorf(apperr.ECONFLICT, "the rehearsal is %s", row.Status))
		return
	}
	if err := s.Temporal.CancelWorkflow(c.Request.Context(), row.WorkflowID, ""); err != nil {
		s.fail(c, apperr.Errorf(apperr.EUNAVAILABLE, "cancel: %v", err))
		return
	}
	c.JSON(http.StatusAccepted, rehearsalOut(row, nil))
}
