package server

import (
	"context"
	"time"
)

// TakeToken takes a token from a bucket of s's database directly, for tests
// of the buckets themselves (see takeToken).
func TakeToken(s *Server, ctx context.Context, name string, perMinute int) (wait time.Duration, ok bool, err error) {
	return s.takeToken(ctx, name, perMinute)
}
