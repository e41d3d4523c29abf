package server

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// agentSettingsJSON is how the agent speaks and when it answers, hands off
// and lets a conversation end. Zero durations and a zero threshold mean the
// defaults, which GET reports in the effective_* fields.
type agentSettingsJSON struct {
	AgentName           string                    `json:"agent_name"`
	Tone                string                    `json:"tone"`
	Guidelines          string                    `json:"guidelines"`
	TopicsToAvoid       []string                  `json:"topics_to_avoid"`
	ReusableResponses   []models.ReusableResponse `json:"reusable_responses"`
	ConfidenceThreshold float64                   `json:"confidence_threshold"`
	DefaultTeam         string                    `json:"default_team"`
	InactivitySeconds   int                       `json:"inactivity_seconds"`
	ReopenWindowSeconds int                       `json:"reopen_window_seconds"`
	// ReturnWindowDays are the return windows by contact tier, "default"
	// for the others; {} means 30 days for everyone.
	ReturnWindowDays map[string]int `json:"return_window_days"`
	UpdatedAt        *time.Time     `json:"updated_at,omitempty"`

	EffectiveConfidenceThreshold float64        `json:"effective_confidence_threshold"`
	EffectiveDefaultTeam         string         `json:"effective_default_team"`
	EffectiveInactivitySeconds   int            `json:"effective_inactivity_seconds"`
	EffectiveReopenWindowSeconds int            `json:"effective_reopen_window_seconds"`
	EffectiveReturnWindowDays    map[string]int `json:"effective_return_window_days"`
}

// Bounds of the agent settings.
const (
	maxTopics            = 50
	maxReusableResponses = 100
	maxTriggers          = 20
	maxGuidelineChars    = 10_000
	maxDaysSetting       = 90 * 24 * 60 * 60
)

func agentSettingsOut(row models.AgentSettings) agentSettingsJSON {
	out := agentSettingsJSON{
		AgentName: row.AgentName, Tone: row.Tone, Guidelines: row.Guidelines,
		TopicsToAvoid: row.TopicsToAvoid.V, ReusableResponses: row.ReusableResponses.V,
		ConfidenceThreshold: row.ConfidenceThreshold, DefaultTeam: row.DefaultTeam,
		InactivitySeconds: row.InactivitySeconds, ReopenWindowSeconds: row.ReopenWindowSeconds,
		ReturnWindowDays: row.ReturnWindowDays.V,
	}
	if out.ReturnWindowDays == nil {
		out.ReturnWindowDays = map[string]int{}
	}
	if out.TopicsToAvoid == nil {
		out.TopicsToAvoid = []string{}
	}
	if out.ReusableResponses == nil {
		out.ReusableResponses = []models.ReusableResponse{}
	}
	if row.WorkspaceID != "" {
		out.UpdatedAt = &row.UpdatedAt
	}
	effective := decide.SettingsOf(row)
	out.EffectiveConfidenceThreshold = effective.ConfidenceThreshold
	out.EffectiveDefaultTeam = effective.DefaultTeam
	out.EffectiveInactivitySeconds = int(effective.Inactivity / time.Second)
	out.EffectiveReopenWindowSeconds = int(effective.ReopenWindow / time.Second)
	out.EffectiveReturnWindowDays = effective.ReturnWindows
	return out
}

// getAgentSettings returns the agent's settings.
func (s *Server) getAgentSettings(c *gin.Context) {
	var row models.AgentSettings
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Limit(1).Find(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, agentSettingsOut(row))
}

// putAgentSettings replaces the agent's settings. The next turn of every
// conversation follows them.
func (s *Server) putAgentSettings(c *gin.Context) {
	p := principal(c)
	var req agentSettingsJSON
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validateAgentSettings(&req); err != nil {
		s.fail(c, err)
		return
	}
	row := models.AgentSettings{
		WorkspaceID: p.WorkspaceID, AgentName: req.AgentName, Tone: req.Tone, Guidelines: req.Guidelines,
		TopicsToAvoid: models.NewJSON(req.TopicsToAvoid), ReusableResponses: models.NewJSON(req.ReusableResponses),
		ConfidenceThreshold: req.ConfidenceThreshold, DefaultTeam: req.DefaultTeam,
		InactivitySeconds: req.InactivitySeconds, ReopenWindowSeconds: req.ReopenWindowSeconds,
		ReturnWindowDays: models.NewJSON(req.ReturnWindowDays),
		UpdatedAt:        time.Now().UTC(),
	}
	err := s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if req.DefaultTeam != "" {
			if err := teamExists(tx, p.WorkspaceID, req.DefaultTeam, "default_team"); err != nil {
				return err
			}
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, agentSettingsOut(row))
}

