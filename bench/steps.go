package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"golang.org/x/sync/errgroup"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/server"
)

// Where a measured call's time goes inside the worker: the bench's worker
// times every activity it runs (the turn's local activities among them)
// while a conversation phase is measured, and before the levels the bench
// calls a later turn's two reads itself, side by side as a turn runs them,
// with the stack otherwise idle. The two together show how much of a turn
// is its reads and how much slower those are while the Temporal server,
// the database, Weaviate and the worker share the machine (README, Speed).

// Phases whose activities stepTimer keeps.
const (
	phaseTurn  = "turn"
	phaseFirst = "first"
)

// stepTimer times the activities the worker runs while a phase is being
// measured, by phase and activity type.
type stepTimer struct {
	interceptor.WorkerInterceptorBase
	mu    sync.Mutex
	phase string
	times map[string]map[string][]time.Duration
}

func newStepTimer() *stepTimer {
	return &stepTimer{times: map[string]map[string][]time.Duration{}}
}

// measure has the activities that start from now on count for phase; ""
// stops counting.
func (t *stepTimer) measure(phase string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.phase = phase
}

// take returns the phase's activity times, summarised by activity type, and
// forgets them.
func (t *stepTimer) take(phase string) map[string]LatencySummary {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]LatencySummary{}
	for name, ds := range t.times[phase] {
		out[name] = summarize(ds, 0)
	}
	delete(t.times, phase)
	return out
}

func (t *stepTimer) add(phase, name string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.times[phase] == nil {
		t.times[phase] = map[string][]time.Duration{}
	}
	t.times[phase][name] = append(t.times[phase][name], d)
}

func (t *stepTimer) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &timedActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, timer: t}
}

// timedActivity times one activity for the phase measured when it started.
type timedActivity struct {
	interceptor.ActivityInboundInterceptorBase
	timer *stepTimer
}

func (a *timedActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	a.timer.mu.Lock()
	phase := a.timer.phase
	a.timer.mu.Unlock()
	start := time.Now()
	res, err := a.Next.ExecuteActivity(ctx, in)
	if phase != "" {
		a.timer.add(phase, activity.GetInfo(ctx).ActivityType.Name, time.Since(start))
	}
	return res, err
}

// aloneGap is the idle time before each pair of reads called alone: about
// the time between two turns' reads in a closed loop.
const aloneGap = 5 * time.Millisecond

// alone calls a later turn's two reads, LoadContext and Retrieve, n times
// side by side as a turn runs them, aloneGap apart, with the inputs the
// bench's turns give them, and summarises each one's time.
func (b *bench) alone(ctx context.Context, acts *activities.Activities, n int) (map[string]LatencySummary, error) {
	if n == 0 {
		return nil, nil
	}
	load := activities.LoadContextInput{
		WorkspaceID: b.workspaceID, ConversationID: "bench-alone", WorkflowID: "bench-alone",
		ChannelID: server.TestChannelID, VerifiedEmail: benchContact, Classify: true,
	}
	retrieve := activities.RetrieveInput{WorkspaceID: b.workspaceID, Limit: 5, Channel: "chat", Answer: true}
	// A later turn holds the configuration and knows the customer's tier
	// from its first turn.
	load.Text = benchQuestions[0]
	load.First = true
	first, err := acts.LoadContext(ctx, load)
	if err != nil {
		return nil, fmt.Errorf("alone: load context: %w", err)
	}
	load.First, load.ConfigDigest = false, first.ConfigDigest
	if first.Contact != nil {
		retrieve.Tier = first.Contact.Tier
	}
	var loads, retrievals []time.Duration
	for i := range n {
		time.Sleep(aloneGap)
		q := benchQuestions[i%len(benchQuestions)]
		load.Text, retrieve.Query = q, q
		var g errgroup.Group
		var tl, tr time.Duration
		g.Go(func() error {
			start := time.Now()
			_, err := acts.LoadContext(ctx, load)
			tl = time.Since(start)
			return err
		})
		g.Go(func() error {
			start := time.Now()
			_, err := acts.Retrieve(ctx, retrieve)
			tr = time.Since(start)
			return err
		})
		if err := g.Wait(); err != nil {
			return nil, fmt.Errorf("alone: %w", err)
		}
		loads, retrievals = append(loads, tl), append(retrievals, tr)
	}
	return map[string]LatencySummary{"LoadContext": summarize(loads, 0), "Retrieve": summarize(retrievals, 0)}, nil
}

