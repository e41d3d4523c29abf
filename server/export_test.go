package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/models"
)

// TakeToken takes a token from a bucket ("limit/subject") of s's database
// directly, as takeTokens does, for tests of the buckets themselves: ok is
// false when it has none, and wait is how long until it has one.
func TakeToken(s *Server, ctx context.Context, name string, perMinute int) (wait time.Duration, ok bool, err error) {
	return TakeTokens(s, ctx, []string{name}, perMinute)
}

// TakeTokens takes a token from each of the buckets at once, as a message
// takes its limits' tokens: all of them, or none.
func TakeTokens(s *Server, ctx context.Context, names []string, perMinute int) (wait time.Duration, ok bool, err error) {
	buckets := make([]bucket, len(names))
	for i, name := range names {
		limit, subject, _ := strings.Cut(name, "/")
		buckets[i] = bucket{limit: limit, subject: subject, perMinute: perMinute, what: "tokens"}
	}
	err = s.takeTokens(ctx, buckets)
	var refused *limitError
	if errors.As(err, &refused) {
		return refused.retryAfter, false, nil
	}
	return 0, err == nil, err
}

// SaveContact is what a message's arrival and its saveContact do with the
// contact it gives, for tests of what is kept.
func SaveContact(s *Server, ctx context.Context, wfID string, given models.ConversationContact) error {
	known, err := s.arrival(ctx, wfID, "")
	if err != nil {
		return err
	}
	return s.saveContact(ctx, wfID, given, known.kept)
}
