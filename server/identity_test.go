package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/internal/browsertest"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// identityToken signs the claims of a customer's identity token as a site
// does.
func identityToken(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	require.NoError(t, err)
	return s
}

// identityClaims are valid claims for ada@example.com with a new jti.
func identityClaims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"email": "Ada@Example.com", "jti": uuid.NewString(), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

// signedInToken turns identity verification on for the demo's chat and
// signs a token for ada@example.com with its secret, as the company's site
// does for a customer signed in there.
func signedInToken(t *testing.T, app *testenv.App) string {
	t.Helper()
	created := do(t, "POST", app.URL+"/v1/channels/"+app.Demo.ChannelID+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, created.Status, created.Raw)
	return identityToken(t, jwt.SigningMethodHS256, []byte(created.Body["secret"].(string)), identityClaims())
}

// verifiedIdentity is the identity a conversation's workflow holds, as its
// state query returns it (nil for none).
func verifiedIdentity(t *testing.T, app *testenv.App, convID string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := app.Temporal.QueryWorkflow(ctx, workflows.ConversationWorkflowID(app.Demo.WorkspaceID, convID), "", workflows.QueryState)
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, v.Get(&state))
	id, _ := state["Verified"].(map[string]any)
	return id
}

func TestIdentitySecretIsShownOnceAndReadsSayOnlyWhetherItIsOn(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	chat := app.URL + "/v1/channels/" + app.Demo.ChannelID
	got := do(t, "GET", chat, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, got.Status, got.Raw)
	require.Equal(t, false, got.Body["identity_verification"])

	// Only admins create it.
	for _, key := range []string{app.Keys.Auditor, app.Keys.Rep, app.Keys.Widget} {
		require.Equal(t, 403, do(t, "POST", chat+"/identity-secret", key, nil).Status)
		require.Equal(t, 403, do(t, "DELETE", chat+"/identity-secret", key, nil).Status)
	}
	created := do(t, "POST", chat+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, created.Status, created.Raw)
	secret := created.Body["secret"].(string)
	require.Regexp(t, `^idsec_[0-9a-f]{64}$`, secret)
	require.Equal(t, "HS256", created.Body["algorithm"])
	require.Equal(t, true, created.Body["identity_verification"])
	require.Contains(t, created.Body["how_to"], "jti")

	// Reads say it is on, never what it is.
	got = do(t, "GET", chat, app.Keys.Auditor, nil)
	require.Equal(t, true, got.Body["identity_verification"])
	require.NotEmpty(t, got.Body["identity_secret_rotated_at"])
	list := do(t, "GET", app.URL+"/v1/channels", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	for _, raw := range []string{got.Raw, list.Raw} {
		require.NotContains(t, raw, secret)
		require.NotContains(t, raw, "idsec_")
	}

	// Rotating replaces it; editing the channel keeps it.
	rotated := do(t, "POST", chat+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, rotated.Status, rotated.Raw)
	newSecret := rotated.Body["secret"].(string)
	require.NotEqual(t, secret, newSecret)
	put := do(t, "PUT", chat, app.Keys.Admin, jsonBody(t, map[string]any{"name": "Website chat", "team": "support"}))
	require.Equal(t, http.StatusOK, put.Status, put.Raw)
	require.Equal(t, true, put.Body["identity_verification"])
	require.NotContains(t, put.Raw, newSecret)
	var st models.ChannelSettings
	require.NoError(t, app.DB.Where("channel_id = ?", app.Demo.ChannelID).Take(&st).Error)
	require.Equal(t, newSecret, st.IdentitySecret)

	// Only a chat channel has one; an unknown channel is not found.
	r := do(t, "POST", app.URL+"/v1/channels/"+app.Demo.Webhooks[0].ChannelID+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	r = do(t, "POST", app.URL+"/v1/channels/"+uuid.NewString()+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusNotFound, r.Status, r.Raw)

	// Deleting turns verification off, and again changes nothing.
	for range 2 {
		r = do(t, "DELETE", chat+"/identity-secret", app.Keys.Admin, nil)
		require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	}
	got = do(t, "GET", chat, app.Keys.Auditor, nil)
	require.Equal(t, false, got.Body["identity_verification"])
	require.Nil(t, got.Body["identity_secret_rotated_at"])
	require.NoError(t, app.DB.Where("channel_id = ?", app.Demo.ChannelID).Take(&st).Error)
	require.Empty(t, st.IdentitySecret)
}

// TestIdentityTokenVerifiesTheCustomerAndForgedExpiredOrReplayedOnesAreRefused
// runs on PostgreSQL and on SQLite (the binding of a token to its first
// conversation is an insert that may conflict).
func TestIdentityTokenVerifiesTheCustomerAndForgedExpiredOrReplayedOnesAreRefused(t *testing.T) {
	t.Parallel()
	for _, database := range []struct {
		name string
		url  func(testing.TB) string
	}{{"postgres", testenv.PostgresURL}, {"sqlite", testenv.SQLiteURL}} {
		t.Run(database.name, func(t *testing.T) {
			t.Parallel()
			testenv.TemporalAddress(t) // skip before creating a database outside the stack
			identityTokenScript(t, testenv.NewApp(t, testenv.AppOptions{DatabaseURL: database.url(t)}))
		})
	}
}

func identityTokenScript(t *testing.T, app *testenv.App) {
	message := func(t *testing.T, convID, msgID string, token string) response {
		return do(t, "POST", app.URL+"/v1/conversations/"+convID+"/messages", app.Keys.Widget, jsonBody(t, map[string]any{
			"id": msgID, "text": "How long does shipping take?", "identity_token": token,
		}))
	}
	refused := func(t *testing.T, r response, reason string) {
		t.Helper()
		require.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
		code, msg := errorOf(r)
		require.Equal(t, "unauthorized", code)
		require.Contains(t, msg, "identity_token: "+reason)
	}

	// Before the channel has a secret, no token verifies anyone; nor in the
	// sandbox.
	refused(t, message(t, "before", "m1", identityToken(t, jwt.SigningMethodHS256, []byte("idsec_guess"), identityClaims())),
		"this channel does not verify identities")
	refused(t, do(t, "POST", app.URL+"/v1/test/conversations/sandbox-1/messages", app.Keys.Admin, jsonBody(t, map[string]any{
		"id": "m1", "text": "hi", "identity_token": identityToken(t, jwt.SigningMethodHS256, []byte("idsec_guess"), identityClaims()),
	})), "this channel does not verify identities")

	created := do(t, "POST", app.URL+"/v1/channels/"+app.Demo.ChannelID+"/identity-secret", app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, created.Status, created.Raw)
	secret := []byte(created.Body["secret"].(string))

	// A valid token verifies the customer; every message of the session
	// carries it.
	token := identityToken(t, jwt.SigningMethodHS256, secret, identityClaims())
	r := message(t, "verified-1", "m1", token)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "business days")
	r = message(t, "verified-1", "m2", token)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, map[string]any{"Email": "ada@example.com", "Method": workflows.IdentityToken},
		verifiedIdentity(t, app, "verified-1"), "the workflow got the verified, lower-cased email")

	// The same token in another conversation is a replay.
	refused(t, message(t, "verified-2", "m1", token), "already used for another conversation")

	// A valid token naming someone else is refused in a conversation bound
	// to Ada (the workflow binds it).
	bob := identityClaims()
	bob["email"] = "bob@example.com"
	r = message(t, "verified-1", "m3", identityToken(t, jwt.SigningMethodHS256, secret, bob))
	require.Equal(t, http.StatusForbidden, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.Equal(t, "identity_token: this conversation belongs to another verified customer", msg)

	// An email the customer gives verifies nothing.
	r = do(t, "POST", app.URL+"/v1/conversations/claimed-1/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Nil(t, verifiedIdentity(t, app, "claimed-1"))

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	without := func(claim string) jwt.MapClaims {
		c := identityClaims()
		delete(c, claim)
		return c
	}
	expired := identityClaims()
	expired["exp"] = time.Now().Add(-2 * time.Minute).Unix()
	cases := []struct {
		name, token, reason string
	}{
		{"forged", identityToken(t, jwt.SigningMethodHS256, []byte("idsec_guess"), identityClaims()), "signature does not match this channel's identity secret"},
		{"alg none", identityToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, identityClaims()), "signed with none; only HS256 is accepted"},
		{"HS512", identityToken(t, jwt.SigningMethodHS512, secret, identityClaims()), "signed with HS512; only HS256 is accepted"},
		{"RS256", identityToken(t, jwt.SigningMethodRS256, rsaKey, identityClaims()), "signed with RS256; only HS256 is accepted"},
		{"expired", identityToken(t, jwt.SigningMethodHS256, secret, expired), "expired at"},
		{"no exp", identityToken(t, jwt.SigningMethodHS256, secret, without("exp")), "exp claim missing"},
		{"no jti", identityToken(t, jwt.SigningMethodHS256, secret, without("jti")), "jti claim missing"},
		{"no email", identityToken(t, jwt.SigningMethodHS256, secret, without("email")), "email claim missing"},
		{"not a JWT", "not-a-token", "not a well-formed JWT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, message(t, "refused-"+uuid.NewString(), "m1", tc.token), tc.reason)
		})
	}
	// No refused message started a conversation.
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Where("external_id NOT IN ?", []string{"verified-1", "claimed-1"}).Count(&n).Error)
	require.Zero(t, n)
}