// printSteps writes one line of activity p50s, by activity type.
func printSteps(out io.Writer, label string, steps map[string]LatencySummary) {
	if len(steps) == 0 {
		return
	}
	parts := make([]string, 0, len(steps))
	for _, name := range slices.Sorted(maps.Keys(steps)) {
		parts = append(parts, fmt.Sprintf("%s %.2f (%d)", name, steps[name].P50Ms, steps[name].Count))
	}
	fmt.Fprintf(out, "%s, p50 ms (calls): %s\n", label, strings.Join(parts, ", "))
}

// idleGap is the idle time before each round trip roundTrips times after
// idle: about the time a service waits between two turns in a closed loop.
const idleGap = 20 * time.Millisecond

// RoundTrip is one service's round trip, timed back to back and after
// idleGap of idleness.
type RoundTrip struct {
	BackToBackMs float64 `json:"back_to_back_p50_ms"`
	AfterIdleMs  float64 `json:"after_idle_p50_ms"`
	Count        int     `json:"count"`
}

// roundTrips times n round trips to PostgreSQL (SELECT 1; none on SQLite)
// and to Weaviate (a turn's search) back to back, then n more each after
// idleGap. On a machine whose processes wake slowly from idleness (a
// virtual machine whose idle CPUs halt), the difference is what each
// service a turn calls, and a bare Update does not, adds beyond its work
// (README, Speed).
func (b *bench) roundTrips(ctx context.Context, acts *activities.Activities, n int) (map[string]RoundTrip, error) {
	if n == 0 {
		return nil, nil
	}
	calls := map[string]func(i int) error{
		"Weaviate search": func(i int) error {
			hits, err := acts.Knowledge.SearchWith(ctx, knowledge.SearchRequest{
				WorkspaceID: b.workspaceID, Query: benchQuestions[i%len(benchQuestions)], Limit: 5})
			if err == nil && len(hits) == 0 {
				err = errors.New("no hits: the demo store is not indexed")
			}
			return err
		},
	}
	// SQLite runs in the process: no service to reach.
	if acts.DB.Dialector.Name() == "postgres" {
		sqlDB, err := acts.DB.DB()
		if err != nil {
			return nil, err
		}
		calls["PostgreSQL SELECT 1"] = func(int) error {
			var one int
			return sqlDB.QueryRowContext(ctx, "SELECT 1").Scan(&one)
		}
	}
	out := map[string]RoundTrip{}
	for name, call := range calls {
		var times [2][]time.Duration
		for k, gap := range []time.Duration{0, idleGap} {
			for i := range n {
				time.Sleep(gap)
				start := time.Now()
				if err := call(i); err != nil {
					return nil, fmt.Errorf("round trip, %s: %w", name, err)
				}
				times[k] = append(times[k], time.Since(start))
			}
		}
		out[name] = RoundTrip{
			BackToBackMs: summarize(times[0], 0).P50Ms, AfterIdleMs: summarize(times[1], 0).P50Ms, Count: n,
		}
	}
	return out, nil
}

// printRoundTrips writes one line of the services' round trips.
func printRoundTrips(out io.Writer, trips map[string]RoundTrip) {
	if len(trips) == 0 {
		return
	}
	parts := make([]string, 0, len(trips))
	for _, name := range slices.Sorted(maps.Keys(trips)) {
		t := trips[name]
		parts = append(parts, fmt.Sprintf("%s %.2f / %.2f (%d each)", name, t.BackToBackMs, t.AfterIdleMs, t.Count))
	}
	fmt.Fprintf(out, "round trips to the stack's services, p50 ms back to back / after %d ms idle: %s\n",
		idleGap.Milliseconds(), strings.Join(parts, ", "))
}
