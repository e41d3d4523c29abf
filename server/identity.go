package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workflows"
)

// Verified customers. A chat channel can have an identity secret
// (models.ChannelSettings.IdentitySecret), which the channel's site shares:
// for each logged-in customer the site signs a JWT (HS256) naming the
// customer's email, and the widget sends it with each message as
// identity_token. A valid token makes the message carry a
// workflows.Identity, which the workflow trusts. contact.email, like an
// address typed in a message, stays a claim.
//
// Each token's jti is bound to the first conversation it is used in
// (models.IdentityTokenUse): every message of that conversation may carry
// it, and no other conversation may.

// Rules of an identity token.
const (
	// identityLeeway is the clock skew allowed between the site and us on
	// exp, nbf and iat.
	identityLeeway = 30 * time.Second
	// maxIdentityTokenLifetime bounds how far ahead a token's exp may be,
	// which bounds how long a stolen token works and how long its jti is
	// kept.
	maxIdentityTokenLifetime = 24 * time.Hour
	// maxJTILength is the longest jti (models.IdentityTokenUse.JTI).
	maxJTILength = 255
)

// identityAlgorithm is the only signing algorithm accepted.
var identityAlgorithm = jwt.SigningMethodHS256.Alg()

// identityHowTo is what an admin is told with a new identity secret.
const identityHowTo = "Keep this secret on your server. For each logged-in customer, sign a JWT with HS256, " +
	"using this secret's characters as the key, with the claims email (the customer's address), " +
	"exp (at most 24 hours ahead) and jti (unique per token); iat and nbf are checked when given. " +
	"Pass it to the widget, which sends it as identity_token with every message. " +
	"A token verifies the first conversation it is used in and no other."

// identitySweepEvery: about one binding in this many also deletes the
// bindings of expired tokens (see bindIdentity).
const identitySweepEvery = 100

type identitySecretJSON struct {
	ChannelID            string `json:"channel_id"`
	IdentityVerification bool   `json:"identity_verification"`
	Algorithm            string `json:"algorithm"`
	// Secret is shown only now.
	Secret    string    `json:"secret"`
	RotatedAt time.Time `json:"rotated_at"`
	HowTo     string    `json:"how_to"`
}

// newIdentitySecret returns a random identity secret.
func newIdentitySecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "idsec_" + hex.EncodeToString(b)
}

// rotateIdentitySecret creates or replaces a chat channel's identity secret,
// which turns identity verification on, and shows the secret, once. Tokens
// signed with the old secret stop verifying at once.
func (s *Server) rotateIdentitySecret(c *gin.Context) {
	p := principal(c)
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	secret, now := newIdentitySecret(), time.Now().UTC()
	err = s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		ch, st, _, err := loadChannel(tx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if ch.Type != models.ChannelChat {
			return apperr.Errorf(apperr.ECONFLICT, "a %s channel has no chat widget, so no identity tokens to verify", ch.Type)
		}
		st.IdentitySecret, st.IdentitySecretRotatedAt, st.UpdatedAt = secret, &now, now
		if err := tx.Save(&st).Error; err != nil {
			return fmt.Errorf("save identity secret: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, identitySecretJSON{
		ChannelID: id, IdentityVerification: true, Algorithm: identityAlgorithm,
		Secret: secret, RotatedAt: now, HowTo: identityHowTo,
	})
}

// deleteIdentitySecret turns a channel's identity verification off → 204:
// identity tokens are refused from now on.
func (s *Server) deleteIdentitySecret(c *gin.Context) {
	p := principal(c)
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	if _, _, _, err := loadChannel(db, p.WorkspaceID, id); err != nil {
		s.fail(c, err)
		return
	}
	err = db.Model(&models.ChannelSettings{}).
		Where("channel_id = ? AND workspace_id = ? AND identity_secret <> ''", id, p.WorkspaceID).
		Updates(map[string]any{"identity_secret": "", "identity_secret_rotated_at": nil, "updated_at": time.Now().UTC()}).Error
	if err != nil {
		s.fail(c, fmt.Errorf("delete identity secret: %w", err))
		return
	}
	c.Status(http.StatusNoContent)
}

// verifyIdentity checks a message's identity token against its channel's
// identity secret and binds the token to conversation convID (the client's
// conversation ID). Any failure is a 401 naming identity_token and the
// reason.
func (s *Server) verifyIdentity(ctx context.Context, workspaceID, channelID, convID, token string) (*workflows.Identity, error) {
	st, err := s.channelSettings(ctx, workspaceID, channelID)
	if err != nil {
		return nil, err
	}
	if st.IdentitySecret == "" {
		return nil, identityRefused("this channel does not verify identities")
	}
	now := time.Now()
	claims, err := parseIdentityToken(token, st.IdentitySecret, now)
	if err != nil {
		return nil, err
	}
	if err := s.bindIdentityToken(ctx, workspaceID, convID, claims, now); err != nil {
		return nil, err
	}
	return &workflows.Identity{Email: claims.Email, Method: workflows.IdentityToken}, nil
}

// identityClaims are an identity token's claims.
type identityClaims struct {
	// Email is the customer's address (lower-cased once the token is
	// accepted).
	Email string `json:"email"`
	jwt.RegisteredClaims
}

// identityRefused is a refused identity token: 401, naming the field.
func identityRefused(format string, args ...any) error {
	return apperr.Errorf(apperr.EUNAUTHORIZED, "identity_token: "+format, args...)
}

// parseIdentityToken verifies token (HS256 with secret, at now) and checks
// its claims: exp required and at most maxIdentityTokenLifetime ahead, nbf
// and iat honoured, jti and a valid email required.
func parseIdentityToken(token, secret string, now time.Time) (identityClaims, error) {
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{identityAlgorithm}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(identityLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	var claims identityClaims
	parsed, err := parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil })
	if err != nil {
		return claims, identityTokenError(parsed, claims, err)
	}
	switch {
	case claims.ID == "":
		return claims, identityRefused("jti claim missing; give each token a unique jti")
	case len(claims.ID) > maxJTILength:
		return claims, identityRefused("jti claim longer than %d characters", maxJTILength)
	case claims.Email == "":
		return claims, identityRefused("email claim missing")
	case claims.ExpiresAt.After(now.Add(maxIdentityTokenLifetime + identityLeeway)):
		return claims, identityRefused("exp is more than %s ahead; sign tokens that expire sooner", maxIdentityTokenLifetime)
	}
	addr, err := mail.ParseAddress(claims.Email)
	if err != nil || addr.Address != claims.Email {
		return claims, identityRefused("email claim is not an email address")
	}
	claims.Email = strings.ToLower(claims.Email)
	return claims, nil
}

