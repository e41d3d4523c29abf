package app

import (
	"context"
	"fmt"
	"io"
	"os/exec"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/devstack"
)

// RunLint checks that every Go file is gofmt-formatted, then runs the pinned
// linters (staticcheck, and Temporal's workflowcheck, which reports
// non-deterministic code reachable from a workflow) over every package of the
// module in the working directory. Any finding is an error.
func RunLint(ctx context.Context, cfg config.Config, out io.Writer) error {
	failed := 0
	unformatted, err := exec.CommandContext(ctx, "gofmt", "-l", ".").Output()
	switch {
	case err != nil:
		return fmt.Errorf("lint: gofmt: %w", err)
	case len(unformatted) > 0:
		fmt.Fprintf(out, "lint: not gofmt-formatted (run gofmt -w):\n%s", unformatted)
		failed++
	default:
		fmt.Fprintln(out, "lint: gofmt: every file formatted")
	}
	for _, t := range devstack.Linters() {
		bin, err := t.Require(cfg.ToolsDir)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, bin, "./...")
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(out, "lint: %s found problems (%v)\n", t.Name, err)
			failed++
			continue
		}
		fmt.Fprintf(out, "lint: %s %s: no findings\n", t.Name, t.Version)
	}
	if failed > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}
