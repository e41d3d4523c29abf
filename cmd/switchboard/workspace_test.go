package main_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workspaces"
)

// cli runs the switchboard binary on a database and returns its stdout,
// stderr and exit code.
func cli(t *testing.T, bin, databaseURL string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "SWITCHBOARD_LOG_LEVEL=warn")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errOut.String(), 0
}

// TestWorkspaceAndKeysCommands takes an empty PostgreSQL database to a
// workspace with an admin and a named rep, lists and revokes keys, and
// bootstraps idempotently, all with the real binary.
func TestWorkspaceAndKeysCommands(t *testing.T) {
	t.Parallel()
	databaseURL := testenv.PostgresURL(t)
	bin := buildBinary(t)

	out, errOut, code := cli(t, bin, databaseURL, "workspace", "create", "--name", "Acme Outdoor", "--time-zone", "America/Denver")
	require.Equal(t, 0, code, errOut)
	var created workspaces.Created
	require.NoError(t, json.Unmarshal([]byte(out), &created), out)
	ws := created.Workspace.ID
	require.NotEmpty(t, ws)
	require.Equal(t, "Acme Outdoor", created.Workspace.Name)
	require.Equal(t, "America/Denver", created.Workspace.TimeZone)
	require.Equal(t, "en", created.Workspace.DefaultLanguage)
	require.Equal(t, models.RoleAdmin, created.AdminKey.Role)
	require.True(t, strings.HasPrefix(created.AdminKey.Secret, "sb_admin_"), out)

	// The key is stored as the API checks it: by its hash, never in clear.
	db := testenv.Open(t, databaseURL)
	var row models.APIKey
	require.NoError(t, db.Where("hash = ?", workspaces.HashKey(created.AdminKey.Secret)).Take(&row).Error)
	require.Equal(t, ws, row.WorkspaceID)

	// Refusals name the field and exit 1; a bad flag exits 2.
	for _, c := range []struct {
		args  []string
		field string
	}{
		{[]string{"workspace", "create", "--name", ""}, "name:"},
		{[]string{"workspace", "create", "--name", "X", "--time-zone", "Mars/Olympus"}, "time_zone:"},
		{[]string{"workspace", "create", "--name", "X", "--language", "english please"}, "default_language:"},
		{[]string{"keys", "create", "--workspace", ws, "--role", "owner"}, "role:"},
		{[]string{"keys", "create", "--workspace", ws, "--role", "rep"}, "name:"},
		{[]string{"keys", "create", "--workspace", ws, "--role", "rep", "--name", "Ada", "--team", "billing"}, "team:"},
	} {
		_, errOut, code := cli(t, bin, databaseURL, c.args...)
		require.Equal(t, 1, code, "%v: %s", c.args, errOut)
		require.Contains(t, errOut, "invalid: "+c.field, c.args)
	}
	_, _, code = cli(t, bin, databaseURL, "keys", "create", "--workspace", ws, "--bogus")
	require.Equal(t, 2, code)
	_, errOut, code = cli(t, bin, databaseURL, "keys", "list", "--workspace", "no-such-workspace")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "not_found")

	// A new workspace has the team hand-offs go to by default, so a rep
	// key may serve it at once.
	var teams []models.Team
	require.NoError(t, db.Where("workspace_id = ?", ws).Find(&teams).Error)
	require.Len(t, teams, 1)
	require.Equal(t, decide.DefaultTeam, teams[0].Key)
	_, errOut, code = cli(t, bin, databaseURL, "keys", "create", "--workspace", ws, "--role", "rep", "--name", "Grace", "--team", decide.DefaultTeam)
	require.Equal(t, 0, code, errOut)

	out, errOut, code = cli(t, bin, databaseURL, "keys", "create", "--workspace", ws, "--role", "rep", "--name", "Ada")
	require.Equal(t, 0, code, errOut)
	var rep workspaces.CreatedKey
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Equal(t, "Ada", rep.Name)
	require.True(t, strings.HasPrefix(rep.Secret, "sb_rep_"), out)

	out, errOut, code = cli(t, bin, databaseURL, "keys", "list", "--workspace", ws)
	require.Equal(t, 0, code, errOut)
	require.NotContains(t, out, created.AdminKey.Secret)
	require.NotContains(t, out, rep.Secret)
	var list struct{ Keys []workspaces.Key }
	require.NoError(t, json.Unmarshal([]byte(out), &list), out)
	require.Len(t, list.Keys, 3)

	out, errOut, code = cli(t, bin, databaseURL, "keys", "revoke", "--workspace", ws, "--key", rep.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"revoked_at": "`)
	var revoked models.APIKey
	require.NoError(t, db.Where("id = ?", rep.ID).Take(&revoked).Error)
	require.NotNil(t, revoked.RevokedAt)
	_, errOut, code = cli(t, bin, databaseURL, "keys", "revoke", "--workspace", ws, "--key", created.AdminKey.ID)
	require.Equal(t, 1, code, "the last admin key stays")
	require.Contains(t, errOut, "last admin key")

	// Bootstrap does nothing on a database with a workspace...
	keyFile := filepath.Join(t.TempDir(), "admin-key.json")
	out, errOut, code = cli(t, bin, databaseURL, "workspace", "bootstrap", "--name", "Second", "--out", keyFile)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"created": false`)
	require.NoFileExists(t, keyFile)
}

// TestWorkspaceBootstrap creates the first workspace of an empty database
// once, writing its admin key to a file only its owner reads; a second run
// changes nothing.
func TestWorkspaceBootstrap(t *testing.T) {
	t.Parallel()
	databaseURL := testenv.PostgresURL(t)
	bin := buildBinary(t)
	keyFile := filepath.Join(t.TempDir(), "admin-key.json")

	out, errOut, code := cli(t, bin, databaseURL, "workspace", "bootstrap", "--name", "Acme Outdoor", "--out", keyFile)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"created": true`)
	raw, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	require.NotContains(t, out, "sb_admin_", "the key goes to the file, not to the logs")
	info, err := os.Stat(keyFile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	var created workspaces.Created
	require.NoError(t, json.Unmarshal(raw, &created))
	require.Equal(t, "Acme Outdoor", created.Workspace.Name)
	require.True(t, strings.HasPrefix(created.AdminKey.Secret, "sb_admin_"))

	out, errOut, code = cli(t, bin, databaseURL, "workspace", "bootstrap", "--name", "Acme Outdoor", "--out", keyFile)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"created": false`)
	again, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	require.Equal(t, raw, again, "the key file is left as it was")
	db := testenv.Open(t, databaseURL)
	var n int64
	require.NoError(t, db.Model(&models.Workspace{}).Count(&n).Error)
	require.Equal(t, int64(1), n)
	require.NoError(t, db.Model(&models.APIKey{}).Count(&n).Error)
	require.Equal(t, int64(1), n)

	// The key it wrote lists as the workspace's.
	out, errOut, code = cli(t, bin, databaseURL, "keys", "list", "--workspace", created.Workspace.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, created.AdminKey.ID)
}

// TestCreditsCommands: a new workspace starts with the credits asked for,
// the operator grants more, and a bad amount or workspace is refused.
func TestCreditsCommands(t *testing.T) {
	t.Parallel()
	databaseURL := testenv.PostgresURL(t)
	bin := buildBinary(t)
	out, errOut, code := cli(t, bin, databaseURL, "workspace", "create", "--name", "Small Shop", "--credits", "25")
	require.Equal(t, 0, code, errOut)
	var created workspaces.Created
	require.NoError(t, json.Unmarshal([]byte(out), &created), out)
	ws := created.Workspace.ID

	balance := func(args ...string) workspaces.Balance {
		t.Helper()
		out, errOut, code := cli(t, bin, databaseURL, append([]string{"credits"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var b workspaces.Balance
		require.NoError(t, json.Unmarshal([]byte(out), &b), out)
		return b
	}
	require.Equal(t, int64(25), balance("balance", "--workspace", ws).Credits)
	require.Equal(t, int64(525), balance("grant", "--workspace", ws, "--amount", "500").Credits)

	_, errOut, code = cli(t, bin, databaseURL, "credits", "grant", "--workspace", ws, "--amount", "0")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "invalid: amount:")
	_, errOut, code = cli(t, bin, databaseURL, "credits", "grant", "--workspace", "no-such-workspace", "--amount", "5")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "not_found")
	_, _, code = cli(t, bin, databaseURL, "credits", "spend")
	require.Equal(t, 2, code)
	require.Equal(t, int64(525), balance("balance", "--workspace", ws).Credits, "nothing refused is written")
}