func validateAgentSettings(req *agentSettingsJSON) error {
	req.AgentName = strings.TrimSpace(req.AgentName)
	n := utf8.RuneCountInString
	switch {
	case req.AgentName == "" || n(req.AgentName) > 100:
		return apperr.Invalid("agent_name", "must be 1–100 characters")
	case n(req.Tone) > 200:
		return apperr.Invalid("tone", "longer than 200 characters")
	case n(req.Guidelines) > maxGuidelineChars:
		return apperr.Invalid("guidelines", fmt.Sprintf("longer than %d characters", maxGuidelineChars))
	case len(req.TopicsToAvoid) > maxTopics:
		return apperr.Invalid("topics_to_avoid", fmt.Sprintf("at most %d topics", maxTopics))
	case len(req.ReusableResponses) > maxReusableResponses:
		return apperr.Invalid("reusable_responses", fmt.Sprintf("at most %d responses", maxReusableResponses))
	case req.ConfidenceThreshold < 0 || req.ConfidenceThreshold > 1:
		return apperr.Invalid("confidence_threshold", "must be between 0 and 1 (0: the default)")
	case req.InactivitySeconds != 0 && (req.InactivitySeconds < 60 || req.InactivitySeconds > maxDaysSetting):
		return apperr.Invalid("inactivity_seconds", "must be between 60 and 7776000 (90 days), or 0 for the default")
	case req.ReopenWindowSeconds < 0 || req.ReopenWindowSeconds > maxDaysSetting:
		return apperr.Invalid("reopen_window_seconds", "must be between 0 (the default) and 7776000 (90 days)")
	}
	if len(req.ReturnWindowDays) > maxTopics {
		return apperr.Invalid("return_window_days", fmt.Sprintf("at most %d tiers", maxTopics))
	}
	for tier, days := range req.ReturnWindowDays {
		field := "return_window_days." + tier
		switch {
		case strings.TrimSpace(tier) == "" || utf8.RuneCountInString(tier) > 64:
			return apperr.Invalid("return_window_days", "a tier is 1–64 characters (\"default\" for every other tier)")
		case days < 0 || days > 365:
			return apperr.Invalid(field, fmt.Sprintf("must be 0 to 365 days, got %d", days))
		}
	}
	for i, t := range req.TopicsToAvoid {
		if strings.TrimSpace(t) == "" || utf8.RuneCountInString(t) > 200 {
			return apperr.Invalid(fmt.Sprintf("topics_to_avoid[%d]", i), "must be 1–200 characters")
		}
	}
	names := map[string]bool{}
	for i, r := range req.ReusableResponses {
		field := fmt.Sprintf("reusable_responses[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > 100:
			return apperr.Invalid(field+".name", "must be 1–100 characters")
		case names[r.Name]:
			return apperr.Invalid(field+".name", fmt.Sprintf("%q is used twice", r.Name))
		case len(r.Triggers) == 0 || len(r.Triggers) > maxTriggers:
			return apperr.Invalid(field+".triggers", fmt.Sprintf("must have 1–%d phrases", maxTriggers))
		case strings.TrimSpace(r.Response) == "" || utf8.RuneCountInString(r.Response) > 4000:
			return apperr.Invalid(field+".response", "must be 1–4000 characters")
		}
		for j, t := range r.Triggers {
			if strings.TrimSpace(t) == "" || utf8.RuneCountInString(t) > 200 {
				return apperr.Invalid(fmt.Sprintf("%s.triggers[%d]", field, j), "must be 1–200 characters")
			}
		}
		names[r.Name] = true
	}
	return nil
}

// teamExists fails with a 400 on field unless the workspace has the team.
func teamExists(tx *gorm.DB, workspaceID, key, field string) error {
	var n int64
	if err := tx.Model(&models.Team{}).Where("workspace_id = ? AND key = ?", workspaceID, key).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid(field, fmt.Sprintf("no team %q in this workspace", key))
	}
	return nil
}

// teamJSON is a team that receives handoffs. WebhookSecret is shown once,
// in the answer to the request that set a webhook URL where there was none.
type teamJSON struct {
	Key             string `json:"key"`
	Name            string `json:"name"`
	WorkingHours    string `json:"working_hours"`
	AcceptSeconds   int    `json:"accept_seconds"`
	FallbackMessage string `json:"fallback_message"`
	WebhookURL      string `json:"webhook_url"`
	WebhookSecret   string `json:"webhook_secret,omitempty"`
}

var teamKey = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

func teamOut(t models.Team) teamJSON {
	return teamJSON{Key: t.Key, Name: t.Name, WorkingHours: t.WorkingHours, AcceptSeconds: t.AcceptSeconds,
		FallbackMessage: t.FallbackMessage, WebhookURL: t.WebhookURL}
}

// listTeams lists the workspace's teams.
func (s *Server) listTeams(c *gin.Context) {
	var rows []models.Team
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Order("key").Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := make([]teamJSON, 0, len(rows))
	for _, t := range rows {
		out = append(out, teamOut(t))
	}
	c.JSON(http.StatusOK, gin.H{"teams": out})
}

