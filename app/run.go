package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/worker"
)

// RunServer serves the API until ctx ends.
func RunServer(ctx context.Context, cfg config.Config) error {
	if err := cfg.ValidateProduction(); err != nil {
		return err
	}
	log := Logger(cfg)
	d, err := Connect(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	l, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("switchboard server listening", "addr", l.Addr().String())
	srv := d.server()
	return serveHTTP(ctx, l, srv.Handler(), srv.CloseStreams)
}

// RunWorker runs the Temporal worker until ctx ends.
func RunWorker(ctx context.Context, cfg config.Config) error {
	if err := cfg.ValidateProduction(); err != nil {
		return err
	}
	log := Logger(cfg)
	d, err := Connect(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	// The health endpoint answers /livez while the worker waits for
	// Temporal; /readyz says what it waits for.
	httpDone, err := d.serveWorkerHTTP(ctx, cfg.Ops.Worker.HTTPAddr)
	if err != nil {
		return err
	}
	if err := waitForTemporal(ctx, d.Temporal, time.Minute); err != nil {
		return err
	}
	if n := cfg.Ops.Worker.StickyCacheSize; n > 0 {
		sdkworker.SetStickyWorkflowCacheSize(n)
	}
	w := worker.New(d.Temporal, cfg.TaskQueue, d.Activities(), worker.WithSources(d.Sources()),
		worker.WithDelivery(d.Delivery()), worker.WithMailboxes(d.Mailboxes()), worker.WithTuning(workerOptions(cfg)))
	// Rehearsals' simulated customers, played by the configured model.
	w.RegisterActivity(d.Simulator())
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	go d.Dispatcher().Run(ctx)
	go d.MailboxPollers().Run(ctx)
	go d.WarmIssueTypeModels(ctx)
	log.Info("switchboard worker polling", "task_queue", cfg.TaskQueue, "namespace", cfg.TemporalNamespace)
	select {
	case <-ctx.Done():
		return nil
	case err := <-httpDone:
		return fmt.Errorf("worker health endpoint: %w", err)
	}
}

// RunMigrate migrates the database, creates the Weaviate collection and
// registers the search attributes in the Temporal namespace, unless
// --skip-search-attributes (or SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES) says the
// namespace's are managed elsewhere, as Temporal Cloud's are.
func RunMigrate(ctx context.Context, cfg config.Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	skip := fs.Bool("skip-search-attributes", cfg.Ops.SkipSearchAttributes,
		"do not register the search attributes (Temporal Cloud manages them itself)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	cfg.Ops.SkipSearchAttributes = *skip
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := Logger(cfg)
	d, err := Connect(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Prepare(ctx, 30*time.Second); err != nil {
		return err
	}
	log.Info("database migrated, weaviate collections ready, temporal search attributes registered",
		"namespace", cfg.TemporalNamespace, "search_attributes_skipped", cfg.Ops.SkipSearchAttributes)
	return nil
}

// serveHTTP serves h on l until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, l net.Listener, h http.Handler, onShutdown func()) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	// Long-lived responses end as the shutdown starts, so it need not wait
	// for them.
	srv.RegisterOnShutdown(onShutdown)
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(l) }()
	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errCh; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
