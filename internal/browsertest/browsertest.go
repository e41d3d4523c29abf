// Package browsertest starts the headless Chromium that the browser tests
// drive: Debian's chromium package, offline, with a fresh profile.
package browsertest

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// ChromiumPath is Debian's chromium package.
const ChromiumPath = "/usr/bin/chromium"

// New starts a headless Chromium for the test, with a fresh profile and no
// traffic of its own (it must work offline), and returns its first tab.
// Without Chromium the test is skipped, except in CI, where it fails.
func New(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: in CI the browser tests need Debian's chromium (see .ci/run)", ChromiumPath)
		}
		t.Skipf("%s is missing: apt-get install chromium to run the browser tests", ChromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first action starts the browser, which lives as long as ctx: no
	// timeout here.
	require.NoError(t, chromedp.Do(ctx), "start chromium")
	return ctx
}
