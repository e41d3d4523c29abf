package models

// RateBucket is one token bucket of the API's abuse limits (a widget key's
// messages, an address's new conversations, …). Every API server takes its
// tokens from the same row, in one statement, so a limit holds however many
// servers there are. Times are Unix seconds on the database's clock, the one
// clock every server shares.
type RateBucket struct {
	// Bucket names the limit and what it counts, e.g.
	// "key_messages/<key id>".
	Bucket string `gorm:"primaryKey;size:255"`
	// Tokens is what was left at RefilledAt.
	Tokens float64 `gorm:"not null"`
	// RefilledAt is when a token was last taken.
	RefilledAt float64 `gorm:"not null;index"`
}

// StreamLease is one of the open event streams an API key may hold (slots
// 0 to the limit − 1). The API server serving the stream renews the lease
// while the stream is open and deletes it when the stream ends; a server that
// dies leaves a lease that expires, and another stream takes the slot.
type StreamLease struct {
	KeyID string `gorm:"primaryKey;size:36"`
	Slot  int    `gorm:"primaryKey;autoIncrement:false"`
	// Holder is the stream holding the slot.
	Holder string `gorm:"not null;size:36"`
	// ExpiresAt is in Unix seconds on the database's clock.
	ExpiresAt float64 `gorm:"not null"`
}

// limitModels lists the models of the API's abuse limits.
func limitModels() []any {
	return []any{&RateBucket{}, &StreamLease{}}
}