// A token is bound to the first conversation it is used in, in each
// workspace, until it expires; then its jti is free again. In the sweeping
// runs every call also deletes expired bindings, as one call in a hundred
// does: the sweep deletes those of other tokens, never the expired one a
// call is replacing.
func TestIdentityTokenBindsToItsFirstConversation(t *testing.T) {
	t.Parallel()
	for _, sweep := range []bool{false, true} {
		t.Run(fmt.Sprintf("sweeping=%v", sweep), func(t *testing.T) {
			t.Parallel()
			testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
				s := &server.Server{DB: db, Log: slog.New(slog.DiscardHandler)}
				ctx := context.Background()
				now := time.Now()
				bind := func(workspaceID, convID, jti string, expires, at time.Time) error {
					return server.BindIdentityToken(s, ctx, workspaceID, convID, jti, expires, at, sweep)
				}
				replayed := func(err error) {
					t.Helper()
					require.Equal(t, apperr.EUNAUTHORIZED, apperr.Code(err), "%v", err)
					require.Equal(t, "identity_token: already used for another conversation", apperr.Message(err))
				}

				require.NoError(t, bind("ws-1", "conv-a", "jti-1", now.Add(time.Hour), now))
				require.NoError(t, bind("ws-1", "conv-a", "jti-1", now.Add(time.Hour), now), "again in its conversation")
				replayed(bind("ws-1", "conv-b", "jti-1", now.Add(time.Hour), now))
				require.NoError(t, bind("ws-2", "conv-b", "jti-1", now.Add(time.Hour), now), "another workspace's jti is another token")

				// Once the first token has expired (leeway included), a new
				// token with its jti binds afresh.
				later := now.Add(time.Hour + time.Minute)
				require.NoError(t, bind("ws-1", "conv-c", "jti-1", later.Add(time.Hour), later))
				replayed(bind("ws-1", "conv-a", "jti-1", later.Add(time.Hour), later))
				var use models.IdentityTokenUse
				require.NoError(t, db.Where("workspace_id = ? AND jti = ?", "ws-1", "jti-1").Take(&use).Error)
				require.Equal(t, "conv-c", use.ConversationID)
				require.Equal(t, later.Add(time.Hour+30*time.Second).Unix(), use.ExpiresAt)

				// The other workspace's binding had expired by then too.
				var kept int64
				require.NoError(t, db.Model(&models.IdentityTokenUse{}).Where("workspace_id = ?", "ws-2").Count(&kept).Error)
				want := int64(1)
				if sweep {
					want = 0
				}
				require.Equal(t, want, kept, "swept only by the sweeping runs")
			})
		})
	}
}

// The chat page takes the site's token from its address and sends it with
// every message.
func TestBrowserWidgetSendsTheSitesIdentityToken(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	token := signedInToken(t, app)
	customer := newPage(t, browsertest.New(t), "widget", false)

	customer.do(
		chromedp.Navigate(app.URL+"/chat/"+app.Demo.ChannelID+"#key="+app.Keys.Widget+"&identity_token="+token),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Click(chromedp.CSS("#contact-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#message")),
	)
	say(customer, "How long does shipping take?")
	customer.waitText(".msg-agent .text", "business days", 30*time.Second)
	say(customer, "Do you ship to Canada?")
	customer.waitText(".msg-customer .text", "Canada", 5*time.Second)
	customer.waitText(".msg-agent .text", "Canada", 30*time.Second)
	id := eval[string](customer, `sessionStorage.getItem("sb.chat.`+app.Demo.ChannelID+`.conversation")`)
	require.Equal(t, map[string]any{"Email": "ada@example.com", "Method": workflows.IdentityToken}, verifiedIdentity(t, app, id))
}
