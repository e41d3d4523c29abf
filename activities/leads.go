package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// loadLeadConfig returns the workspace's lead settings, nil when disabled.
func loadLeadConfig(db *gorm.DB, workspaceID string) (*decide.LeadConfig, error) {
	var s models.LeadSettings
	if err := db.Where("workspace_id = ?", workspaceID).Limit(1).Find(&s).Error; err != nil {
		return nil, fmt.Errorf("load lead settings: %w", err)
	}
	if !s.Enabled || len(s.Questions.V) == 0 {
		return nil, nil
	}
	return &decide.LeadConfig{Questions: s.Questions.V, Threshold: s.Threshold, Team: s.Team}, nil
}

// QualifyLeadInput is a prospect's answers to the qualifying questions.
type QualifyLeadInput struct {
	WorkspaceID string
	// ContactID is the known contact, or "" to find or create one by Email.
	ContactID string
	Email     string
	// ContactVerified is set when ContactID is the conversation's verified
	// contact. An email that was only given creates a lead contact when no
	// contact has it, but never changes one that exists, nor lends its
	// properties to the score.
	ContactVerified bool
	// DryRun scores without storing anything (an admin's test
	// conversation).
	DryRun bool
	// Answers maps contact property names to the answers.
	Answers map[string]any
	Now     time.Time
}

// errDryRun rolls back a dry run's writes.
var errDryRun = errors.New("dry run")

// QualifyLeadResult is the lead's score.
type QualifyLeadResult struct {
	ContactID string
	Score     float64
	Qualified bool
	Threshold float64
}

// QualifyLead stores the answers on the contact (creating a lead contact
// when only an email is known) and scores them with the workspace's
// expression. Storing is idempotent: the same answers are written again.
func (a *Activities) QualifyLead(ctx context.Context, in QualifyLeadInput) (QualifyLeadResult, error) {
	var settings models.LeadSettings
	db := a.DB.WithContext(ctx)
	if err := db.Where("workspace_id = ?", in.WorkspaceID).Take(&settings).Error; err != nil {
		return QualifyLeadResult{}, fmt.Errorf("load lead settings: %w", err)
	}
	program, err := rules.CompileScore(settings.ScoreExpression)
	if err != nil {
		return QualifyLeadResult{}, temporal.NewNonRetryableApplicationError("score expression: "+err.Error(), "InvalidScoreExpression", err)
	}
	var contact models.Contact
	err = db.Transaction(func(tx *gorm.DB) error {
		q := tx.Where("workspace_id = ?", in.WorkspaceID)
		switch {
		case in.ContactID != "":
			q = q.Where("id = ?", in.ContactID)
		case in.Email != "":
			q = q.Where("email = ?", strings.ToLower(in.Email))
		default:
			return nil
		}
		err := q.Take(&contact).Error
		if err == nil && !in.ContactVerified {
			// Someone's existing contact, named by an unproved email.
			contact = models.Contact{}
			return nil
		}
		if errors.Is(err, gorm.ErrRecordNotFound) && in.Email != "" {
			contact = models.Contact{
				ID: uuid.NewString(), WorkspaceID: in.WorkspaceID, Email: strings.ToLower(in.Email),
				Tier: "standard", LifecycleStage: "lead", CreatedAt: in.Now, UpdatedAt: in.Now,
			}
			err = tx.Create(&contact).Error
		}
		if err != nil {
			return err
		}
		props := contact.Properties.V
		if props == nil {
			props = map[string]any{}
		}
		for k, v := range in.Answers {
			props[k] = v
		}
		contact.Properties = models.NewJSON(props)
		if err := tx.Model(&contact).Updates(map[string]any{"properties": contact.Properties, "updated_at": in.Now}).Error; err != nil {
			return err
		}
		if in.DryRun {
			return errDryRun // rolled back: scored as if stored
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return QualifyLeadResult{}, fmt.Errorf("store lead answers: %w", err)
	}
	props := map[string]any{}
	for k, v := range contact.Properties.V {
		props[k] = v
	}
	for k, v := range in.Answers {
		props[k] = v
	}
	env := rules.Env{
		Contact: rules.Contact{Tier: contact.Tier, LifecycleStage: contact.LifecycleStage, CompanySize: contact.CompanySize,
			EmailVerified: contact.EmailVerified, Properties: props},
		Now: in.Now,
	}
	score, err := program.Score(env)
	if err != nil {
		// A score that cannot be computed (an answer missing) is no score.
		score = 0
	}
	contactID := contact.ID
	if in.DryRun {
		contactID = "" // nothing was stored
	}
	return QualifyLeadResult{ContactID: contactID, Score: score, Qualified: err == nil && score >= settings.Threshold,
		Threshold: settings.Threshold}, nil
}
