package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	gormlogger "gorm.io/gorm/logger"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/metrics"
)

// Logger returns the process's logger at the configured level, in the
// configured format (SWITCHBOARD_LOG_FORMAT: text or json).
func Logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Ops.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// gormLogger sends GORM's logs through log: errors and queries slower than
// half a second as warnings, every query at debug level. Queries are logged
// with placeholders, never with their values (which hold customers' data).
func gormLogger(cfg config.Config, log *slog.Logger) gormlogger.Interface {
	level := gormlogger.Warn
	if cfg.LogLevel == "debug" {
		level = gormlogger.Info
	}
	return gormlogger.NewSlogLogger(log.With("component", "gorm"), gormlogger.Config{
		SlowThreshold:             500 * time.Millisecond,
		LogLevel:                  level,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})
}

// secureTemporal sets the client's metrics handler, and its TLS and API key
// when configured (TEMPORAL_TLS_*, TEMPORAL_API_KEY).
func secureTemporal(cfg config.Config, opts *client.Options) error {
	opts.MetricsHandler = metrics.TemporalHandler()
	tlsCfg, err := cfg.Ops.Temporal.TLSConfig()
	if err != nil {
		return err
	}
	opts.ConnectionOptions.TLS = tlsCfg
	if key := cfg.Ops.Temporal.APIKey; key != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(key)
	}
	return nil
}

// workerHTTP is the worker's own HTTP endpoint (SWITCHBOARD_WORKER_HTTP_ADDR):
// /livez while the process runs, /readyz while the database and Temporal
// answer, and /metrics.
func (d *Deps) workerHTTP() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		writeHealth(w, map[string]error{})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		checks := map[string]error{}
		sqlDB, err := d.DB.DB()
		if err == nil {
			err = sqlDB.PingContext(ctx)
		}
		checks["database"] = err
		_, err = d.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
		checks["temporal"] = err
		for name, err := range checks {
			if err != nil {
				d.log.Warn("health check failed", "dependency", name, "err", err)
			}
		}
		writeHealth(w, checks)
	})
	return mux
}

// writeHealth writes the body the API's probes write: 200 when every
// check passed, 503 naming the ones that did not.
func writeHealth(w http.ResponseWriter, checks map[string]error) {
	body := struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}{Status: "ok", Checks: map[string]string{}}
	status := http.StatusOK
	for name, err := range checks {
		body.Checks[name] = "ok"
		if err != nil {
			body.Checks[name], body.Status, status = "unavailable", "unavailable", http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// serveWorkerHTTP serves the worker's endpoint until ctx ends, when the
// address is configured. A failure to listen stops the worker.
func (d *Deps) serveWorkerHTTP(ctx context.Context, addr string) (<-chan error, error) {
	done := make(chan error, 1)
	if addr == "" {
		return done, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("SWITCHBOARD_WORKER_HTTP_ADDR: listen on %s: %w", addr, err)
	}
	d.log.Info("switchboard worker health and metrics", "addr", l.Addr().String())
	go func() {
		err := serveHTTP(ctx, l, d.workerHTTP(), func() {})
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	return done, nil
}

// workerOptions are the worker's limits from SWITCHBOARD_WORKER_* (zero:
// the SDK's default, but for pollers, which then scale: see worker.New).
func workerOptions(cfg config.Config) sdkworker.Options {
	t := cfg.Ops.Worker
	return sdkworker.Options{
		MaxConcurrentActivityExecutionSize:     t.MaxConcurrentActivities,
		MaxConcurrentWorkflowTaskExecutionSize: t.MaxConcurrentWorkflowTasks,
		MaxConcurrentWorkflowTaskPollers:       t.Pollers,
		MaxConcurrentActivityTaskPollers:       t.Pollers,
		WorkerStopTimeout:                      t.StopTimeout,
	}
}

// RunProbe is `switchboard probe URL`: a GET of URL that exits 0 on a 2xx
// answer within five seconds and 1 otherwise. It is the healthcheck of
// images without a shell or curl (the distroless one the Dockerfile builds).
func RunProbe(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: switchboard probe URL (e.g. http://127.0.0.1:8088/livez)")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("probe: %s answered %s", args[0], res.Status)
	}
	return nil
}
