package devstack

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Tool is a pinned binary built from a Go module.
type Tool struct {
	// Name is the binary's name.
	Name string
	// Package is the Go package `go install` builds.
	Package string
	// Version is the module version.
	Version string
}

// The pinned tools.
var (
	// TemporalCLI is the Temporal CLI: dev server and Web UI.
	TemporalCLI = Tool{Name: "temporal", Package: "github.com/temporalio/cli/cmd/temporal", Version: "v1.5.1"}
	// WeaviateServer is Weaviate's server.
	WeaviateServer = Tool{Name: "weaviate-server", Package: "github.com/weaviate/weaviate/cmd/weaviate-server", Version: "v1.35.2"}
	// Staticcheck is the linter `make test` runs over every package.
	Staticcheck = Tool{Name: "staticcheck", Package: "honnef.co/go/tools/cmd/staticcheck", Version: "v0.8.2"}
	// Workflowcheck is Temporal's determinism check of workflow code.
	Workflowcheck = Tool{Name: "workflowcheck", Package: "go.temporal.io/sdk/contrib/tools/workflowcheck", Version: "v0.6.0"}
)

// Tools lists every pinned tool.
func Tools() []Tool { return []Tool{TemporalCLI, WeaviateServer, Staticcheck, Workflowcheck} }

// Linters lists the pinned tools `switchboard lint` runs, each as
// `<tool> ./...`: a finding fails the run.
func Linters() []Tool { return []Tool{Staticcheck, Workflowcheck} }

// Path is where the tool's binary lives in the cache directory.
func (t Tool) Path(dir string) string {
	return filepath.Join(dir, t.Name+"-"+t.Version)
}

// Installed reports whether the cache holds the tool.
func (t Tool) Installed(dir string) bool {
	info, err := os.Stat(t.Path(dir))
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}

// Build builds the tool into the cache with `go install -v`, streaming the
// packages it compiles to out so a cold build (minutes) shows progress. The
// binary appears in the cache only once complete.
func (t Tool) Build(ctx context.Context, dir string, out io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create tools dir: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".build-"+t.Name+"-")
	if err != nil {
		return fmt.Errorf("create build dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "install", "-v", t.Package+"@"+t.Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-buildvcs=false")
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go install %s@%s: %w", t.Package, t.Version, err)
	}
	if err := os.Rename(filepath.Join(tmp, t.Name), t.Path(dir)); err != nil {
		return fmt.Errorf("move %s into the cache: %w", t.Name, err)
	}
	fmt.Fprintf(out, "built %s %s in %s → %s\n", t.Name, t.Version, time.Since(start).Round(time.Second), t.Path(dir))
	return nil
}

// EnsureTools builds every tool missing from the cache, one at a time (each
// build uses every core). It prints one line per tool already cached.
func EnsureTools(ctx context.Context, dir string, out io.Writer) error {
	for _, t := range Tools() {
		if t.Installed(dir) {
			fmt.Fprintf(out, "%s %s: cached at %s\n", t.Name, t.Version, t.Path(dir))
			continue
		}
		fmt.Fprintf(out, "%s %s: building with go install (about 8 minutes cold on 2 cores)…\n", t.Name, t.Version)
		if err := t.Build(ctx, dir, out); err != nil {
			return err
		}
	}
	return nil
}

// MissingToolError says a pinned tool is not in the cache.
type MissingToolError struct {
	Tool Tool
	Dir  string
}

func (e *MissingToolError) Error() string {
	return fmt.Sprintf("%s %s is not built in %s: run `make tools`", e.Tool.Name, e.Tool.Version, e.Dir)
}

// Require returns the tool's path, or a *MissingToolError.
func (t Tool) Require(dir string) (string, error) {
	if !t.Installed(dir) {
		return "", &MissingToolError{Tool: t, Dir: dir}
	}
	return t.Path(dir), nil
}

// Environment variables `switchboard stack` gives the command it runs; the
// tests read them through internal/testenv.
const (
	EnvTestTemporalAddress = "SWITCHBOARD_TEST_TEMPORAL_ADDRESS"
	EnvTestWeaviateURL     = "SWITCHBOARD_TEST_WEAVIATE_URL"
	EnvTestWeaviateGRPC    = "SWITCHBOARD_TEST_WEAVIATE_GRPC_ADDRESS"
	EnvTestDatabaseURL     = "SWITCHBOARD_TEST_DATABASE_URL"
	EnvTestDatabasePrefix  = "SWITCHBOARD_TEST_DATABASE_PREFIX"
)
