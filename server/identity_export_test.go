package server

import (
	"context"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BindIdentityToken binds the identity token jti, valid until expires, to
// conversation convID at now, for tests of the binding itself; sweep also
// deletes expired bindings, as one call in identitySweepEvery does (see
// bindIdentity).
func BindIdentityToken(s *Server, ctx context.Context, workspaceID, convID, jti string, expires, now time.Time, sweep bool) error {
	claims := identityClaims{RegisteredClaims: jwt.RegisteredClaims{ID: jti, ExpiresAt: jwt.NewNumericDate(expires)}}
	return s.bindIdentity(ctx, workspaceID, convID, claims, now, sweep)
}
