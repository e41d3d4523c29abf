package activities

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// SendCodeInput asks for a verification code to be emailed to an address,
// if a contact of the workspace has it.
type SendCodeInput struct {
	WorkspaceID    string
	ConversationID string
	Email          string
	// Key (conversation + message) makes a retried send find the code it
	// already made.
	Key string
	// Language is the customer's, which the email is written in.
	Language string `json:",omitempty"`
	Now      time.Time
}

// SendCodeResult says whether a code went out: false when no contact has
// the address (the customer is told the same either way).
type SendCodeResult struct {
	Sent bool
}

// SendVerificationCode makes a 6-digit code, keeps its salted hash, and
// queues an email with the code to the contact's address, in one
// transaction. A code sent earlier in the conversation stops counting.
func (a *Activities) SendVerificationCode(ctx context.Context, in SendCodeInput) (SendCodeResult, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	var out SendCodeResult
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Contact{}).Where("workspace_id = ? AND LOWER(email) = ?", in.WorkspaceID, email).Count(&n).Error; err != nil {
			return fmt.Errorf("find contact: %w", err)
		}
		if n == 0 {
			return nil
		}
		out.Sent = true
		id := models.DerivedID("verification", in.Key)
		var existing models.VerificationCode
		if err := tx.Where("id = ?", id).Limit(1).Find(&existing).Error; err != nil {
			return fmt.Errorf("find code: %w", err)
		}
		if existing.ID != "" {
			return nil // sent by an earlier attempt of this activity
		}
		code, err := newCode()
		if err != nil {
			return err
		}
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return fmt.Errorf("salt: %w", err)
		}
		// Earlier codes of the conversation stop counting.
		if err := tx.Model(&models.VerificationCode{}).
			Where("conversation_id = ? AND verified_at IS NULL AND expires_at > ?", in.ConversationID, in.Now.UTC()).
			Update("expires_at", in.Now.UTC()).Error; err != nil {
			return fmt.Errorf("expire earlier codes: %w", err)
		}
		row := models.VerificationCode{
			ID: id, WorkspaceID: in.WorkspaceID, ConversationID: in.ConversationID, Email: email,
			Salt: salt, Hash: codeHash(salt, code), ExpiresAt: in.Now.UTC().Add(decide.CodeLifetime), CreatedAt: in.Now.UTC(),
		}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store code: %w", err)
		}
		text := decide.CodeEmail(in.Language, code)
		mail := models.OutboxMessage{
			ID: models.DerivedID("verification-mail", in.Key), WorkspaceID: in.WorkspaceID, Kind: "verification_code",
			Recipient: email, Subject: text.Subject, Body: text.Body,
			IdempotencyKey: "verification:" + in.Key, CreatedAt: in.Now.UTC(),
		}
		if err := tx.Create(&mail).Error; err != nil {
			return fmt.Errorf("queue code email: %w", err)
		}
		return nil
	})
	return out, err
}

// CheckCodeInput is a code the customer typed.
type CheckCodeInput struct {
	WorkspaceID    string
	ConversationID string
	Code           string
	Now            time.Time
}

// CheckCodeResult is the outcome (decide.CodeVerified, CodeWrong, CodeExpired
// or CodeLocked), the email verified, and the attempts left after a wrong
// code.
type CheckCodeResult struct {
	Outcome      string
	Email        string
	AttemptsLeft int
}

// CheckVerificationCode checks a typed code against the conversation's
// latest code: at most decide.CodeAttempts wrong ones, within decide.CodeLifetime.
func (a *Activities) CheckVerificationCode(ctx context.Context, in CheckCodeInput) (CheckCodeResult, error) {
	var out CheckCodeResult
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row models.VerificationCode
		err := tx.Where("conversation_id = ? AND workspace_id = ?", in.ConversationID, in.WorkspaceID).
			Order("created_at DESC").Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			out.Outcome = decide.CodeExpired
			return nil
		case err != nil:
			return fmt.Errorf("find code: %w", err)
		}
		switch {
		case row.VerifiedAt != nil || !in.Now.Before(row.ExpiresAt):
			out.Outcome = decide.CodeExpired
			return nil
		case row.Attempts >= decide.CodeAttempts:
			out.Outcome = decide.CodeLocked
			return nil
		}
		if subtle.ConstantTimeCompare(codeHash(row.Salt, in.Code), row.Hash) == 1 {
			now := in.Now.UTC()
			out.Outcome, out.Email = decide.CodeVerified, row.Email
			return tx.Model(&row).Update("verified_at", &now).Error
		}
		row.Attempts++
		out.Outcome, out.AttemptsLeft = decide.CodeWrong, decide.CodeAttempts-row.Attempts
		return tx.Model(&row).Update("attempts", row.Attempts).Error
	})
	return out, err
}

// newCode is a uniformly random 6-digit code.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func codeHash(salt []byte, code string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return h.Sum(nil)
}
