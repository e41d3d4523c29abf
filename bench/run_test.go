package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestBenchSteps runs `switchboard bench` small on the real stack: every
// call is answered, and the worker's activities are timed by the phase
// they ran in (each measured later turn ran LoadContext and Retrieve once,
// each first message also its first record), next to the two reads called
// alone. It measures nothing (speed is the bench command's).
func TestBenchSteps(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		benchSteps(t, testenv.SQLiteURL(t), false)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		benchSteps(t, testenv.PostgresURL(t), true)
	})
}

// benchSteps runs the bench on the database at url; postgres says whether
// it is PostgreSQL, whose round trips the bench then times.
func benchSteps(t *testing.T, url string, postgres bool) {
	cfg := stackConfig(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	opts := Options{Turns: 6, Warmup: 2, Concurrency: []int{1}, Firsts: 3, Alone: 4, JSON: true}
	require.NoError(t, Run(ctx, cfg, &out, opts))
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	require.Len(t, r.Levels, 1)
	l := r.Levels[0]
	require.Equal(t, 6, l.Turn.Count)
	require.Equal(t, 3, l.FirstMessage.Count)
	require.Equal(t, 1+2+6, l.Replies.Answered, "the turns' conversation: its first message, the warm-up and the measured turns")

	for _, name := range []string{"LoadContext", "Retrieve"} {
		require.Equal(t, 6, l.TurnSteps[name].Count, "%s once a measured turn, none for the warm-up", name)
		require.Positive(t, l.TurnSteps[name].P50Ms, name)
		require.Equal(t, 3, l.FirstSteps[name].Count, name)
		require.Equal(t, 4, r.Alone[name].Count, name)
		require.Positive(t, r.Alone[name].P50Ms, name)
	}
	require.Equal(t, 3, l.FirstSteps["RecordTurn"].Count, "a first message's record is written before its reply")
	require.Contains(t, r.RoundTrips, "Weaviate search")
	if postgres {
		require.Contains(t, r.RoundTrips, "PostgreSQL SELECT 1")
	} else {
		require.NotContains(t, r.RoundTrips, "PostgreSQL SELECT 1", "SQLite runs in the process")
	}
	for name, trip := range r.RoundTrips {
		require.Equal(t, 4, trip.Count, name)
		require.Positive(t, trip.BackToBackMs, name)
		require.Positive(t, trip.AfterIdleMs, name)
	}

	// The CPU time per call, where /proc tells it: the worker runs in this
	// process, so it is among the processes that spent CPU on the turns.
	self, ok := readCPUTimes(false)
	if !ok {
		t.Log("no /proc: CPU per call not read")
		return
	}
	name := self.names[os.Getpid()]
	for phase, c := range map[string]*CPUPerCall{"bare": l.CPU.Bare, "turn": l.CPU.Turn, "bare start": l.CPU.BareStart, "first": l.CPU.FirstMessage} {
		require.NotNil(t, c, phase)
		require.Positive(t, c.TotalMs, phase)
	}
	require.Positive(t, l.CPU.Turn.ByProcess[name], "this process (%s) ran the turns' worker: %v", name, l.CPU.Turn.ByProcess)
}
