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

// TestBenchStream runs `switchboard bench stream` small on the real stack,
// on PostgreSQL (the worker's chunks reach the API through NOTIFY): every
// reply comes as a stream whose first words arrive before the reply. It
// measures nothing (speed is the bench command's).
func TestBenchStream(t *testing.T) {
	t.Parallel()
	cfg := stackConfig(t, testenv.PostgresURL(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	// The model takes 120 ms from its first token to its last: on a busy
	// machine the first words, which travel through NOTIFY, still have time
	// to come before the reply, which travels through Temporal (with 1 ms
	// between tokens they once did not).
	o := StreamOptions{Replies: 3, FirstToken: 20 * time.Millisecond, Token: 30 * time.Millisecond, Tokens: 5, JSON: true}
	require.NoError(t, RunStream(ctx, cfg, &out, o))
	var r StreamReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	require.Equal(t, "postgres", r.Database)
	require.Equal(t, 3, r.Delivery.Count)
	require.GreaterOrEqual(t, r.ModelFirstToken.P50Ms, 20.0, "the model waited before its first token")
	require.Less(t, r.CustomerFirstToken.P50Ms, r.Reply.P50Ms, "the first words come before the reply")
}

func TestParseStreamAndIdleFlags(t *testing.T) {
	t.Parallel()
	s, err := ParseStreamFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, StreamOptions{Replies: 30, FirstToken: 400 * time.Millisecond, Token: 15 * time.Millisecond, Tokens: 40}, s)
	for _, args := range [][]string{{"-replies", "0"}, {"-tokens", "0"}, {"-first-token", "-1s"}, {"x"}} {
		_, err := ParseStreamFlags(args, io.Discard)
		require.Error(t, err, args)
	}
	i, err := ParseIdleFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, IdleOptions{Conversations: 10_000, Concurrency: 16, Cache: 2000}, i)
	for _, args := range [][]string{{"-conversations", "0"}, {"-concurrency", "0"}, {"-cache", "-1"}} {
		_, err := ParseIdleFlags(args, io.Discard)
		require.Error(t, err, args)
	}
}
