package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/models"
)

// Credit ledger reasons.
const (
	CreditResolved = "resolved"
	CreditReversal = "reopened"
	CreditGrant    = "grant"
)

// ChargeInput charges one credit for a conversation the agent resolved.
type ChargeInput struct {
	WorkspaceID string
	// ConversationRowID is the read model's conversation ID.
	ConversationRowID string
	// Key is unique per resolution (workflow ID + first run ID): charging
	// twice writes one entry.
	Key string
	At  time.Time
}

// ChargeResult says whether this call wrote the entry.
type ChargeResult struct {
	Charged bool
}

// ChargeResolution writes one consumption entry (-1) to the credit ledger,
// once per Key.
func (a *Activities) ChargeResolution(ctx context.Context, in ChargeInput) (ChargeResult, error) {
	entry := models.CreditEntry{
		ID: uuid.NewString(), WorkspaceID: in.WorkspaceID, ConversationID: in.ConversationRowID,
		Amount: -1, Reason: CreditResolved, IdempotencyKey: "consume:" + in.Key, CreatedAt: in.At.UTC(),
	}
	res := a.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&entry)
	if res.Error != nil {
		return ChargeResult{}, fmt.Errorf("charge credit: %w", res.Error)
	}
	return ChargeResult{Charged: res.RowsAffected == 1}, nil
}

// ReverseInput reverses the charges of a reopened conversation.
type ReverseInput struct {
	WorkspaceID string
	// PreviousRowID is the read-model ID of the reopened conversation.
	PreviousRowID string
	At            time.Time
}

// ReverseResult counts the entries written.
type ReverseResult struct {
	Reversed int
}

// ReverseCharges writes, for each consumption of the reopened conversation
// not yet reversed, a second entry (+1) that cancels it.
func (a *Activities) ReverseCharges(ctx context.Context, in ReverseInput) (ReverseResult, error) {
	var out ReverseResult
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var charges []models.CreditEntry
		if err := tx.Where("workspace_id = ? AND conversation_id = ? AND reason = ?", in.WorkspaceID, in.PreviousRowID, CreditResolved).
			Find(&charges).Error; err != nil {
			return err
		}
		for _, c := range charges {
			rev := models.CreditEntry{
				ID: uuid.NewString(), WorkspaceID: in.WorkspaceID, ConversationID: in.PreviousRowID,
				Amount: -c.Amount, Reason: CreditReversal, IdempotencyKey: "reverse:" + c.IdempotencyKey, CreatedAt: in.At.UTC(),
			}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rev)
			if res.Error != nil {
				return res.Error
			}
			out.Reversed += int(res.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return ReverseResult{}, fmt.Errorf("reverse charges: %w", err)
	}
	return out, nil
}
