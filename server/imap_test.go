package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// TestEmailIMAPSettings: an email channel's mailbox settings. A wrong field
// is a 400 naming it and writes nothing; the password is sealed, never
// shown, kept when saved again without it while host and username stay,
// and needed again when either changes; paused, the status says so.
func TestEmailIMAPSettings(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	w := app.Demo.Webhooks[0]
	require.Equal(t, models.ChannelEmail, w.Type)
	provider := app.URL + "/v1/channels/" + w.ChannelID + "/provider"
	settings := `{"email":{"from":"Sprocket Support <support@sprocketsupply.example>",
		"imap":{"host":"imap.sprocketsupply.example","username":"support@sprocketsupply.example","password":"imap-hunter2"}}}`

	app.Server.Secrets = nil
	r := do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 503, r.Status, r.Raw)
	_, msg := errorOf(r)
	require.True(t, strings.HasPrefix(msg, "email.imap.password: cannot be stored"), msg)
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))
	app.Server.Secrets, _ = sealed.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{3}, sealed.KeySize)})

	imap := func(fields string) string {
		return `{"email":{"from":"Sprocket Support <support@sprocketsupply.example>","imap":{` + fields + `}}}`
	}
	for _, tc := range []struct{ body, message string }{
		{imap(`"username":"u","password":"p"`), "email.imap.host: must not be empty"},
		{imap(`"host":"imap.example.com:993","username":"u","password":"p"`), `email.imap.host: "imap.example.com:993" is not a host name`},
		{imap(`"host":"imap.example.com","tls":"ssl","username":"u","password":"p"`), `email.imap.tls: "ssl" is not one of tls, starttls, none`},
		{imap(`"host":"imap.example.com","tls":"none","username":"u","password":"p"`), "email.imap.tls: none is only for a server on the loopback interface"},
		{imap(`"host":"imap.example.com","port":70000,"username":"u","password":"p"`), "email.imap.port: must be between 1 and 65535, got 70000"},
		{imap(`"host":"imap.example.com","password":"p"`), "email.imap.username: must not be empty"},
		{imap(`"host":"imap.example.com","username":"u"`), "email.imap.password: must not be empty"},
		{imap(`"host":"imap.example.com","username":"u","password":"p","mailbox":"a\u0007b"`), "email.imap.mailbox:"},
		{imap(`"host":"imap.example.com","username":"u","password":"p","poll_interval":"soon"`), `email.imap.poll_interval: "soon" is not a duration`},
		{imap(`"host":"imap.example.com","username":"u","password":"p","poll_interval":"1s"`), "email.imap.poll_interval: must be between 10s and 24h0m0s, got 1s"},
		{imap(`"host":"imap.example.com","username":"u","password":"p","folder":"x"`), "folder: unknown field"},
		// A good mailbox with a bad sender: nothing is written either.
		{`{"email":{"from":"support","imap":{"host":"imap.example.com","username":"u","password":"p"}}}`, "email.from:"},
	} {
		r := do(t, "PUT", provider, app.Keys.Admin, []byte(tc.body))
		require.Equal(t, 400, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.True(t, strings.HasPrefix(msg, tc.message), "%s: %s", tc.body, msg)
	}
	require.Zero(t, count(t, app, &models.ChannelProvider{}, "1 = 1"))

	r = do(t, "PUT", provider, app.Keys.Admin, []byte(settings))
	require.Equal(t, 200, r.Status, r.Raw)
	require.NotContains(t, r.Raw, "imap-hunter2")
	var stored models.ChannelProvider
	require.NoError(t, app.DB.Where("channel_id = ?", w.ChannelID).Take(&stored).Error)
	require.NotContains(t, stored.IMAPPassword, "imap-hunter2", "sealed at rest")
	password, err := app.Server.Secrets.Open(stored.IMAPPassword, models.IMAPPasswordPurpose(w.ChannelID))
	require.NoError(t, err)
	require.Equal(t, "imap-hunter2", password)

	r = do(t, "GET", provider, app.Keys.Auditor, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	require.NotContains(t, r.Raw, "imap-hunter2")
	got := r.Body["email"].(map[string]any)["imap"].(map[string]any)
	status := got["status"].(map[string]any)
	delete(got, "status")
	require.Equal(t, map[string]any{
		"host": "imap.sprocketsupply.example", "port": 993.0, "tls": "tls", "username": "support@sprocketsupply.example",
		"password_set": true, "mailbox": "INBOX", "poll_interval": "1m0s", "enabled": true,
	}, got)
	require.Contains(t, []any{"waiting", "failing"}, status["state"], "this app's worker takes no email in")

	// Saved again without the password, the stored one stays; paused, the
	// settings stay.
	r = do(t, "PUT", provider, app.Keys.Admin, []byte(imap(`"host":"imap.sprocketsupply.example","username":"support@sprocketsupply.example","tls":"starttls","enabled":false`)))
	require.Equal(t, 200, r.Status, r.Raw)
	got = r.Body["email"].(map[string]any)["imap"].(map[string]any)
	require.Equal(t, true, got["password_set"])
	require.Equal(t, 143.0, got["port"])
	require.Equal(t, "paused", got["status"].(map[string]any)["state"])
	// Another user needs its own password.
	r = do(t, "PUT", provider, app.Keys.Admin, []byte(imap(`"host":"imap.sprocketsupply.example","username":"sales@sprocketsupply.example"`)))
	require.Equal(t, 400, r.Status, r.Raw)
	_, msg = errorOf(r)
	require.True(t, strings.HasPrefix(msg, "email.imap.password: must not be empty"), msg)
	// Loopback may go without TLS.
	r = do(t, "PUT", provider, app.Keys.Admin, []byte(imap(`"host":"127.0.0.1","tls":"none","username":"u","password":"p","mailbox":"Support","poll_interval":"30s"`)))
	require.Equal(t, 200, r.Status, r.Raw)
	got = r.Body["email"].(map[string]any)["imap"].(map[string]any)
	require.Equal(t, "Support", got["mailbox"])
	require.Equal(t, "30s", got["poll_interval"])
	require.Equal(t, 403, do(t, "PUT", provider, app.Keys.Auditor, []byte(settings)).Status)
}
