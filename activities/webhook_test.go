package activities_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestNotifyTeamSignsTheEvent(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	var got struct {
		body      []byte
		signature string
	}
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.body, _ = io.ReadAll(r.Body)
		got.signature = r.Header.Get(activities.SignatureHeader)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	require.NoError(t, db.Create(&models.Team{ID: "t1", WorkspaceID: "ws", Key: "support", Name: "Support",
		WebhookURL: srv.URL, WebhookSecret: "s3cret"}).Error)
	require.NoError(t, db.Create(&models.Team{ID: "t2", WorkspaceID: "ws", Key: "quiet", Name: "No hook"}).Error)
	// The test server is on a loopback address, which the default client
	// refuses (TestNotifyTeamRefusesPrivateAddresses).
	a := &activities.Activities{DB: db, HTTPClient: srv.Client()}
	in := activities.NotifyTeamInput{WorkspaceID: "ws", Team: "support", EventID: "conv/1",
		Event: map[string]any{"reason": "rule: refunds"}, At: time.Now()}

	res, err := a.NotifyTeam(context.Background(), in)
	require.NoError(t, err)
	require.True(t, res.Sent)
	var body map[string]any
	require.NoError(t, json.Unmarshal(got.body, &body))
	require.Equal(t, "conv/1", body["id"])
	// The receiver recomputes the signature from the timestamp and body.
	ts := strings.TrimPrefix(strings.Split(got.signature, ",")[0], "t=")
	want := activities.Sign("s3cret", time.Unix(mustInt(t, ts), 0), got.body)
	require.True(t, hmac.Equal([]byte(want), []byte(got.signature)))
	require.NotEqual(t, activities.Sign("wrong", time.Unix(mustInt(t, ts), 0), got.body), got.signature)

	// A 4xx is permanent; a 5xx is retried by Temporal.
	status = http.StatusGone
	_, err = a.NotifyTeam(context.Background(), in)
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app) && app.NonRetryable(), "got %v", err)
	status = http.StatusBadGateway
	_, err = a.NotifyTeam(context.Background(), in)
	require.Error(t, err)
	require.False(t, errors.As(err, &app))

	// A team without a webhook is not called.
	in.Team = "quiet"
	res, err = a.NotifyTeam(context.Background(), in)
	require.NoError(t, err)
	require.False(t, res.Sent)
}

func TestNotifyTeamRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	// Only loopback addresses here: the guard refuses them before
	// connecting, and they would reach the test server if it did not.
	// TestGuard in package fetch covers every range.
	urls := map[string]string{
		"local":  srv.URL + "/hook",
		"zero":   "http://0.0.0.0:" + port + "/hook",
		"mapped": "http://[::ffff:127.0.0.1]:" + port + "/hook",
	}
	for key, u := range urls {
		require.NoError(t, db.Create(&models.Team{ID: key, WorkspaceID: "ws", Key: key, Name: key, WebhookURL: u, WebhookSecret: "s"}).Error)
	}
	a := &activities.Activities{DB: db} // the production default: no HTTPClient
	for key := range urls {
		_, err := a.NotifyTeam(context.Background(), activities.NotifyTeamInput{WorkspaceID: "ws", Team: key, EventID: "conv/1", At: time.Now()})
		var app *temporal.ApplicationError
		require.True(t, errors.As(err, &app) && app.NonRetryable(), "%s: got %v", key, err)
		require.ErrorContains(t, err, "does not connect to", key)
		require.ErrorContains(t, err, fmt.Sprintf("team %q webhook", key))
	}
	require.Zero(t, hits.Load(), "no request reached the server")
}

func TestNotifyTeamFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	db := testenv.Open(t, testenv.SQLiteURL(t))
	var followed atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		followed.Store(true)
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	require.NoError(t, db.Create(&models.Team{ID: "t1", WorkspaceID: "ws", Key: "support", Name: "Support",
		WebhookURL: srv.URL + "/hook", WebhookSecret: "s"}).Error)
	// Even a client that follows redirects by default follows none here.
	a := &activities.Activities{DB: db, HTTPClient: srv.Client()}

	_, err := a.NotifyTeam(context.Background(), activities.NotifyTeamInput{WorkspaceID: "ws", Team: "support", EventID: "conv/1", At: time.Now()})
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app) && app.NonRetryable(), "got %v", err)
	require.ErrorContains(t, err, "webhook answered 307: redirects are not followed")
	require.False(t, followed.Load())
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

func TestChargeAndReverseAreIdempotent(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		a := &activities.Activities{DB: db}
		ctx := context.Background()
		in := activities.ChargeInput{WorkspaceID: "ws", ConversationRowID: "row-1", Key: "wf:run", At: time.Now()}
		first, err := a.ChargeResolution(ctx, in)
		require.NoError(t, err)
		require.True(t, first.Charged)
		again, err := a.ChargeResolution(ctx, in)
		require.NoError(t, err)
		require.False(t, again.Charged)

		for i := 0; i < 2; i++ {
			_, err := a.ReverseCharges(ctx, activities.ReverseInput{WorkspaceID: "ws", PreviousRowID: "row-1", At: time.Now()})
			require.NoError(t, err)
		}
		var entries []models.CreditEntry
		require.NoError(t, db.Order("amount").Find(&entries).Error)
		require.Len(t, entries, 2, "one charge, one reversal")
		require.Equal(t, -1, entries[0].Amount)
		require.Equal(t, 1, entries[1].Amount)
		var balance int
		require.NoError(t, db.Model(&models.CreditEntry{}).Select("COALESCE(SUM(amount), 0)").Scan(&balance).Error)
		require.Zero(t, balance)
	})
}
