package bench

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// The target for open conversations: 10,000 on one worker within
// 1 GB.
const (
	idleTargetConversations = 10_000
	idleTargetBytes         = 1 << 30
)

// IdleOptions configure RunIdle.
type IdleOptions struct {
	// Conversations is how many conversations are opened and left idle.
	Conversations int
	// Concurrency is how many are opened at once.
	Concurrency int
	// Cache is the worker's sticky cache size
	// (SWITCHBOARD_WORKER_STICKY_CACHE_SIZE); 0 keeps the SDK's default.
	Cache int
	JSON  bool
}

// ParseIdleFlags parses the flags of `switchboard bench idle`.
func ParseIdleFlags(args []string, errOut io.Writer) (IdleOptions, error) {
	o := IdleOptions{Conversations: idleTargetConversations, Concurrency: 16, Cache: 2000}
	fs := flag.NewFlagSet("bench idle", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.Conversations, "conversations", o.Conversations, "conversations opened and left waiting")
	fs.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "conversations opened at once")
	fs.IntVar(&o.Cache, "cache", o.Cache, "the worker's sticky cache size (0: the SDK's default)")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("bench idle: unexpected argument %q", fs.Arg(0))
	case o.Conversations < 1 || o.Conversations > 1_000_000:
		return o, errors.New("-conversations: must be 1 to 1000000")
	case o.Concurrency < 1 || o.Concurrency > 256:
		return o, errors.New("-concurrency: must be 1 to 256")
	case o.Cache < 0:
		return o, errors.New("-cache: must not be negative")
	}
	return o, nil
}

// IdleReport is what `switchboard bench idle` measured: the memory of a
// worker process holding open conversations that wait on their timers.
type IdleReport struct {
	Conversations int `json:"conversations"`
	// Open is how many were still running when the memory was read.
	Open  int `json:"open"`
	Cache int `json:"sticky_cache_size"`
	// Cached is the SDK's own count of workflows in the sticky cache.
	Cached int `json:"cached"`
	// The worker's resident memory before the first conversation, after
	// the last one was opened (its peak), and after they went idle.
	BaselineRSS int64 `json:"baseline_rss_bytes"`
	PeakRSS     int64 `json:"peak_rss_bytes"`
	IdleRSS     int64 `json:"idle_rss_bytes"`
	// HeapInuse is the Go heap in use once idle, from the worker's metrics.
	HeapInuse    int64   `json:"heap_inuse_bytes,omitempty"`
	OpenSeconds  float64 `json:"open_seconds"`
	OpenedPerSec float64 `json:"opened_per_second"`
	// PerGB is how many such open conversations a gigabyte holds, from
	// the memory they added to the worker's (the cache is bounded, so
	// beyond it each adds only what its cached neighbours do not).
	PerGB float64 `json:"conversations_per_gb"`
	Met   bool    `json:"target_met"`
}

// RunIdle opens conversations on a worker of their own, a `switchboard
// worker` process started for the run with a bounded sticky cache, leaves
// them waiting on their inactivity timers, and reads the worker's memory.
// The conversations are terminated at the end.
func RunIdle(ctx context.Context, cfg config.Config, out io.Writer, o IdleOptions) error {
	quietLogs(&cfg)
	if err := cfg.Validate(); err != nil {
		return err
	}
	d, seeded, _, err := demoStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	run := runID()
	queue := "switchboard-bench-idle-" + run
	w, err := startWorkerProcess(ctx, queue, o.Cache)
	if err != nil {
		return err
	}
	defer w.stop()

	b := &bench{c: d.Temporal, queue: queue, run: run, workspaceID: seeded.WorkspaceID}
	report := IdleReport{Conversations: o.Conversations, Cache: o.Cache}
	if report.BaselineRSS, _, err = w.memory(); err != nil {
		return err
	}
	var ids []string
	var idsMu sync.Mutex
	defer func() { terminateAll(d.Temporal, ids) }()
	var next, failed atomic.Int64
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(o.Conversations) {
					return
				}
				conv := &benchConversation{id: fmt.Sprintf("%sbench-idle-%s-%d", server.TestConversationPrefix, run, i)}
				conv.workflowID = workflows.ConversationWorkflowID(b.workspaceID, conv.id)
				idsMu.Lock()
				ids = append(ids, conv.workflowID)
				idsMu.Unlock()
				if err := b.send(ctx, conv); err != nil {
					failed.Add(1)
					errOnce.Do(func() { firstErr = err })
				}
				if !o.JSON && i%1000 == 0 {
					fmt.Fprintf(out, "%d conversations open …\n", i)
				}
			}
		})
	}
	wg.Wait()
	report.OpenSeconds = time.Since(start).Seconds()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d of %d conversations failed to open; the first: %w", n, o.Conversations, firstErr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	report.OpenedPerSec = float64(o.Conversations) / report.OpenSeconds
	// Let the records be written and the worker settle, then read.
	time.Sleep(5 * time.Second)
	if report.IdleRSS, report.PeakRSS, err = w.memory(); err != nil {
		return err
	}
	metrics, err := w.metrics()
	if err != nil {
		return err
	}
	report.HeapInuse = int64(metrics["go_memstats_heap_inuse_bytes"])
	report.Cached = int(metrics["temporal_sticky_cache_size"])
	if report.Open, err = countOpen(ctx, d.Temporal, queue); err != nil {
		return err
	}
	if added := report.PeakRSS - report.BaselineRSS; added > 0 {
		report.PerGB = float64(o.Conversations) * float64(1<<30) / float64(added)
	}
	report.Met = report.Open >= idleTargetConversations && report.PeakRSS <= idleTargetBytes
	if o.JSON {
		return writeJSON(out, report)
	}
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Fprintf(out, "\n%d conversations opened in %.0f s (%.1f/s), %d open and waiting on their timers\n",
		o.Conversations, report.OpenSeconds, report.OpenedPerSec, report.Open)
	fmt.Fprintf(out, "worker (its own process), sticky cache %d, %d workflows cached:\n", o.Cache, report.Cached)
	fmt.Fprintf(out, "  resident memory: %.0f MB before, %.0f MB at peak, %.0f MB idle; Go heap in use %.0f MB\n",
		mb(report.BaselineRSS), mb(report.PeakRSS), mb(report.IdleRSS), mb(report.HeapInuse))
	if report.PerGB > 0 {
		fmt.Fprintf(out, "  ≈ %.0f open conversations per GB of worker memory (from the peak)\n", report.PerGB)
	}
	fmt.Fprintf(out, "%s  %d open conversations on one worker within 1 GB: %d open, peak %.0f MB\n",
		verdict(report.Met), idleTargetConversations, report.Open, mb(report.PeakRSS))
	return nil
}

