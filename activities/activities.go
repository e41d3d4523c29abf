package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
)

// Activities holds the dependencies of every activity. Register it once with
// the worker; workflows call its methods through a nil *Activities.
type Activities struct {
	DB        *gorm.DB
	Knowledge *knowledge.Store
	Generator answer.Generator
}

// Passage is a retrieved chunk, as it crosses Temporal.
type Passage struct {
	SourceID string  `json:"source_id"`
	Title    string  `json:"title"`
	URL      string  `json:"url,omitempty"`
	Heading  string  `json:"heading,omitempty"`
	Text     string  `json:"text"`
	Score    float64 `json:"score"`
}

// Citation names a source a reply used.
type Citation struct {
	SourceID string `json:"source_id"`
	Title    string `json:"title"`
	URL      string `json:"url,omitempty"`
}

// RetrieveInput asks for the workspace's passages best matching a query.
type RetrieveInput struct {
	WorkspaceID string
	Query       string
	Limit       int
}

// RetrieveResult lists passages, best first.
type RetrieveResult struct {
	Passages []Passage
}

// Retrieve searches the workspace's knowledge (BM25 in Weaviate).
func (a *Activities) Retrieve(ctx context.Context, in RetrieveInput) (RetrieveResult, error) {
	limit := in.Limit
	if limit <= 0 {
		limit = 5
	}
	hits, err := a.Knowledge.Search(ctx, in.WorkspaceID, in.Query, limit)
	if err != nil {
		return RetrieveResult{}, err
	}
	out := RetrieveResult{Passages: make([]Passage, len(hits))}
	for i, h := range hits {
		out.Passages[i] = Passage{
			SourceID: h.SourceID, Title: h.Title, URL: h.URL,
			Heading: h.Heading, Text: h.Text, Score: h.Score,
		}
	}
	return out, nil
}

// GenerateInput is a question and the passages retrieved for it.
type GenerateInput struct {
	WorkspaceID string
	Question    string
	Passages    []Passage
}

// GenerateResult is the agent's reply.
type GenerateResult struct {
	Text       string
	Citations  []Citation
	Known      bool
	Confidence float64
}

// Generate writes the reply following the workspace's agent settings.
func (a *Activities) Generate(ctx context.Context, in GenerateInput) (GenerateResult, error) {
	var settings models.AgentSettings
	err := a.DB.WithContext(ctx).Where("workspace_id = ?", in.WorkspaceID).Limit(1).Find(&settings).Error
	if err != nil {
		return GenerateResult{}, fmt.Errorf("load agent settings: %w", err)
	}
	req := answer.Request{
		Question:   in.Question,
		AgentName:  settings.AgentName,
		Tone:       settings.Tone,
		Guidelines: settings.Guidelines,
	}
	for _, p := range in.Passages {
		req.Passages = append(req.Passages, answer.Passage(p))
	}
	ans, err := a.Generator.Generate(ctx, req)
	if err != nil {
		return GenerateResult{}, err
	}
	out := GenerateResult{Text: ans.Text, Known: ans.Known, Confidence: ans.Confidence}
	for _, c := range ans.Citations {
		out.Citations = append(out.Citations, Citation(c))
	}
	return out, nil
}

// TranscriptMessage is one message to record in the read model.
type TranscriptMessage struct {
	// ClientID is the client's message ID; a reply carries the ID of the
	// message it answers.
	ClientID  string
	Role      string
	Text      string
	Citations []Citation
	At        time.Time
}

// RecordTurnInput is a conversation's state and the messages of one turn.
type RecordTurnInput struct {
	WorkspaceID    string
	ConversationID string
	WorkflowID     string
	ChannelID      string
	Status         string
	Test           bool
	StartedAt      time.Time
	Messages       []TranscriptMessage
}

// RecordTurnResult is empty; the activity either records the whole turn or
// nothing.
type RecordTurnResult struct{}

// ConversationRowID is the read model's primary key of a workflow's
// conversation: derived from the workflow ID, so recording is idempotent.
func ConversationRowID(workflowID string) string {
	return uuid.NewSHA1(rowNamespace, []byte(workflowID)).String()
}

var rowNamespace = uuid.MustParse("0c9f1b4e-2f6d-4a57-b8a3-7d1e5c2f9a60")

// RecordTurn writes the conversation and the turn's messages to the read
// model in one transaction. Running it twice changes nothing.
func (a *Activities) RecordTurn(ctx context.Context, in RecordTurnInput) (RecordTurnResult, error) {
	if in.WorkspaceID == "" || in.ConversationID == "" {
		return RecordTurnResult{}, temporal.NewNonRetryableApplicationError("workspace and conversation are required", "InvalidInput", nil)
	}
	convID := ConversationRowID(in.WorkflowID)
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		conv := models.Conversation{
			ID: convID, WorkspaceID: in.WorkspaceID, ExternalID: in.ConversationID,
			ChannelID: in.ChannelID, WorkflowID: in.WorkflowID, Status: in.Status,
			Test: in.Test, StartedAt: in.StartedAt.UTC(), UpdatedAt: time.Now().UTC(),
		}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"status", "updated_at"}),
		}).Create(&conv).Error
		if err != nil {
			return fmt.Errorf("upsert conversation: %w", err)
		}
		for _, m := range in.Messages {
			row := models.Message{
				ID:             uuid.NewSHA1(rowNamespace, []byte(convID+"/"+m.Role+"/"+m.ClientID)).String(),
				ConversationID: convID, ClientID: m.ClientID, Role: m.Role, Text: m.Text,
				CreatedAt: m.At.UTC(),
			}
			for _, c := range m.Citations {
				row.Citations.V = append(row.Citations.V, models.Citation(c))
			}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return fmt.Errorf("insert message: %w", err)
			}
		}
		return nil
	})
	if errors.Is(err, context.Canceled) {
		return RecordTurnResult{}, err
	}
	return RecordTurnResult{}, err
}