// identityTokenError says why the JWT library refused a token.
func identityTokenError(parsed *jwt.Token, claims identityClaims, err error) error {
	if parsed != nil && parsed.Header != nil {
		// A token signed otherwise is refused before its signature is
		// checked; say so rather than "signature does not match".
		if alg, _ := parsed.Header["alg"].(string); alg != identityAlgorithm {
			if alg == "" {
				return identityRefused("the header names no alg; sign with %s", identityAlgorithm)
			}
			return identityRefused("signed with %s; only %s is accepted", alg, identityAlgorithm)
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return identityRefused("not a well-formed JWT (three base64url parts, JSON header and claims)")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return identityRefused("signature does not match this channel's identity secret")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return identityRefused("exp claim missing; a token must expire")
	case errors.Is(err, jwt.ErrTokenExpired):
		return identityRefused("expired at %s", claims.ExpiresAt.UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return identityRefused("not valid before %s (nbf)", claims.NotBefore.UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return identityRefused("issued in the future (iat %s)", claims.IssuedAt.UTC().Format(time.RFC3339))
	}
	return identityRefused("not valid")
}

// bindIdentityToken binds the token's jti to conversation convID, unless it
// is bound to another conversation already. A binding outlives its token by
// identityLeeway; after that the jti is free again. About one call in
// identitySweepEvery also deletes the bindings of expired tokens.
func (s *Server) bindIdentityToken(ctx context.Context, workspaceID, convID string, claims identityClaims, now time.Time) error {
	return s.bindIdentity(ctx, workspaceID, convID, claims, now, mathrand.IntN(identitySweepEvery) == 0)
}

// bindIdentity is bindIdentityToken, which sweeps expired bindings when
// sweep is set: after its own binding, which the sweep then cannot take
// from under it.
func (s *Server) bindIdentity(ctx context.Context, workspaceID, convID string, claims identityClaims, now time.Time, sweep bool) error {
	db := s.DB.WithContext(ctx)
	use := models.IdentityTokenUse{
		WorkspaceID: workspaceID, JTI: claims.ID, ConversationID: convID,
		ExpiresAt: claims.ExpiresAt.Add(identityLeeway).Unix(), CreatedAt: now.UTC(),
	}
	err := bindIdentityUse(db, use, now)
	if sweep {
		if err := db.Where("expires_at < ?", now.Unix()).Delete(&models.IdentityTokenUse{}).Error; err != nil {
			s.Log.Warn("sweep identity token bindings", "err", err)
		}
	}
	return err
}

// bindIdentityUse writes use unless a live binding holds its jti for another
// conversation. An expired binding it reads may be swept or taken by another
// call before this one replaces it: it then looks again.
func bindIdentityUse(db *gorm.DB, use models.IdentityTokenUse, now time.Time) error {
	for range 3 {
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&use).Error; err != nil {
			return fmt.Errorf("bind identity token: %w", err)
		}
		var bound models.IdentityTokenUse
		err := db.Where("workspace_id = ? AND jti = ?", use.WorkspaceID, use.JTI).Take(&bound).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // swept since the insert
		}
		if err != nil {
			return fmt.Errorf("read identity token binding: %w", err)
		}
		if bound.ConversationID == use.ConversationID {
			return nil
		}
		if bound.ExpiresAt >= now.Unix() {
			break
		}
		// An earlier token with this jti, expired: this one takes its
		// place (once, should two ask at the same time).
		res := db.Model(&models.IdentityTokenUse{}).
			Where("workspace_id = ? AND jti = ? AND expires_at = ?", use.WorkspaceID, use.JTI, bound.ExpiresAt).
			Updates(map[string]any{"conversation_id": use.ConversationID, "expires_at": use.ExpiresAt, "created_at": use.CreatedAt})
		if res.Error != nil {
			return fmt.Errorf("rebind identity token: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return nil
		}
	}
	return identityRefused("already used for another conversation")
}
