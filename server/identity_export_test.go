package server

import (
	"context"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BindIdentityToken binds the identity token jti, valid until expires, to
// conversation convID at now, for tests of the binding itself (see
// bindIdentityToken).
func BindIdentityToken(s *Server, ctx context.Context, workspaceID, convID, jti string, expires, now time.Time) error {
	claims := identityClaims{RegisteredClaims: jwt.RegisteredClaims{ID: jti, ExpiresAt: jwt.NewNumericDate(expires)}}
	return s.bindIdentityToken(ctx, workspaceID, convID, claims, now)
}