// putTeam creates the team with this key, or replaces its settings.
func (s *Server) putTeam(c *gin.Context) {
	p := principal(c)
	key := c.Param("key")
	if !teamKey.MatchString(key) {
		s.fail(c, apperr.Invalid("key", "must be a lower-case name of letters, digits, _ and - (rules name the team by it)"))
		return
	}
	var req teamJSON
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validateTeam(&req, key); err != nil {
		s.fail(c, err)
		return
	}
	var row models.Team
	created := false
	err := s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("workspace_id = ? AND key = ?", p.WorkspaceID, key).Limit(1).Find(&row).Error; err != nil {
			return err
		}
		if row.ID == "" {
			created = true
			row = models.Team{ID: uuid.NewString(), WorkspaceID: p.WorkspaceID, Key: key, CreatedAt: time.Now().UTC()}
		}
		// Removing the URL drops the secret: setting one again is how a
		// secret is rotated.
		newSecret := req.WebhookURL != "" && row.WebhookSecret == ""
		row.Name, row.WorkingHours, row.AcceptSeconds = req.Name, req.WorkingHours, req.AcceptSeconds
		row.FallbackMessage, row.WebhookURL = req.FallbackMessage, req.WebhookURL
		switch {
		case newSecret:
			row.WebhookSecret = newWebhookSecret()
		case req.WebhookURL == "":
			row.WebhookSecret = ""
		}
		if err := tx.Save(&row).Error; err != nil {
			return err
		}
		if newSecret {
			req.WebhookSecret = row.WebhookSecret
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := teamOut(row)
	out.WebhookSecret = req.WebhookSecret
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, out)
}

func validateTeam(req *teamJSON, key string) error {
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Key != "" && req.Key != key:
		return apperr.Invalid("key", "differs from the key in the path")
	case req.Name == "" || utf8.RuneCountInString(req.Name) > 100:
		return apperr.Invalid("name", "must be 1–100 characters")
	case req.AcceptSeconds != 0 && (req.AcceptSeconds < 30 || req.AcceptSeconds > 86400):
		return apperr.Invalid("accept_seconds", "must be between 30 and 86400, or 0 for the default (300)")
	case utf8.RuneCountInString(req.FallbackMessage) > 1000:
		return apperr.Invalid("fallback_message", "longer than 1000 characters")
	case req.WebhookSecret != "":
		return apperr.Invalid("webhook_secret", "is generated by Switchboard, not set")
	}
	if req.WorkingHours != "" {
		if err := rules.ValidateSchedule(req.WorkingHours); err != nil {
			return apperr.Invalid("working_hours", err.Error())
		}
	}
	if req.WebhookURL != "" {
		u, err := url.Parse(req.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return apperr.Invalid("webhook_url", "must be an absolute http or https URL")
		}
	}
	return nil
}

// deleteTeam removes a team that nothing sends conversations to by name.
func (s *Server) deleteTeam(c *gin.Context) {
	p := principal(c)
	key := c.Param("key")
	err := s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		var settings models.AgentSettings
		if err := tx.Where("workspace_id = ?", p.WorkspaceID).Limit(1).Find(&settings).Error; err != nil {
			return err
		}
		if decide.SettingsOf(settings).DefaultTeam == key {
			return apperr.Errorf(apperr.ECONFLICT, "team %q is the agent's default team (agent settings, default_team)", key)
		}
		var lead models.LeadSettings
		if err := tx.Where("workspace_id = ?", p.WorkspaceID).Limit(1).Find(&lead).Error; err != nil {
			return err
		}
		if lead.Enabled && lead.Team == key {
			return apperr.Errorf(apperr.ECONFLICT, "team %q receives qualified leads (lead settings, team)", key)
		}
		var channel models.ChannelSettings
		if err := tx.Where("workspace_id = ? AND team = ?", p.WorkspaceID, key).Limit(1).Find(&channel).Error; err != nil {
			return err
		}
		if channel.ChannelID != "" {
			return apperr.Errorf(apperr.ECONFLICT, "team %q receives the conversations of channel %s (channel settings, team)", key, channel.ChannelID)
		}
		var rule models.Rule
		err := tx.Model(&models.Rule{}).Joins("JOIN rule_set_versions ON rule_set_versions.id = rules.rule_set_version_id").
			Where("rule_set_versions.workspace_id = ? AND rule_set_versions.state = ? AND rules.team = ?",
				p.WorkspaceID, models.RuleSetPublished, key).Limit(1).Find(&rule).Error
		if err != nil {
			return err
		}
		if rule.ID != "" {
			return apperr.Errorf(apperr.ECONFLICT, "team %q receives handoffs of the published rule %q", key, rule.Name)
		}
		res := tx.Where("workspace_id = ? AND key = ?", p.WorkspaceID, key).Delete(&models.Team{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.Errorf(apperr.ENOTFOUND, "no team %q", key)
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