// workerProcess is a `switchboard worker` started by the bench.
type workerProcess struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

// startWorkerProcess starts this binary's worker on queue, with its health
// and metrics endpoint on a free local port, and waits until it is ready.
func startWorkerProcess(ctx context.Context, queue string, cache int) (*workerProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(self, "worker")
	cmd.Env = append(os.Environ(), "SWITCHBOARD_TASK_QUEUE="+queue, "SWITCHBOARD_WORKER_HTTP_ADDR="+addr,
		"SWITCHBOARD_LOG_LEVEL=warn")
	if cache > 0 {
		cmd.Env = append(cmd.Env, "SWITCHBOARD_WORKER_STICKY_CACHE_SIZE="+strconv.Itoa(cache))
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	w := &workerProcess{cmd: cmd, addr: addr, done: make(chan error, 1)}
	go func() { w.done <- cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return w, nil
			}
		}
		select {
		case err := <-w.done:
			return nil, fmt.Errorf("the worker exited: %v", err)
		case <-ctx.Done():
			w.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			w.stop()
			return nil, errors.New("the worker was not ready within a minute")
		}
	}
}

func (w *workerProcess) stop() {
	_ = w.cmd.Process.Signal(os.Interrupt)
	select {
	case <-w.done:
	case <-time.After(15 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
	}
}

// memory is the worker's resident memory now and at its peak (VmRSS and
// VmHWM of /proc).
func (w *workerProcess) memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
	if err != nil {
		return 0, 0, fmt.Errorf("worker memory: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, value, ok := strings.Cut(s.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("worker memory: %s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, s.Err()
}

// metrics reads the unlabelled samples of the worker's /metrics (a
// labelled one is summed under its name).
func (w *workerProcess) metrics() (map[string]float64, error) {
	resp, err := http.Get("http://" + w.addr + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("worker metrics: %w", err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	s := bufio.NewScanner(resp.Body)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
			value = line[strings.LastIndexByte(line, ' ')+1:]
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err == nil {
			out[name] += v
		}
	}
	return out, s.Err()
}

// countOpen counts the running workflows of queue (visibility is eventually
// consistent: it is asked until two answers agree).
func countOpen(ctx context.Context, c client.Client, queue string) (int, error) {
	query := fmt.Sprintf("TaskQueue = %q AND ExecutionStatus = 'Running'", queue)
	last := -1
	for range 20 {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			return 0, fmt.Errorf("count open conversations: %w", err)
		}
		n := int(resp.GetCount())
		if n == last {
			return n, nil
		}
		last = n
		time.Sleep(500 * time.Millisecond)
	}
	return last, nil
}

// terminateAll ends the bench's conversations, so none waits out its
// inactivity timer.
func terminateAll(c client.Client, ids []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for _, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_ = c.TerminateWorkflow(ctx, id, "", "bench idle: done")
		})
	}
	wg.Wait()
}
