package models

import "time"

// IdentityTokenUse binds an identity token (ChannelSettings.IdentitySecret)
// to the conversation it was first used in: the same token verifies every
// later message of that conversation, and no other conversation. A row is
// needed only while its token is valid.
type IdentityTokenUse struct {
	WorkspaceID string `gorm:"primaryKey;size:36"`
	// JTI is the token's "jti" claim, unique per token.
	JTI string `gorm:"primaryKey;size:255"`
	// ConversationID is the conversation ID the client chose
	// (Conversation.ExternalID).
	ConversationID string `gorm:"not null;size:128"`
	// ExpiresAt is when the token stops being valid, leeway included, in
	// Unix seconds; after that the row may go.
	ExpiresAt int64 `gorm:"not null;index"`
	CreatedAt time.Time
}

// identityModels lists the models of verified customer identities.
func identityModels() []any {
	return []any{&IdentityTokenUse{}}
}
