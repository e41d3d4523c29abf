package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/apperr"
)

func TestParseIdentityToken(t *testing.T) {
	t.Parallel()
	const secret = "idsec_1"
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(now.Add(d)) }
	claims := func(edit func(c *identityClaims)) identityClaims {
		c := identityClaims{Email: "Ada@Example.com", RegisteredClaims: jwt.RegisteredClaims{
			ID: "jti-1", IssuedAt: at(-time.Minute), ExpiresAt: at(time.Hour),
		}}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	sign := func(method jwt.SigningMethod, key any, c identityClaims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(key)
		require.NoError(t, err)
		return s
	}
	hs256 := func(edit func(c *identityClaims)) string {
		return sign(jwt.SigningMethodHS256, []byte(secret), claims(edit))
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	cases := []struct {
		name, token, message string
	}{
		{"valid", hs256(nil), ""},
		{"within the leeway after exp", hs256(func(c *identityClaims) { c.ExpiresAt = at(-20 * time.Second) }), ""},
		{"nbf within the leeway", hs256(func(c *identityClaims) { c.NotBefore = at(20 * time.Second) }), ""},
		{"forged", sign(jwt.SigningMethodHS256, []byte("idsec_2"), claims(nil)), "signature does not match this channel's identity secret"},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)), "signed with none; only HS256 is accepted"},
		{"HS512 with the secret", sign(jwt.SigningMethodHS512, []byte(secret), claims(nil)), "signed with HS512; only HS256 is accepted"},
		{"ES256", sign(jwt.SigningMethodES256, ecKey, claims(nil)), "signed with ES256; only HS256 is accepted"},
		{"not a JWT", "hello", "not a well-formed JWT"},
		{"expired", hs256(func(c *identityClaims) { c.ExpiresAt = at(-time.Minute) }), "expired at 2026-11-24T11:59:00Z"},
		{"no exp", hs256(func(c *identityClaims) { c.ExpiresAt = nil }), "exp claim missing"},
		{"exp too far ahead", hs256(func(c *identityClaims) { c.ExpiresAt = at(25 * time.Hour) }), "exp is more than 24h0m0s ahead"},
		{"not yet valid", hs256(func(c *identityClaims) { c.NotBefore = at(time.Minute) }), "not valid before 2026-11-24T12:01:00Z (nbf)"},
		{"issued in the future", hs256(func(c *identityClaims) { c.IssuedAt = at(time.Minute) }), "issued in the future"},
		{"no jti", hs256(func(c *identityClaims) { c.ID = "" }), "jti claim missing"},
		{"no email", hs256(func(c *identityClaims) { c.Email = "" }), "email claim missing"},
		{"not an email", hs256(func(c *identityClaims) { c.Email = "Ada <ada@example.com>" }), "email claim is not an email address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseIdentityToken(tc.token, secret, now)
			if tc.message == "" {
				require.NoError(t, err)
				require.Equal(t, "ada@example.com", got.Email, "lower-cased")
				require.Equal(t, "jti-1", got.ID)
				return
			}
			require.Error(t, err)
			require.Equal(t, apperr.EUNAUTHORIZED, apperr.Code(err))
			require.Contains(t, apperr.Message(err), "identity_token: "+tc.message)
		})
	}
}
