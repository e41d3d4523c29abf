package main_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// TestMigrateCanLeaveSearchAttributesAlone runs the real `switchboard
// migrate` with --skip-search-attributes against a Temporal that does not
// answer: it migrates the database and Weaviate and never calls Temporal,
// as on Temporal Cloud, where the namespace's attributes are managed there.
func TestMigrateCanLeaveSearchAttributesAlone(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dbURL := testenv.PostgresURL(t)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"migrate"}, args...)...)
		cmd.Env = append(os.Environ(),
			"DATABASE_URL="+dbURL,
			"TEMPORAL_ADDRESS=127.0.0.1:1", // nothing listens there
			"WEAVIATE_URL="+testenv.WeaviateURL(t),
			"WEAVIATE_GRPC_ADDRESS="+testenv.Weaviate(t).GRPCAddress,
		)
		out, err := cmd.CombinedOutput()
		if err != nil {
			exit, ok := err.(*exec.ExitError)
			require.True(t, ok, "%v", err)
			return string(out), exit.ExitCode()
		}
		return string(out), 0
	}

	start := time.Now()
	out, code := run("--skip-search-attributes")
	require.Equal(t, 0, code, out)
	require.Less(t, time.Since(start), 20*time.Second, "it should not wait for Temporal")
	require.Contains(t, out, "search attributes not registered")
	db, err := models.Open(dbURL) // Open only: testenv.Open would migrate
	require.NoError(t, err)
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	require.True(t, db.Migrator().HasTable(&models.Workspace{}), "the database is migrated")

	out, code = run("--skip-search-attributes", "extra")
	require.Equal(t, 1, code)
	require.Contains(t, out, `unexpected argument "extra"`)
	out, code = run("--bogus")
	require.NotEqual(t, 0, code)
	require.True(t, strings.Contains(out, "bogus"), out)
}
