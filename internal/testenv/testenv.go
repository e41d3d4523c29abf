// Package testenv gives tests the real stack that `make test` starts
// (`switchboard stack`): the Temporal dev server, Weaviate and a PostgreSQL
// server, plus fresh databases per test. Outside `make test` a test that needs
// the stack is skipped, except in CI, where a missing service fails the run.
package testenv

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/devstack"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
)

const (
	envTemporal     = devstack.EnvTestTemporalAddress
	envWeaviate     = devstack.EnvTestWeaviateURL
	envWeaviateGRPC = devstack.EnvTestWeaviateGRPC
	envDatabase     = devstack.EnvTestDatabaseURL
	envPrefix       = devstack.EnvTestDatabasePrefix
)

func require(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: in CI every test runs against the real stack (run through `make test`)", name)
	}
	t.Skipf("%s is not set: run `make test` to start the real stack", name)
	return ""
}

// TemporalAddress is the test Temporal dev server's host:port.
func TemporalAddress(t testing.TB) string { return require(t, envTemporal) }

// WeaviateURL is the test Weaviate's base URL.
func WeaviateURL(t testing.TB) string { return require(t, envWeaviate) }

// Weaviate is how to reach the test Weaviate, for knowledge.NewStore.
func Weaviate(t testing.TB) knowledge.Config {
	return knowledge.Config{URL: WeaviateURL(t), GRPCAddress: require(t, envWeaviateGRPC)}
}

var (
	adminOnce sync.Once
	admin     *gorm.DB
	adminErr  error
	counter   atomic.Int64
)

// PostgresURL creates a fresh, empty PostgreSQL database for the test and
// returns its URL; it is dropped when the test ends (and by the stack at the
// end of the run, whatever happens).
func PostgresURL(t testing.TB) string {
	t.Helper()
	runURL := require(t, envDatabase)
	prefix := require(t, envPrefix)
	adminOnce.Do(func() { admin, adminErr = models.Open(runURL) })
	if adminErr != nil {
		t.Fatalf("open test database server: %v", adminErr)
	}
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), counter.Add(1))
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(runURL)
	if err != nil {
		t.Fatalf("parse %s: %v", envDatabase, err)
	}
	u.Path = "/" + name
	return u.String()
}

// SQLiteURL returns the URL of a new SQLite file in the test's temp dir.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "switchboard.db")
}

// Open opens and migrates the database at url, closing it when the test ends.
func Open(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db, err := models.Open(url)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	if err := models.Migrate(db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

// EachDatabase runs fn as a subtest against a fresh, migrated PostgreSQL
// database and a fresh SQLite database.
func EachDatabase(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Open(t, PostgresURL(t)))
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, Open(t, SQLiteURL(t)))
	})
}

// ToolsDir is the cache holding the pinned Temporal CLI and weaviate-server,
// as `switchboard stack` passes it on.
func ToolsDir(t testing.TB) string { return require(t, "SWITCHBOARD_TOOLS_DIR") }
