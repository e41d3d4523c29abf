package bench

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
)

// CPU per measured call. On a machine that runs the whole stack, a call's
// latency depends on the CPU every process spends on it: the Temporal
// server, the worker, the database and Weaviate share the cores. On Linux
// the bench reads each process's CPU time from /proc before and after each
// measured block of calls, and reports per phase the CPU time spent per
// call, by process name. It counts every process on the machine, so it
// means something only while nothing else runs.

// clockTicks is the unit of /proc/<pid>/stat's times (USER_HZ): 100 a
// second on every Linux architecture Go builds for.
const clockTicks = 100

// cpuTimes is each process's CPU time so far, in clock ticks, by PID, and
// the name each has: its command, with a kernel thread's work item left out
// ("kworker/u8:3-events" is "kworker").
type cpuTimes struct {
	ticks map[int]int64
	names map[int]string
}

// readCPUTimes reads every process's CPU time; ok is false where /proc
// cannot be read (not Linux). Reading /proc costs the bench's own process
// CPU time (milliseconds where /proc is slow), which is not a call's: its
// own time is read last when selfFirst is false (before a block of calls)
// and first when it is true (after one), so the reading is left out.
func readCPUTimes(selfFirst bool) (cpuTimes, bool) {
	dir, err := os.Open("/proc")
	if err != nil {
		return cpuTimes{}, false
	}
	entries, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return cpuTimes{}, false
	}
	out := cpuTimes{ticks: map[int]int64{}, names: map[int]string{}}
	buf := make([]byte, 1024) // a stat line is about 300 bytes
	read := func(pid string) {
		f, err := os.Open("/proc/" + pid + "/stat")
		if err != nil {
			return // the process ended meanwhile
		}
		n, err := f.Read(buf)
		f.Close()
		if err != nil {
			return
		}
		if pid, name, ticks, ok := parseProcStat(string(buf[:n])); ok {
			out.ticks[pid], out.names[pid] = ticks, name
		}
	}
	self := strconv.Itoa(os.Getpid())
	if selfFirst {
		read(self)
	}
	for _, e := range entries {
		if e != self && e[0] >= '0' && e[0] <= '9' {
			read(e)
		}
	}
	if !selfFirst {
		read(self)
	}
	return out, len(out.ticks) > 0
}

// parseProcStat reads the PID, the name and the user and system CPU time
// (in clock ticks) from a /proc/<pid>/stat line (proc(5)). The command is
// in parentheses and may itself hold spaces and parentheses, so the fields
// after it are counted from its last ')'.
func parseProcStat(line string) (pid int, name string, ticks int64, ok bool) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return 0, "", 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return 0, "", 0, false
	}
	// After the command: state (field 3), … utime (14), stime (15).
	f := strings.Fields(line[end+1:])
	if len(f) < 13 {
		return 0, "", 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, "", 0, false
	}
	name, _, _ = strings.Cut(line[open+1:end], "/")
	return pid, name, utime + stime, true
}

// cpuUse is the CPU time processes spent over measured blocks of calls,
// by process name, and how many calls the blocks made.
type cpuUse struct {
	ticks map[string]int64
	calls int
}

// add counts the CPU time spent between before and after over calls
// calls. A process that started meanwhile counts whole; one that ended
// meanwhile is not counted.
func (u *cpuUse) add(before, after cpuTimes, calls int) {
	if u.ticks == nil {
		u.ticks = map[string]int64{}
	}
	for pid, t := range after.ticks {
		if d := t - before.ticks[pid]; d > 0 {
			u.ticks[after.names[pid]] += d
		}
	}
	u.calls += calls
}

// CPUPerCall is the CPU time all the machine's processes spent per measured
// call of a phase, and the part of each process name that spent any.
type CPUPerCall struct {
	TotalMs   float64            `json:"total_ms"`
	ByProcess map[string]float64 `json:"by_process"`
}

// perCall summarises u; nil when nothing was counted.
func (u cpuUse) perCall() *CPUPerCall {
	if u.calls == 0 || u.ticks == nil {
		return nil
	}
	ms := func(ticks int64) float64 { return float64(ticks) * 1000 / clockTicks / float64(u.calls) }
	out := &CPUPerCall{ByProcess: map[string]float64{}}
	for name, t := range u.ticks {
		out.ByProcess[name] = ms(t)
		out.TotalMs += ms(t)
	}
	return out
}

// printCPU writes a phase's CPU per call: the total, and the processes
// that spent the most (cpuShown of them), the rest together.
func printCPU(out io.Writer, phase string, c *CPUPerCall) {
	if c == nil {
		return
	}
	names := slices.SortedFunc(maps.Keys(c.ByProcess), func(a, b string) int {
		return cmp.Or(cmp.Compare(c.ByProcess[b], c.ByProcess[a]), strings.Compare(a, b))
	})
	parts := make([]string, 0, cpuShown+1)
	rest := c.TotalMs
	for _, n := range names[:min(len(names), cpuShown)] {
		parts = append(parts, fmt.Sprintf("%s %.2f", n, c.ByProcess[n]))
		rest -= c.ByProcess[n]
	}
	if len(names) > cpuShown {
		parts = append(parts, fmt.Sprintf("other %.2f", max(rest, 0)))
	}
	fmt.Fprintf(out, "    %-34s %6.2f ms: %s\n", phase, c.TotalMs, strings.Join(parts, ", "))
}

// cpuShown is how many processes a phase's CPU line names.
const cpuShown = 5
