package models

import "time"

// Lead question kinds.
const (
	LeadNumber = "number"
	LeadText   = "text"
	LeadChoice = "choice"
)

// LeadSettings is how the agent qualifies sales inquiries: the questions it
// asks (each answer stored on the contact as a property), the expression that
// scores the answers, and where qualified leads go.
type LeadSettings struct {
	WorkspaceID string `gorm:"primaryKey;size:36"`
	Enabled     bool   `gorm:"not null"`
	Questions   JSON[[]LeadQuestion]
	// ScoreExpression is an expr expression over the same names as rule
	// conditions, returning a number; answers are contact.properties.<name>.
	ScoreExpression string `gorm:"type:text"`
	// Threshold: a score at or above it qualifies the lead.
	Threshold float64
	// Team receives qualified leads.
	Team      string `gorm:"size:64"`
	UpdatedAt time.Time
}

// LeadQuestion is one qualifying question.
type LeadQuestion struct {
	// Property is the contact property the answer is stored in.
	Property string `json:"property"`
	Question string `json:"question"`
	// Kind is number, text or choice.
	Kind    string   `json:"kind"`
	Choices []string `json:"choices,omitempty"`
}
