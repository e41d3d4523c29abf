package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestBenchHTTP runs `switchboard bench http` small on the real stack, on
// SQLite: every message of every conversation gets its reply, and each is
// timed once. It measures nothing (speed is the bench command's).
func TestBenchHTTP(t *testing.T) {
	t.Parallel()
	cfg := stackConfig(t, testenv.SQLiteURL(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, RunHTTP(ctx, cfg, &out, HTTPOptions{Customers: 3, Conversations: 6, FollowUps: 2, JSON: true}))
	var r HTTPReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	require.Zero(t, r.Errors, r.ErrorSample)
	require.Equal(t, 6, r.FirstMessage.Count)
	require.Equal(t, 12, r.FollowUp.Count)
	require.Equal(t, "sqlite", r.Database)
	require.LessOrEqual(t, r.FirstMessage.P50Ms, r.P99FirstMs)
}

func TestParseHTTPFlags(t *testing.T) {
	t.Parallel()
	o, err := ParseHTTPFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, HTTPOptions{Customers: 16, Conversations: 300, FollowUps: 1, Warmup: 16}, o)
	for _, args := range [][]string{{"-customers", "0"}, {"-followups", "21"}, {"-url", "http://x"}, {"-conversations", "0"}} {
		_, err := ParseHTTPFlags(args, io.Discard)
		require.Error(t, err, args)
	}
}
