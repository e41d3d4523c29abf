package activities_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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
	a := &activities.Activities{DB: db}
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
