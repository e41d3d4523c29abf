package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/devstack"
	"github.com/switchboardhq/switchboard/models"
)

// DefaultPostgresURL is the local PostgreSQL server the tests use when
// DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ExitError carries the exit code of the command RunStack ran.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return "exit status " + strconv.Itoa(e.Code) }

// RunStack starts one Temporal dev server (headless, in memory) and one
// Weaviate on free ports, creates a fresh PostgreSQL database on the server
// DATABASE_URL names, runs args with their addresses in the environment, and
// tears everything down afterwards — whatever the command's outcome.
func RunStack(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("stack: no command given; for example `switchboard stack -- go test -count=1 ./...` runs every test")
	}
	temporalBin, err := devstack.TemporalCLI.Require(cfg.ToolsDir)
	if err != nil {
		return err
	}
	weaviateBin, err := devstack.WeaviateServer.Require(cfg.ToolsDir)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "switchboard-stack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	adminURL := cfg.DatabaseURL
	if adminURL == "" {
		adminURL = DefaultPostgresURL
	}
	prefix := "sbtest_" + randomHex(4)
	runURL, dropAll, err := createDatabase(adminURL, prefix)
	if err != nil {
		return err
	}
	defer dropAll()

	temporalPort, err := devstack.FreePortBlock(1)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "stack: Temporal dev server on 127.0.0.1:%d\n", temporalPort)
	tp, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		Bin: temporalBin, Port: temporalPort, Headless: true,
		SearchAttributes: searchAttributeFlags(), LogFile: filepath.Join(dir, "temporal.log"),
	})
	if err != nil {
		return dumpLog(out, filepath.Join(dir, "temporal.log"), err)
	}
	defer tp.Stop(10 * time.Second)

	weaviatePort, err := devstack.FreePortBlock(devstack.WeaviatePorts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "stack: Weaviate on 127.0.0.1:%d (ready in 10–20 s)\n", weaviatePort)
	wp, err := devstack.StartWeaviate(ctx, devstack.WeaviateOptions{
		Bin: weaviateBin, Port: weaviatePort, DataDir: filepath.Join(dir, "weaviate"),
		LogFile: filepath.Join(dir, "weaviate.log"),
	})
	if err != nil {
		return dumpLog(out, filepath.Join(dir, "weaviate.log"), err)
	}
	defer wp.Stop(10 * time.Second)

	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		devstack.EnvTestTemporalAddress+"=127.0.0.1:"+strconv.Itoa(temporalPort),
		devstack.EnvTestWeaviateURL+"=http://127.0.0.1:"+strconv.Itoa(weaviatePort),
		devstack.EnvTestWeaviateGRPC+"="+devstack.WeaviateGRPCAddress(weaviatePort),
		devstack.EnvTestDatabaseURL+"="+runURL,
		devstack.EnvTestDatabasePrefix+"="+prefix,
		"SWITCHBOARD_TOOLS_DIR="+cfg.ToolsDir,
	)
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return &ExitError{Code: exit.ExitCode()}
		}
		return fmt.Errorf("run %s: %w", args[0], err)
	}
	return nil
}

// createDatabase creates database prefix on the server of adminURL and
// returns its URL and a function dropping every database whose name starts
// with prefix (the tests create theirs with it).
func createDatabase(adminURL, prefix string) (string, func(), error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("DATABASE_URL: the tests need a postgres:// URL, got %q", adminURL)
	}
	admin, err := models.Open(adminURL)
	if err != nil {
		return "", nil, err
	}
	if err := admin.Exec("CREATE DATABASE " + prefix).Error; err != nil {
		return "", nil, fmt.Errorf("create test database (is PostgreSQL running at %s?): %w", u.Host, err)
	}
	run := *u
	run.Path = "/" + prefix
	dropAll := func() {
		var names []string
		admin.Raw("SELECT datname FROM pg_database WHERE datname LIKE ?", prefix+"%").Scan(&names)
		for _, n := range names {
			admin.Exec("DROP DATABASE IF EXISTS " + n + " WITH (FORCE)")
		}
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	}
	return run.String(), dropAll, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// dumpLog prints the tail of a child's log after it failed to start.
func dumpLog(out io.Writer, path string, cause error) error {
	if b, err := os.ReadFile(path); err == nil {
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		fmt.Fprintf(out, "--- %s (tail) ---\n%s\n---\n", path, b)
	}
	return cause
}
