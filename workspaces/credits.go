package workspaces

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// Credits: a conversation the agent resolves consumes one (see the README's
// "Credits"). The operator grants them.
const (
	// DefaultCredits is what a new workspace starts with.
	DefaultCredits = 1000
	// MaxGrant bounds one grant.
	MaxGrant = 10_000_000
	// reasonGrant is a grant's ledger reason (activities.CreditGrant).
	reasonGrant = "grant"
)

// Balance is a workspace's credit balance.
type Balance struct {
	WorkspaceID string `json:"workspace_id"`
	Credits     int64  `json:"credits"`
}

// GrantCredits adds amount credits to a workspace's ledger (1 to MaxGrant)
// and returns the new balance.
func GrantCredits(ctx context.Context, db *gorm.DB, workspaceID string, amount int) (Balance, error) {
	if amount < 1 || amount > MaxGrant {
		return Balance{}, apperr.Invalid("amount", fmt.Sprintf("must be 1 to %d", MaxGrant))
	}
	if _, err := Get(ctx, db, workspaceID); err != nil {
		return Balance{}, err
	}
	if err := grant(db.WithContext(ctx), workspaceID, amount, time.Now().UTC()); err != nil {
		return Balance{}, err
	}
	return CreditBalance(ctx, db, workspaceID)
}

func grant(tx *gorm.DB, workspaceID string, amount int, now time.Time) error {
	id := uuid.NewString()
	e := models.CreditEntry{ID: id, WorkspaceID: workspaceID, Amount: amount, Reason: reasonGrant,
		IdempotencyKey: "grant:" + id, CreatedAt: now}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("grant credits: %w", err)
	}
	return nil
}

// CreditBalance is the sum of a workspace's ledger (Workspace.CreditBalance).
func CreditBalance(ctx context.Context, db *gorm.DB, workspaceID string) (Balance, error) {
	w, err := lookUp(ctx, db, workspaceID, "credit_balance")
	if err != nil {
		return Balance{}, err
	}
	return Balance{WorkspaceID: workspaceID, Credits: w.CreditBalance}, nil
}
