package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestWorkspaceAndKeys runs the workspace and key routes on PostgreSQL and
// on SQLite: every refusal names its field and writes nothing, a new key
// works at once, listings never show a secret, and a revoked key is refused
// at once, its open event stream included.
func TestWorkspaceAndKeys(t *testing.T) {
	t.Parallel()
	for _, database := range []struct {
		name string
		url  func(testing.TB) string
	}{{"postgres", testenv.PostgresURL}, {"sqlite", testenv.SQLiteURL}} {
		t.Run(database.name, func(t *testing.T) {
			t.Parallel()
			testenv.TemporalAddress(t) // skip before creating a database outside the stack
			app := testenv.NewApp(t, testenv.AppOptions{DatabaseURL: database.url(t)})
			workspaceRoutes(t, app)
			keyRoutes(t, app)
		})
	}
}

func workspaceRoutes(t *testing.T, app *testenv.App) {
	url := app.URL + "/v1/workspace"
	before := do(t, "GET", url, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, before.Status, before.Raw)
	require.Equal(t, app.Demo.WorkspaceID, before.Body["id"])
	require.Equal(t, "UTC", before.Body["time_zone"])
	require.Equal(t, "en", before.Body["default_language"])

	for _, c := range []struct {
		body, field string
	}{
		{`{"name":"","time_zone":"UTC","default_language":"en"}`, "name:"},
		{`{"name":"Acme","time_zone":"Mars/Olympus","default_language":"en"}`, "time_zone:"},
		{`{"name":"Acme","time_zone":"Local","default_language":"en"}`, "time_zone:"},
		{`{"name":"Acme","time_zone":"","default_language":"en"}`, "time_zone:"},
		{`{"name":"Acme","time_zone":"UTC","default_language":"english please"}`, "default_language:"},
		{`{"name":"Acme","time_zone":"UTC","default_language":"qq-ZZ"}`, "default_language:"},
		{`{"name":"Acme","time_zone":"UTC","default_language":""}`, "default_language:"},
		{`{"name":"Acme","time_zone":"UTC","default_language":"en","plan":"gold"}`, "plan:"},
		{`{"name":"` + strings.Repeat("x", 101) + `","time_zone":"UTC","default_language":"en"}`, "name:"},
	} {
		r := do(t, "PUT", url, app.Keys.Admin, []byte(c.body))
		code, msg := errorOf(r)
		require.Equal(t, http.StatusBadRequest, r.Status, c.body)
		require.Equal(t, "invalid", code, c.body)
		require.True(t, strings.HasPrefix(msg, c.field), "%s: %q should name %s", c.body, msg, c.field)
	}
	require.Equal(t, before.Raw, do(t, "GET", url, app.Keys.Admin, nil).Raw, "a refused PUT changes nothing")

	r := do(t, "PUT", url, app.Keys.Auditor, []byte(`{"name":"Acme","time_zone":"UTC","default_language":"en"}`))
	require.Equal(t, http.StatusForbidden, r.Status)

	r = do(t, "PUT", url, app.Keys.Admin, []byte(`{"name":" Acme Outdoor ","time_zone":"Europe/Berlin","default_language":"pt-br"}`))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Equal(t, "Acme Outdoor", r.Body["name"])
	require.Equal(t, "Europe/Berlin", r.Body["time_zone"])
	require.Equal(t, "pt-BR", r.Body["default_language"])
	require.Equal(t, r.Raw, do(t, "GET", url, app.Keys.Admin, nil).Raw)
}

