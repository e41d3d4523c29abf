package server

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

type leadSettingsJSON struct {
	Enabled         bool                  `json:"enabled"`
	Questions       []models.LeadQuestion `json:"questions"`
	ScoreExpression string                `json:"score_expression"`
	Threshold       float64               `json:"threshold"`
	Team            string                `json:"team"`
	UpdatedAt       *time.Time            `json:"updated_at,omitempty"`
}

// maxLeadQuestions bounds the dialogue: a customer answers a few questions,
// not a form.
const maxLeadQuestions = 10

var propertyName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// getLeadSettings returns how the agent qualifies sales inquiries.
func (s *Server) getLeadSettings(c *gin.Context) {
	var row models.LeadSettings
	if err := s.DB.WithContext(c.Request.Context()).Where("workspace_id = ?", principal(c).WorkspaceID).
		Limit(1).Find(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := leadSettingsJSON{Enabled: row.Enabled, Questions: row.Questions.V, ScoreExpression: row.ScoreExpression,
		Threshold: row.Threshold, Team: row.Team}
	if out.Questions == nil {
		out.Questions = []models.LeadQuestion{}
	}
	if row.WorkspaceID != "" {
		out.UpdatedAt = &row.UpdatedAt
	}
	c.JSON(http.StatusOK, out)
}

// putLeadSettings replaces the lead-qualification settings. The score
// expression must compile to a number; an error names its position.
func (s *Server) putLeadSettings(c *gin.Context) {
	p := principal(c)
	var req leadSettingsJSON
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := validateLeadQuestions(req.Questions, req.Enabled); err != nil {
		s.fail(c, err)
		return
	}
	if req.Enabled || strings.TrimSpace(req.ScoreExpression) != "" {
		if _, err := rules.CompileScore(req.ScoreExpression); err != nil {
			detail := ruleErrorDetail{Code: apperr.EUNPROCESSABLE, Message: "score_expression: " + err.Error(), Field: "score_expression"}
			var ce *rules.CompileError
			if errors.As(err, &ce) {
				detail.Line, detail.Column, detail.Kind, detail.Suggestion = ce.Line, ce.Column, ce.Kind, ce.Suggestion
			}
			c.AbortWithStatusJSON(statusOf[apperr.EUNPROCESSABLE], ruleErrorBody{Error: detail})
			return
		}
	}
	if req.Enabled {
		if err := teamExists(s.DB.WithContext(c.Request.Context()), p.WorkspaceID, req.Team, "team"); err != nil {
			s.fail(c, err)
			return
		}
	}
	row := models.LeadSettings{
		WorkspaceID: p.WorkspaceID, Enabled: req.Enabled, Questions: models.NewJSON(req.Questions),
		ScoreExpression: req.ScoreExpression, Threshold: req.Threshold, Team: req.Team, UpdatedAt: time.Now().UTC(),
	}
	err := s.DB.WithContext(c.Request.Context()).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	if err != nil {
		s.fail(c, err)
		return
	}
	req.UpdatedAt = &row.UpdatedAt
	c.JSON(http.StatusOK, req)
}

func validateLeadQuestions(qs []models.LeadQuestion, enabled bool) error {
	if enabled && len(qs) == 0 {
		return apperr.Invalid("questions", "at least one question is needed when enabled")
	}
	if len(qs) > maxLeadQuestions {
		return apperr.Invalid("questions", fmt.Sprintf("at most %d questions", maxLeadQuestions))
	}
	seen := map[string]bool{}
	for i, q := range qs {
		field := fmt.Sprintf("questions[%d]", i)
		switch {
		case !propertyName.MatchString(q.Property):
			return apperr.Invalid(field+".property", "must be a lower-case name of letters, digits and _ (it is stored on the contact)")
		case seen[q.Property]:
			return apperr.Invalid(field+".property", fmt.Sprintf("%q is asked twice", q.Property))
		case strings.TrimSpace(q.Question) == "" || len(q.Question) > 500:
			return apperr.Invalid(field+".question", "must be 1–500 characters")
		case q.Kind != models.LeadNumber && q.Kind != models.LeadText && q.Kind != models.LeadChoice:
			return apperr.Invalid(field+".kind", `must be "number", "text" or "choice"`)
		case q.Kind == models.LeadChoice && len(q.Choices) < 2:
			return apperr.Invalid(field+".choices", "a choice needs at least two choices")
		case q.Kind != models.LeadChoice && len(q.Choices) > 0:
			return apperr.Invalid(field+".choices", "only a choice question has choices")
		}
		seen[q.Property] = true
	}
	return nil
}
