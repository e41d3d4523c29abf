package bench

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/internal/testenv"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	msList := func(values ...int) []time.Duration {
		out := make([]time.Duration, len(values))
		for i, v := range values {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[99-i] = i + 1 // 100, 99, …, 1: order must not matter
	}
	for _, tc := range []struct {
		name    string
		samples []time.Duration
		wall    time.Duration
		want    LatencySummary
	}{
		{"none", nil, time.Second, LatencySummary{WallMs: 1000}},
		{"one", msList(7), 500 * time.Millisecond,
			LatencySummary{Count: 1, P50Ms: 7, P95Ms: 7, MaxMs: 7, WallMs: 500, PerSecond: 2}},
		{"two: nearest rank", msList(30, 10), time.Second,
			LatencySummary{Count: 2, P50Ms: 10, P95Ms: 30, MaxMs: 30, WallMs: 1000, PerSecond: 2}},
		{"1..100 shuffled", msList(hundred...), 4 * time.Second,
			LatencySummary{Count: 100, P50Ms: 50, P95Ms: 95, MaxMs: 100, WallMs: 4000, PerSecond: 25}},
		{"one outlier moves only the tail", msList(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 900), 2 * time.Second,
			LatencySummary{Count: 20, P50Ms: 10, P95Ms: 10, MaxMs: 900, WallMs: 2000, PerSecond: 10}},
		{"no wall time: no rate", msList(5), 0,
			LatencySummary{Count: 1, P50Ms: 5, P95Ms: 5, MaxMs: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, summarize(tc.samples, tc.wall))
		})
	}
}

func TestBenchTargets(t *testing.T) {
	t.Parallel()
	levels := []Level{
		{Concurrency: 1, Ratio: 1.5, Turn: LatencySummary{P50Ms: 15}, Bare: LatencySummary{P50Ms: 10},
			FirstRatio: 2.5, FirstMessage: LatencySummary{P50Ms: 25}, BareStart: LatencySummary{Count: 40, P50Ms: 10}},
		{Concurrency: 10, Turn: LatencySummary{PerSecond: 20}},
	}
	got := benchTargets(levels)
	require.Len(t, got, 3)
	require.True(t, got[0].Met, "a turn at 1.5× meets ≤ 1.5×")
	require.Equal(t, 1.5, got[0].Value)
	require.False(t, got[1].Met, "a first message at 2.5× misses ≤ 2×")
	require.Equal(t, 2.5, got[1].Value)
	require.False(t, got[2].Met)
	require.Equal(t, 20.0, got[2].Value)
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	opts, err := ParseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, DefaultOptions(), opts)

	opts, err = ParseFlags([]string{"-turns", "50", "-warmup", "0", "-rounds", "5", "-concurrency", "1, 4,10", "-json", "-alone", "0"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, Options{Turns: 50, Warmup: 0, Rounds: 5, Concurrency: []int{1, 4, 10}, JSON: true, Firsts: 40}, opts)

	for _, args := range [][]string{
		{"-turns", "0"}, {"-warmup", "-1"}, {"-concurrency", "1,x"}, {"-concurrency", "0"}, {"extra"},
		{"-rounds", "-1"}, {"-turns", "3", "-rounds", "4"}, {"-alone", "-1"},
	} {
		_, err := ParseFlags(args, io.Discard)
		require.Error(t, err, "%v", args)
	}
}

// TestRoundsGiveEachCallerCalls: with -rounds unset, a phase is split into
// as many alternating rounds as give each round 4 calls per concurrent
// caller, at most 50; a -rounds given is kept, at most a call a round.
func TestRoundsGiveEachCallerCalls(t *testing.T) {
	t.Parallel()
	auto := &bench{opts: DefaultOptions()}
	for _, c := range []struct{ n, calls, want int }{
		{1, 200, 50}, {1, 1800, 50}, {1, 40, 10}, {10, 200, 5}, {10, 40, 1}, {16, 20, 1},
	} {
		require.Equal(t, c.want, auto.rounds(c.n, c.calls), "%d callers, %d calls", c.n, c.calls)
	}
	fixed := &bench{opts: Options{Rounds: 4}}
	require.Equal(t, 4, fixed.rounds(10, 200))
	require.Equal(t, 3, fixed.rounds(1, 3))
}

// stackConfig is the configuration of a test that runs a bench command on
// the real stack: this run's Temporal and Weaviate, databaseURL when set
// (the default otherwise), and only errors logged.
func stackConfig(t *testing.T, databaseURL string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.TemporalAddress = testenv.TemporalAddress(t)
	cfg.WeaviateURL = testenv.WeaviateURL(t)
	cfg.WeaviateGRPCAddress = testenv.Weaviate(t).GRPCAddress
	if databaseURL != "" {
		cfg.DatabaseURL = databaseURL
	}
	cfg.LogLevel = "error"
	return cfg
}
