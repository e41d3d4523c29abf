package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/models"
)

// TestWorkerHealthEndpoint serves the worker's endpoint over a database
// that is closed and a Temporal that does not answer: it is live, not
// ready, and names both; /metrics answers.
func TestWorkerHealthEndpoint(t *testing.T) {
	t.Parallel()
	db, err := models.Open("sqlite:" + filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	tc, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	d := &Deps{log: slog.New(slog.DiscardHandler), DB: db, Temporal: tc}
	h := d.workerHTTP()

	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get("/livez")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"status":"ok","checks":{}}`, body)
	code, body = get("/readyz")
	require.Equal(t, 503, code)
	var health struct {
		Status string
		Checks map[string]string
	}
	require.NoError(t, json.Unmarshal([]byte(body), &health))
	require.Equal(t, "unavailable", health.Status)
	require.Equal(t, map[string]string{"database": "unavailable", "temporal": "unavailable"}, health.Checks)
	code, body = get("/metrics")
	require.Equal(t, 200, code)
	require.Contains(t, body, "go_goroutines")
	code, _ = get("/other")
	require.Equal(t, 404, code)
}

func TestProbe(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	require.NoError(t, RunProbe(ctx, []string{srv.URL + "/readyz"}))
	require.ErrorContains(t, RunProbe(ctx, []string{srv.URL + "/down"}), "503")
	require.ErrorContains(t, RunProbe(ctx, nil), "usage: switchboard probe URL")
	require.Error(t, RunProbe(ctx, []string{"http://127.0.0.1:1/readyz"}))
}

func TestSecureTemporalAndLogs(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	var opts client.Options
	require.NoError(t, secureTemporal(cfg, &opts))
	require.NotNil(t, opts.MetricsHandler, "the SDK's metrics go to /metrics")
	require.Nil(t, opts.ConnectionOptions.TLS, "no TLS unless configured")
	require.Nil(t, opts.Credentials)

	cfg.Ops.Temporal.APIKey = "key-123"
	require.NoError(t, secureTemporal(cfg, &opts))
	require.NotNil(t, opts.ConnectionOptions.TLS, "an API key turns TLS on")
	require.NotNil(t, opts.Credentials)

	cfg.Ops.Temporal = config.TemporalSecurity{ServerCA: []byte("not pem")}
	require.ErrorContains(t, secureTemporal(cfg, &opts), "TEMPORAL_TLS_SERVER_CA_CERT_*")

	// GORM's warnings go through slog, without the values of the query.
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	db, err := models.Open("sqlite:" + filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	db.Logger = gormLogger(config.Default(), log)
	require.Error(t, db.Exec("SELECT * FROM no_such_table WHERE secret = ?", "hunter2").Error)
	require.Contains(t, buf.String(), `"component":"gorm"`)
	require.Contains(t, buf.String(), "no_such_table")
	require.False(t, strings.Contains(buf.String(), "hunter2"), "query values are not logged: %s", buf.String())
}

// TestBannerLinksThePages: make dev's banner gives the chat page with the
// demo channel's widget key, the rep inbox and the admin pages.
func TestBannerLinksThePages(t *testing.T) {
	var out bytes.Buffer
	info := DemoInfo{WorkspaceName: "W", ChannelID: "ch-1", APIURL: "http://127.0.0.1:8088"}
	info.Keys.Widget = "sb_widget_x"
	printBanner(&out, info, ".switchboard/demo.json")
	require.Contains(t, out.String(), "Chat          http://127.0.0.1:8088/chat/ch-1#key=sb_widget_x\n")
	require.Contains(t, out.String(), "Rep inbox     http://127.0.0.1:8088/rep ")
	require.Contains(t, out.String(), "Admin pages   http://127.0.0.1:8088/admin/dashboard ")
}
