package bench

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseProcStat(t *testing.T) {
	t.Parallel()
	// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
	// cminflt majflt cmajflt utime stime …
	pid, name, ticks, ok := parseProcStat("4242 (postgres) S 1 4242 4242 0 -1 4194560 120 0 0 0 37 5 0 0 20 0 1 0 1000 0\n")
	require.True(t, ok)
	require.Equal(t, 4242, pid)
	require.Equal(t, "postgres", name)
	require.Equal(t, int64(42), ticks, "user and system time")

	// A command may hold spaces and parentheses: the fields count from
	// its last ')'.
	_, name, ticks, ok = parseProcStat("7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0\n")
	require.True(t, ok)
	require.Equal(t, "a b) (c)", name)
	require.Equal(t, int64(7), ticks)

	// A kernel thread's work item is left out of its name.
	_, name, _, ok = parseProcStat("88 (kworker/u8:3-events_unbound) I 2 0 0 0 -1 69238880 0 0 0 0 10 20 0 0\n")
	require.True(t, ok)
	require.Equal(t, "kworker", name)

	for _, bad := range []string{"", "12 postgres S 1", "x (postgres) S 1 2 3 4 5 6 7 8 9 10 11 12 13", "12 (postgres) S 1 2"} {
		_, _, _, ok := parseProcStat(bad)
		require.False(t, ok, bad)
	}
}

func TestCPUUsePerCall(t *testing.T) {
	t.Parallel()
	before := cpuTimes{
		ticks: map[int]int64{1: 100, 2: 50, 3: 70},
		names: map[int]string{1: "temporal", 2: "postgres", 3: "postgres"},
	}
	after := cpuTimes{
		// 3 ended meanwhile; 4 started and counts whole.
		ticks: map[int]int64{1: 140, 2: 60, 4: 2},
		names: map[int]string{1: "temporal", 2: "postgres", 4: "postgres"},
	}
	var u cpuUse
	require.Nil(t, u.perCall(), "nothing measured")
	u.add(before, after, 4)
	u.add(after, after, 4) // a block that spent nothing
	c := u.perCall()
	require.NotNil(t, c)
	// 40 ticks of 10 ms over 8 calls; postgres 10 + 2.
	require.InDelta(t, 50, c.ByProcess["temporal"], 1e-9)
	require.InDelta(t, 15, c.ByProcess["postgres"], 1e-9)
	require.InDelta(t, 65, c.TotalMs, 1e-9)

	var out bytes.Buffer
	printCPU(&out, "turn", c)
	require.Equal(t, "    turn                                65.00 ms: temporal 50.00, postgres 15.00\n", out.String())
	out.Reset()
	c.ByProcess = map[string]float64{"a": 6, "b": 5, "c": 4, "d": 3, "e": 2, "f": 1, "g": 1}
	c.TotalMs = 22
	printCPU(&out, "turn", c)
	require.Equal(t, "    turn                                22.00 ms: a 6.00, b 5.00, c 4.00, d 3.00, e 2.00, other 2.00\n", out.String())
}
