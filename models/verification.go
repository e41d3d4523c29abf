package models

import "time"

// VerificationCode is a one-time code the agent emailed to a contact's
// address to verify a conversation's customer. Only a salted hash of the
// code is kept.
type VerificationCode struct {
	// ID is derived from the conversation and the message that asked for
	// it, so a retried send finds it.
	ID             string `gorm:"primaryKey;size:36"`
	WorkspaceID    string `gorm:"not null;size:36;index"`
	ConversationID string `gorm:"not null;size:36;index"`
	Email          string `gorm:"not null"`
	Salt           []byte `gorm:"not null"`
	Hash           []byte `gorm:"not null"`
	ExpiresAt      time.Time
	// Attempts counts the wrong codes typed.
	Attempts   int `gorm:"not null"`
	VerifiedAt *time.Time
	CreatedAt  time.Time
}

func verificationModels() []any { return []any{&VerificationCode{}} }