func keyRoutes(t *testing.T, app *testenv.App) {
	url := app.URL + "/v1/keys"
	for _, c := range []struct {
		body, field string
	}{
		{`{"role":"owner","name":"Bo"}`, "role:"},
		{`{"role":"widget","name":"Bo"}`, "role:"},
		{`{"name":"Bo"}`, "role:"},
		{`{"role":"rep"}`, "name:"},
		{`{"role":"rep","name":"Ada","team":"nope"}`, "team:"},
		{`{"role":"admin","name":"Bo","team":"support"}`, "team:"},
		{`{"role":"rep","name":"Ada\u0007"}`, "name:"},
		{`{"role":"rep","name":"Ada","secret":"x"}`, "secret:"},
	} {
		r := do(t, "POST", url, app.Keys.Admin, []byte(c.body))
		code, msg := errorOf(r)
		require.Equal(t, http.StatusBadRequest, r.Status, c.body)
		require.Equal(t, "invalid", code, c.body)
		require.True(t, strings.HasPrefix(msg, c.field), "%s: %q should name %s", c.body, msg, c.field)
	}
	list := do(t, "GET", url, app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.Len(t, list.Body["keys"], 3, "the demo's admin, rep and auditor keys; refused requests made none")
	require.Equal(t, http.StatusForbidden, do(t, "POST", url, app.Keys.Rep, []byte(`{"role":"admin"}`)).Status)
	require.Equal(t, http.StatusForbidden, do(t, "POST", url, app.Keys.Auditor, []byte(`{"role":"admin"}`)).Status)

	created := do(t, "POST", url, app.Keys.Admin, []byte(`{"role":"rep","name":"Ada","team":"support"}`))
	require.Equal(t, http.StatusCreated, created.Status, created.Raw)
	secret, _ := created.Body["key"].(string)
	id, _ := created.Body["id"].(string)
	require.True(t, strings.HasPrefix(secret, "sb_rep_"), created.Raw)
	require.Equal(t, "Ada", created.Body["name"])
	require.Equal(t, "support", created.Body["team"])
	require.Equal(t, http.StatusOK, do(t, "GET", app.URL+"/v1/rep/queue", secret, nil).Status, "a new key works at once")

	list = do(t, "GET", url, app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.Len(t, list.Body["keys"], 4)
	require.NotContains(t, list.Raw, secret)
	require.NotContains(t, list.Raw, `"key"`)
	require.NotContains(t, list.Raw, "hash")
	require.Contains(t, list.Raw, `"name":"Ada"`)

	// An open event stream of the key ends when the key is revoked.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", app.URL+"/v1/rep/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, ": connected\n", line)
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		ended <- err
	}()

	require.Equal(t, http.StatusNotFound, do(t, "DELETE", url+"/no-such-key", app.Keys.Admin, nil).Status)
	require.Equal(t, http.StatusForbidden, do(t, "DELETE", url+"/"+id, app.Keys.Rep, nil).Status)
	revoked := do(t, "DELETE", url+"/"+id, app.Keys.Admin, nil)
	require.Equal(t, http.StatusOK, revoked.Status, revoked.Raw)
	require.NotNil(t, revoked.Body["revoked_at"])
	select {
	case err := <-ended:
		require.NoError(t, err, "the stream ends cleanly")
	case <-time.After(5 * time.Second):
		t.Fatal("the revoked key's event stream is still open")
	}
	r := do(t, "GET", app.URL+"/v1/rep/queue", secret, nil)
	code, _ := errorOf(r)
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "unauthorized", code)
	require.Equal(t, http.StatusOK, do(t, "DELETE", url+"/"+id, app.Keys.Admin, nil).Status, "revoking twice changes nothing")

	// The last admin key stays: the workspace is never locked out.
	var adminID string
	for _, k := range do(t, "GET", url, app.Keys.Admin, nil).Body["keys"].([]any) {
		if k := k.(map[string]any); k["role"] == "admin" {
			adminID = fmt.Sprint(k["id"])
		}
	}
	r = do(t, "DELETE", url+"/"+adminID, app.Keys.Admin, nil)
	code, _ = errorOf(r)
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	require.Equal(t, "conflict", code)
	require.Equal(t, http.StatusOK, do(t, "GET", url, app.Keys.Admin, nil).Status)
}
