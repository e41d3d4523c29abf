package app

import (
	"context"
	"io"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/devstack"
)

// RunTools builds the pinned Temporal CLI and weaviate-server into the tools
// cache when missing; it does nothing when both are cached.
func RunTools(ctx context.Context, cfg config.Config, out io.Writer) error {
	return devstack.EnsureTools(ctx, cfg.ToolsDir, out)
}
