package replystream_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/replystream"
)

// next is the next chunk, failing the test when none comes.
func next(t *testing.T, ch <-chan replystream.Chunk) replystream.Chunk {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no chunk arrived")
		return replystream.Chunk{}
	}
}

// written is the text a subscriber ends up with.
func written(t *testing.T, ch <-chan replystream.Chunk, want int) string {
	t.Helper()
	var b strings.Builder
	for b.Len() < want {
		c := next(t, ch)
		if c.Reset {
			b.Reset()
		}
		b.WriteString(c.Text)
	}
	return b.String()
}

func TestLocalHubDeliversToTheKeysSubscribers(t *testing.T) {
	t.Parallel()
	hub := replystream.Local()
	mine, cancel := hub.Subscribe(replystream.Key("wf", "m1"))
	defer cancel()
	other, cancelOther := hub.Subscribe(replystream.Key("wf", "m2"))
	defer cancelOther()

	w := replystream.NewWriter(hub, replystream.Key("wf", "m1"))
	ctx := context.Background()
	require.NoError(t, w.Write(ctx, "Hello "))
	require.NoError(t, w.Write(ctx, "there."))
	first := next(t, mine)
	require.True(t, first.Reset, "a writer's first chunk starts the reply afresh")
	require.Equal(t, "Hello ", first.Text)
	second := next(t, mine)
	require.False(t, second.Reset)
	require.Equal(t, "there.", second.Text)
	select {
	case c := <-other:
		t.Fatalf("another message's subscriber got %+v", c)
	default:
	}

	// A second writer (the step tried again) resets the text.
	again := replystream.NewWriter(hub, replystream.Key("wf", "m1"))
	require.NoError(t, again.Write(ctx, "Hi."))
	require.True(t, next(t, mine).Reset)
}

// A model's tokens written back to back travel together: the first at once,
// the rest in far fewer chunks, Interval later without a Flush, and at once
// with one.
func TestWriterSendsTokensTogether(t *testing.T) {
	t.Parallel()
	hub := replystream.Local()
	key := replystream.Key("wf", "m1")
	chunks, cancel := hub.Subscribe(key)
	defer cancel()
	ctx := context.Background()

	w := replystream.NewWriter(hub, key)
	var want strings.Builder
	for i := range 200 {
		token := fmt.Sprintf("t%d ", i)
		want.WriteString(token)
		require.NoError(t, w.Write(ctx, token))
	}
	first := next(t, chunks)
	require.Equal(t, "t0 ", first.Text, "the first token is sent at once")
	got, sent := first.Text, 1
	for len(got) < want.Len() {
		got += next(t, chunks).Text
		sent++
	}
	require.Equal(t, want.String(), got)
	require.Less(t, sent, 10, "200 tokens written back to back")

	// Flush sends what waits without waiting for the interval.
	w = replystream.NewWriter(hub, key)
	require.NoError(t, w.Write(ctx, "Your parcel "))
	require.NoError(t, w.Write(ctx, "arrives."))
	require.Len(t, chunks, 1, "the second piece waits")
	require.NoError(t, w.Flush(ctx))
	require.Len(t, chunks, 2)
	require.Equal(t, "Your parcel ", next(t, chunks).Text)
	require.Equal(t, "arrives.", next(t, chunks).Text)
}

// TestPostgresHubCarriesChunksAcrossProcesses joins two hubs, as the worker
// and the API of separate processes are, through a real PostgreSQL: what one
// publishes the other's subscriber receives, in order, long text included
// (a NOTIFY payload is bounded, so it travels in pieces).
func TestPostgresHubCarriesChunksAcrossProcesses(t *testing.T) {
	t.Parallel()
	databaseURL := testenv.PostgresURL(t)
	_, dsn, err := config.ParseDatabaseURL(databaseURL)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.DiscardHandler)
	worker := replystream.Postgres(ctx, testenv.Open(t, databaseURL), dsn, log)
	api := replystream.Postgres(ctx, testenv.Open(t, databaseURL), dsn, log)

	key := replystream.Key("conversation:ws:c1", "m1")
	chunks, stop := api.Subscribe(key)
	defer stop()
	// The listener starts with the first subscription: publish until the
	// first chunk gets through.
	probe := replystream.NewWriter(worker, key)
	deadline := time.Now().Add(10 * time.Second)
	for {
		require.NoError(t, probe.Write(ctx, "."))
		select {
		case <-chunks:
		case <-time.After(100 * time.Millisecond):
			require.True(t, time.Now().Before(deadline), "the listener never received a chunk")
			continue
		}
		break
	}
	for len(chunks) > 0 {
		<-chunks
	}

	long := strings.Repeat("é tea leaves ", 1000) // > 8000 bytes
	w := replystream.NewWriter(worker, key)
	require.NoError(t, w.Write(ctx, "Your parcel "))
	require.NoError(t, w.Write(ctx, long))
	require.NoError(t, w.Write(ctx, "arrives."))
	want := "Your parcel " + long + "arrives."
	require.Equal(t, want, written(t, chunks, len(want)))
}
