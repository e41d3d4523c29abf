package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/worker"
	"github.com/switchboardhq/switchboard/workflows"
)

// The conversation workflow's performance targets: a later turn's p50
// within 1.5× of a bare Update round trip and a first message's within 2× of
// a bare Update-With-Start, with one conversation; at least 25 turns/s with
// 10 concurrent conversations on a 2-core machine.
const (
	benchTargetRatio      = 1.5
	benchTargetFirstRatio = 2.0
	benchTargetRatioLevel = 1
	benchTargetRate       = 25.0
	benchTargetRateLevel  = 10
)

// Options configure Run.
type Options struct {
	// Turns is how many turns each phase measures per concurrency level.
	Turns int
	// Warmup is how many turns each phase runs, unmeasured, before Turns.
	Warmup int
	// Rounds splits each phase's measured turns into this many blocks, the
	// bare Update's and the turns' alternating (bare, turns, turns, bare,
	// …), so that a machine whose speed drifts during the run slows both
	// alike and the ratio compares like with like. 0 chooses (see
	// bench.rounds).
	Rounds int
	// Concurrency lists the numbers of concurrent conversations to measure.
	Concurrency []int
	// JSON prints the report as JSON instead of a table.
	JSON bool
	// Pause is how long each conversation waits after a reply before its
	// next message, in both phases (0: a closed loop). Customers take
	// seconds to write; in a closed loop each turn also competes with the
	// previous turns' records and the server's work after each task.
	Pause time.Duration
	// Firsts is how many new conversations' first messages each level
	// measures (next to as many bare Update-With-Starts).
	Firsts int
	// CPUProfile, when set, is a file to write a CPU profile of this
	// process (the worker and the client) to, over the whole run.
	CPUProfile string
	// Alone is how many times a later turn's two reads are called by the
	// bench itself before the levels, to compare with their time inside
	// the turns, and how many round trips to each service are timed back
	// to back and after idleness (0: not at all).
	Alone int
}

// DefaultOptions are the options of a plain `switchboard bench`.
func DefaultOptions() Options {
	return Options{Turns: 200, Warmup: 20, Concurrency: []int{1, 10}, Firsts: 40, Alone: 100}
}

// ParseFlags parses the flags of `switchboard bench`.
func ParseFlags(args []string, errOut io.Writer) (Options, error) {
	opts := DefaultOptions()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&opts.Turns, "turns", opts.Turns, "measured turns per phase and concurrency level")
	fs.IntVar(&opts.Warmup, "warmup", opts.Warmup, "unmeasured turns per phase before measuring")
	fs.IntVar(&opts.Rounds, "rounds", opts.Rounds, "blocks each phase's measured turns are split into, the phases alternating (0: as many as give each block 4 calls per concurrent conversation, at most 50)")
	levels := fs.String("concurrency", "1,10", "comma-separated numbers of concurrent conversations")
	fs.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	fs.DurationVar(&opts.Pause, "pause", 0, "pause after each reply before a conversation's next message (e.g. 100ms)")
	fs.IntVar(&opts.Firsts, "firsts", opts.Firsts, "new conversations whose first message each level measures")
	fs.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the worker and client to this file")
	fs.IntVar(&opts.Alone, "alone", opts.Alone, "times a later turn's two reads are called alone before the levels, and each service's round trip is timed back to back and after idleness (0: none)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	opts.Concurrency = nil
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return opts, fmt.Errorf("-concurrency: %q is not a number", s)
		}
		opts.Concurrency = append(opts.Concurrency, n)
	}
	return opts, opts.validate()
}

func (o Options) validate() error {
	switch {
	case o.Turns < 1:
		return fmt.Errorf("-turns: must be at least 1")
	case o.Warmup < 0:
		return fmt.Errorf("-warmup: must not be negative")
	case o.Rounds < 0 || o.Rounds > o.Turns:
		return fmt.Errorf("-rounds: must be between 0 and -turns (%d)", o.Turns)
	case o.Pause < 0 || o.Pause > time.Minute:
		return fmt.Errorf("-pause: must be between 0 and 1m")
	case o.Firsts < 0:
		return fmt.Errorf("-firsts: must not be negative")
	case o.Alone < 0:
		return fmt.Errorf("-alone: must not be negative")
	case len(o.Concurrency) == 0:
		return fmt.Errorf("-concurrency: give at least one level")
	}
	for _, n := range o.Concurrency {
		if n < 1 || n > 100 {
			return fmt.Errorf("-concurrency: %d is not between 1 and 100", n)
		}
	}
	return nil
}

// LatencySummary summarises the latencies of one phase.
type LatencySummary struct {
	Count int     `json:"count"`
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	MaxMs float64 `json:"max_ms"`
	// WallMs is the phase's wall time, from its first call to its last reply.
	WallMs float64 `json:"wall_ms"`
	// PerSecond is Count divided by the wall time.
	PerSecond float64 `json:"per_second"`
}

// summarize computes p50, p95 (nearest rank), max and throughput.
func summarize(samples []time.Duration, wall time.Duration) LatencySummary {
	s := LatencySummary{Count: len(samples), WallMs: ms(wall)}
	if len(samples) == 0 {
		return s
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	s.P50Ms = ms(percentile(sorted, 50))
	s.P95Ms = ms(percentile(sorted, 95))
	s.MaxMs = ms(sorted[len(sorted)-1])
	if wall > 0 {
		s.PerSecond = float64(len(samples)) / wall.Seconds()
	}
	return s
}

// percentile returns the nearest-rank p-th percentile of sorted samples:
// the smallest sample at least p% of the samples are less than or equal to.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeJSON prints a report as indented JSON (the commands' -json).
func writeJSON(out io.Writer, report any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

// verdict says whether a target was met.
func verdict(met bool) string {
	if met {
		return "PASS"
	}
	return "MISS"
}

// quietLogs keeps the commands' logs to warnings unless
// SWITCHBOARD_LOG_LEVEL says otherwise: the report is the output.
func quietLogs(cfg *config.Config) {
	if !cfg.IsSet("SWITCHBOARD_LOG_LEVEL") {
		cfg.LogLevel = "warn"
	}
}

// Level is what one concurrency level measured.
type Level struct {
	Concurrency int `json:"concurrency"`
	// Bare is an Update round trip on a workflow whose handler returns its
	// argument: the floor any turn pays.
	Bare LatencySummary `json:"bare_update"`
	// Turn is a conversation turn after the first: an Update of
	// ConversationWorkflow, from the call to the agent's reply.
	Turn LatencySummary `json:"conversation_turn"`
	// FirstMessage is a new conversation's first message, the
	// Update-With-Start the API sends, measured over Options.Firsts new
	// conversations; BareStart an Update-With-Start that starts an echo
	// workflow the same way, in alternating rounds with it.
	FirstMessage LatencySummary `json:"first_message"`
	BareStart    LatencySummary `json:"bare_update_with_start"`
	// FirstRatio is FirstMessage.P50Ms / BareStart.P50Ms.
	FirstRatio float64 `json:"first_message_p50_ratio"`
	// Ratio is Turn.P50Ms / Bare.P50Ms.
	Ratio float64 `json:"p50_ratio"`
	// Rounds and FirstRounds are how many alternating rounds the turns and
	// the first messages were measured in.
	Rounds      int `json:"rounds"`
	FirstRounds int `json:"first_rounds"`
	// Replies counts the level's replies by outcome, as a check that the
	// agent answered from content rather than taking a shorter path.
	Replies Replies `json:"replies"`
	// TurnSteps and FirstSteps are the activities the worker ran while the
	// turns and the first messages were measured, timed by activity type
	// (the turn's local activities, and the records written meanwhile).
	TurnSteps  map[string]LatencySummary `json:"turn_steps,omitempty"`
	FirstSteps map[string]LatencySummary `json:"first_message_steps,omitempty"`
	// CPU is the CPU time every process on the machine spent per measured
	// call of each phase (Linux only; see cpu.go).
	CPU PhasesCPU `json:"cpu_per_call"`
}

// PhasesCPU is a level's CPU per call by phase, nil where it was not read.
type PhasesCPU struct {
	Bare         *CPUPerCall `json:"bare_update,omitempty"`
	Turn         *CPUPerCall `json:"conversation_turn,omitempty"`
	BareStart    *CPUPerCall `json:"bare_update_with_start,omitempty"`
	FirstMessage *CPUPerCall `json:"first_message,omitempty"`
}

// Replies counts the agent's replies of a level.
type Replies struct {
	Answered  int `json:"answered"`
	Unknown   int `json:"unknown"`
	HandedOff int `json:"handed_off"`
}

// Target is one target and whether the run met it.
type Target struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Met    bool    `json:"met"`
	Detail string  `json:"detail"`
}

// Report is everything `switchboard bench` measured.
type Report struct {
	TemporalAddress string `json:"temporal_address"`
	Namespace       string `json:"namespace"`
	TaskQueue       string `json:"task_queue"`
	Generator       string `json:"generator"`
	Turns           int    `json:"turns"`
	Warmup          int    `json:"warmup"`
	// Rounds is the -rounds asked for, 0 when each level chose its own
	// (Level.Rounds and Level.FirstRounds are the rounds run).
	Rounds  int      `json:"rounds"`
	PauseMs float64  `json:"pause_ms"`
	Levels  []Level  `json:"levels"`
	Targets []Target `json:"targets"`
	// Alone is a later turn's two reads, LoadContext and Retrieve, called
	// by the bench itself before the levels (Options.Alone pairs, side by
	// side, 5 ms apart): their time with the stack otherwise idle.
	Alone map[string]LatencySummary `json:"reads_alone,omitempty"`
	// RoundTrips are PostgreSQL's and Weaviate's round trips, back to back
	// and after idleness (Options.Alone of each), before the levels.
	RoundTrips map[string]RoundTrip `json:"round_trips,omitempty"`
}

// The bare workflow measured next to the conversation: no activities, an
// Update handler that returns its argument.
const (
	benchEchoWorkflowName = "switchboard_bench_echo"
	benchEchoUpdate       = "echo"
	// benchEchoIdle ends an echo workflow a crashed bench left behind.
	benchEchoIdle = 10 * time.Minute
)

// benchEchoWorkflow answers each echo update with its argument until it is
// closed (workflows.SignalClose) or idle for benchEchoIdle. Like a
// conversation, it continues as new after workflows.DefaultMaxTurnsPerRun
// updates: a run's history grows with its updates, and the server's work on
// an update with it (a bare Update took 7.2 ms p50 over 40 updates and 9.0 ms
// over 1,800 in one run of the sixth session of 2026-12-06), so the bare
// Update and the turns it is compared with keep histories alike however many
// calls are measured.
func benchEchoWorkflow(ctx workflow.Context) error {
	answered := 0
	err := workflow.SetUpdateHandler(ctx, benchEchoUpdate,
		func(_ workflow.Context, msg workflows.CustomerMessage) (workflows.CustomerMessage, error) {
			answered++
			return msg, nil
		})
	if err != nil {
		return err
	}
	closed := false
	closeCh := workflow.GetSignalChannel(ctx, workflows.SignalClose)
	workflow.Go(ctx, func(ctx workflow.Context) {
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		defer cancelTimer()
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(closeCh, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		sel.AddFuture(workflow.NewTimer(timerCtx, benchEchoIdle), func(workflow.Future) {})
		sel.Select(ctx)
		closed = true
	})
	if err := workflow.Await(ctx, func() bool {
		return (closed || answered >= workflows.DefaultMaxTurnsPerRun) && workflow.AllHandlersFinished(ctx)
	}); err != nil {
		return err
	}
	if closed || closeCh.Len() > 0 {
		return nil
	}
	return workflow.NewContinueAsNewError(ctx, benchEchoWorkflowName)
}

// benchQuestions are customer questions the demo store's articles answer.
var benchQuestions = []string{
	"How long does shipping take?",
	"What is your return window?",
	"Do you ship to Canada?",
	"What sizes do notebooks come in?",
	"How much does express shipping cost?",
	"What are your desk organisers made of?",
}

// benchContact is a standard-tier demo contact: the turn loads a contact as
// a widget message with an email does, and no handoff rule applies to it.
const benchContact = "ada@example.com"

// benchCallTimeout bounds one measured call, as the API bounds a turn.
const benchCallTimeout = 2 * time.Minute

// startCPUProfile writes a CPU profile of this process to path until stop
// is called; with no path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// autoRounds is the most alternating rounds a phase is split into when
// Options.Rounds is 0.
const autoRounds = 50

// rounds is how many alternating rounds a phase of calls calls at
// concurrency n is split into: Options.Rounds (at most one call each), or
// when it is 0 as many as give each round 4 calls per concurrent caller, at
// most autoRounds. Short rounds compare like with like on a machine whose
// speed drifts from second to second; a round shorter than the callers
// would not run them all at once.
func (b *bench) rounds(n, calls int) int {
	if b.opts.Rounds > 0 {
		return min(b.opts.Rounds, calls)
	}
	return max(1, min(autoRounds, calls/(4*n)))
}

// runID names one run's task queue and workflows apart from any other's.
func runID() string { return fmt.Sprintf("%08x", rand.Uint32()) }

// Run measures, against the configured Temporal, Weaviate and database,
// the latency and throughput of conversation turns next to a bare Update
// round trip, for each concurrency level, and prints them with the targets
// met or missed. It measures; it does not fail on a missed target.
func Run(ctx context.Context, cfg config.Config, out io.Writer, opts Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	quietLogs(&cfg)
	if err := cfg.Validate(); err != nil {
		return err
	}
	d, seeded, _, err := demoStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()

	stopProfile, err := startCPUProfile(opts.CPUProfile)
	if err != nil {
		return err
	}
	defer stopProfile()

	run := runID()
	b := &bench{c: d.Temporal, queue: "switchboard-bench-" + run, run: run, workspaceID: seeded.WorkspaceID, opts: opts, steps: newStepTimer()}
	acts := d.Activities()
	w := worker.New(d.Temporal, b.queue, acts,
		worker.WithTuning(sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{b.steps}}))
	w.RegisterWorkflowWithOptions(benchEchoWorkflow, workflow.RegisterOptions{Name: benchEchoWorkflowName})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	// Runs before w.Stop: whatever an interrupted level left open is closed
	// while the worker can still end it.
	defer b.closeAll()

	report := Report{
		TemporalAddress: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, TaskQueue: b.queue,
		Generator: "extractive (no LLM)", Turns: opts.Turns, Warmup: opts.Warmup, Rounds: opts.Rounds, PauseMs: ms(opts.Pause),
	}
	if cfg.LLMBaseURL != "" {
		report.Generator = "LLM " + cfg.LLMModel + " at " + cfg.LLMBaseURL
	}
	// Before the levels, whose closing conversations' last records would
	// run alongside.
	if report.Alone, err = b.alone(ctx, acts, opts.Alone); err != nil {
		return err
	}
	if report.RoundTrips, err = b.roundTrips(ctx, acts, opts.Alone); err != nil {
		return err
	}
	for _, n := range opts.Concurrency {
		if !opts.JSON {
			fmt.Fprintf(out, "measuring %d concurrent conversation(s) …\n", n)
		}
		level, err := b.level(ctx, n)
		if err != nil {
			return err
		}
		report.Levels = append(report.Levels, level)
	}
	report.Targets = benchTargets(report.Levels)
	if opts.JSON {
		return writeJSON(out, report)
	}
	printBenchReport(out, report)
	return nil
}

type bench struct {
	c           client.Client
	queue       string
	run         string
	workspaceID string
	opts        Options
	steps       *stepTimer

	mu   sync.Mutex
	open []string // workflow IDs to close
}

// level measures the bare Update and conversation turns, with n of each
// running at once, in alternating rounds, and closes its workflows before
// the next level starts.
func (b *bench) level(ctx context.Context, n int) (Level, error) {
	level := Level{Concurrency: n}

	echoIDs := make([]string, n)
	for i := range echoIDs {
		echoIDs[i] = fmt.Sprintf("bench-echo:%s:%d:%d", b.run, n, i)
		_, err := b.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: echoIDs[i], TaskQueue: b.queue}, benchEchoWorkflowName)
		if err != nil {
			return level, fmt.Errorf("start echo workflow: %w", err)
		}
		b.track(echoIDs[i])
	}
	var seq atomic.Int64
	bareCall := func(ctx context.Context, i int) error {
		msg := workflows.CustomerMessage{ID: fmt.Sprintf("e%d", seq.Add(1)), Text: benchQuestions[0], ChannelID: server.TestChannelID}
		var echoed workflows.CustomerMessage
		// Sent as a turn is (an echo run continues as new too).
		err := workflows.AwaitUpdate(ctx, func(ctx context.Context) (client.WorkflowUpdateHandle, error) {
			return b.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: echoIDs[i], UpdateID: msg.ID, UpdateName: benchEchoUpdate,
				Args: []any{msg}, WaitForStage: client.WorkflowUpdateStageCompleted,
			})
		}, &echoed)
		if err != nil {
			return fmt.Errorf("echo update: %w", err)
		}
		return nil
	}
	if _, _, err := b.loop(ctx, n, b.opts.Warmup, bareCall); err != nil {
		return level, err
	}

	// The turn phase's conversations, started (their first messages are
	// measured apart, in firsts).
	convs := make([]*benchConversation, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range convs {
		convs[i] = &benchConversation{id: fmt.Sprintf("%sbench-%s-%d-%d", server.TestConversationPrefix, b.run, n, i), question: i}
		convs[i].workflowID = workflows.ConversationWorkflowID(b.workspaceID, convs[i].id)
		b.track(convs[i].workflowID)
		wg.Go(func() { errs[i] = b.send(ctx, convs[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return level, err
	}
	if err := b.firsts(ctx, n, &level, &seq); err != nil {
		return level, err
	}
	turnCall := func(ctx context.Context, i int) error { return b.send(ctx, convs[i]) }
	if _, _, err := b.loop(ctx, n, b.opts.Warmup, turnCall); err != nil {
		return level, err
	}

	var bare, turns phaseTimes
	level.Rounds = b.rounds(n, b.opts.Turns)
	for r := range level.Rounds {
		calls := b.opts.Turns/level.Rounds + btoi(r < b.opts.Turns%level.Rounds)
		phases := [2]struct {
			times *phaseTimes
			call  func(context.Context, int) error
			steps string
		}{{&bare, bareCall, ""}, {&turns, turnCall, phaseTurn}}
		if r%2 == 1 {
			phases[0], phases[1] = phases[1], phases[0]
		}
		for _, p := range phases {
			if err := b.block(ctx, n, calls, p.times, p.call, p.steps); err != nil {
				return level, err
			}
		}
	}
	level.Bare = summarize(bare.latencies, bare.wall)
	level.Turn = summarize(turns.latencies, turns.wall)
	level.CPU.Bare, level.CPU.Turn = bare.cpu.perCall(), turns.cpu.perCall()
	level.TurnSteps = b.steps.take(phaseTurn)
	if level.Bare.P50Ms > 0 {
		level.Ratio = level.Turn.P50Ms / level.Bare.P50Ms
	}
	for _, c := range convs {
		level.Replies.Answered += c.replies.Answered
		level.Replies.Unknown += c.replies.Unknown
		level.Replies.HandedOff += c.replies.HandedOff
	}
	b.closeAll()
	return level, nil
}

// phaseTimes are one phase's measured latencies, the wall time they took
// and the CPU time the machine's processes spent meanwhile, over every
// round.
type phaseTimes struct {
	latencies []time.Duration
	wall      time.Duration
	cpu       cpuUse
}

// block measures one round's block of a phase: calls calls over n
// concurrent callers, the activities they run counted for steps.
func (b *bench) block(ctx context.Context, n, calls int, times *phaseTimes, call func(context.Context, int) error, steps string) error {
	b.steps.measure(steps)
	defer b.steps.measure("")
	before, cpuRead := readCPUTimes(false)
	latencies, wall, err := b.loop(ctx, n, calls, call)
	if err != nil {
		return err
	}
	if after, ok := readCPUTimes(true); ok && cpuRead {
		times.cpu.add(before, after, calls)
	}
	times.latencies = append(times.latencies, latencies...)
	times.wall += wall
	return nil
}

// loop runs total calls of call, spread over n workers that each call one
// at a time (a closed loop), and returns their latencies and the wall time
// they took.
func (b *bench) loop(ctx context.Context, n, total int, call func(ctx context.Context, i int) error) ([]time.Duration, time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	latencies := make([]time.Duration, total)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				callCtx, cancelCall := context.WithTimeout(ctx, benchCallTimeout)
				t0 := time.Now()
				err := call(callCtx, w)
				latencies[i] = time.Since(t0)
				cancelCall()
				if err != nil {
					cancel(err)
					return
				}
				if b.opts.Pause > 0 {
					select {
					case <-time.After(b.opts.Pause):
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return nil, 0, err
	}
	return latencies, wall, nil
}

// benchConversation is one test conversation a bench worker talks in.
type benchConversation struct {
	id         string
	workflowID string
	sent       int
	question   int
	replies    Replies
}

// send sends the conversation's next message and waits for the reply: the
// first as the API's Update-With-Start, the next ones as Updates.
func (b *bench) send(ctx context.Context, conv *benchConversation) error {
	conv.sent++
	msg := workflows.CustomerMessage{
		ID:        fmt.Sprintf("%s-m%d", conv.id, conv.sent),
		Text:      benchQuestions[(conv.question+conv.sent)%len(benchQuestions)],
		Verified:  &workflows.Identity{Email: benchContact, Method: workflows.IdentityToken},
		ChannelID: server.TestChannelID,
	}
	send := func(ctx context.Context) (client.WorkflowUpdateHandle, error) {
		if conv.sent == 1 {
			// The same Update-With-Start the API sends for a test conversation.
			input := workflows.ConversationInput{
				WorkspaceID: b.workspaceID, ConversationID: conv.id,
				ChannelID: server.TestChannelID, ChannelType: "chat", Test: true,
			}
			return b.c.UpdateWithStartWorkflow(ctx, workflows.CustomerMessageStart(b.c, input, msg, b.queue))
		}
		update := workflows.CustomerMessageUpdate(msg)
		update.WorkflowID = conv.workflowID
		return b.c.UpdateWorkflow(ctx, update)
	}
	// As the API does, an update the server dropped unrun is sent again.
	var reply workflows.AgentReply
	if err := workflows.AwaitUpdate(ctx, send, &reply); err != nil {
		return fmt.Errorf("conversation %s, message %d: %w", conv.id, conv.sent, err)
	}
	switch {
	case reply.HandedOff || reply.Status != workflows.StatusAIActive:
		conv.replies.HandedOff++
	case reply.Known:
		conv.replies.Answered++
	default:
		conv.replies.Unknown++
	}
	return nil
}

func (b *bench) track(workflowID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.open = append(b.open, workflowID)
}

// closeAll closes the open workflows and waits until they have ended, so
// they neither linger nor weigh on the next measurement.
func (b *bench) closeAll() {
	b.mu.Lock()
	ids := b.open
	b.open = nil
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := b.c.SignalWorkflow(ctx, id, "", workflows.SignalClose, workflows.Close{By: "bench"}); err != nil {
				return // not running: nothing to close
			}
			_ = b.c.GetWorkflow(ctx, id, "").Get(ctx, nil)
		})
	}
	wg.Wait()
}

// benchTargets checks the targets against the levels measured.
func benchTargets(levels []Level) []Target {
	var out []Target
	for _, l := range levels {
		if l.Concurrency == benchTargetRatioLevel {
			out = append(out, Target{
				Name:  fmt.Sprintf("turn p50 within %g× of the bare Update at concurrency %d", benchTargetRatio, l.Concurrency),
				Value: l.Ratio, Limit: benchTargetRatio, Met: l.Ratio <= benchTargetRatio,
				Detail: fmt.Sprintf("%.1f ms / %.1f ms = %.1f× (target ≤ %g×)", l.Turn.P50Ms, l.Bare.P50Ms, l.Ratio, benchTargetRatio),
			})
		}
		if l.Concurrency == benchTargetRatioLevel && l.BareStart.Count > 0 {
			out = append(out, Target{
				Name:  fmt.Sprintf("first message p50 within %g× of a bare Update-With-Start at concurrency %d", benchTargetFirstRatio, l.Concurrency),
				Value: l.FirstRatio, Limit: benchTargetFirstRatio, Met: l.FirstRatio <= benchTargetFirstRatio,
				Detail: fmt.Sprintf("%.1f ms / %.1f ms = %.1f× (target ≤ %g×)", l.FirstMessage.P50Ms, l.BareStart.P50Ms, l.FirstRatio, benchTargetFirstRatio),
			})
		}
		if l.Concurrency == benchTargetRateLevel {
			out = append(out, Target{
				Name:  fmt.Sprintf("at least %g turns/s at concurrency %d", benchTargetRate, l.Concurrency),
				Value: l.Turn.PerSecond, Limit: benchTargetRate, Met: l.Turn.PerSecond >= benchTargetRate,
				Detail: fmt.Sprintf("%.1f turns/s (target ≥ %g)", l.Turn.PerSecond, benchTargetRate),
			})
		}
	}
	return out
}

// phaseNames are the phases as the report names them.
var phaseNames = struct{ bare, turn, bareStart, first string }{
	"bare Update (echo workflow)", "conversation turn (Update)",
	"bare Update-With-Start (echo)", "first message (Update-With-Start)",
}

func printBenchReport(out io.Writer, r Report) {
	fmt.Fprintf(out, "\nSwitchboard bench: Temporal %s (namespace %s), task queue %s, answers: %s\n",
		r.TemporalAddress, r.Namespace, r.TaskQueue, r.Generator)
	fmt.Fprintf(out, "%d measured calls per phase after %d warm-up calls, in alternating rounds (see each level); latency from the client call to the reply",
		r.Turns, r.Warmup)
	if r.PauseMs > 0 {
		fmt.Fprintf(out, "; each conversation pauses %.0f ms after a reply", r.PauseMs)
	}
	fmt.Fprint(out, "\n\n")
	fmt.Fprintf(out, "%13s  %-34s %6s %8s %8s %8s %8s\n", "conversations", "phase", "calls", "p50 ms", "p95 ms", "max ms", "per s")
	for _, l := range r.Levels {
		for _, row := range []struct {
			name string
			s    LatencySummary
		}{
			{phaseNames.bare, l.Bare},
			{phaseNames.turn, l.Turn},
			{phaseNames.bareStart, l.BareStart},
			{phaseNames.first, l.FirstMessage},
		} {
			fmt.Fprintf(out, "%13d  %-34s %6d %8.1f %8.1f %8.1f %8.1f\n",
				l.Concurrency, row.name, row.s.Count, row.s.P50Ms, row.s.P95Ms, row.s.MaxMs, row.s.PerSecond)
		}
	}
	fmt.Fprintln(out)
	for _, l := range r.Levels {
		fmt.Fprintf(out, "%d conversation(s): first message p50 / bare Update-With-Start p50 = %.1f× (%d rounds)\n",
			l.Concurrency, l.FirstRatio, l.FirstRounds)
		fmt.Fprintf(out, "%d conversation(s): turn p50 / bare Update p50 = %.1f× (%d rounds); replies: %d answered from content, %d not known, %d handed off\n",
			l.Concurrency, l.Ratio, l.Rounds, l.Replies.Answered, l.Replies.Unknown, l.Replies.HandedOff)
		printSteps(out, fmt.Sprintf("%d conversation(s): activities run while first messages were measured", l.Concurrency), l.FirstSteps)
		printSteps(out, fmt.Sprintf("%d conversation(s): activities run while later turns were measured", l.Concurrency), l.TurnSteps)
		if c := l.CPU; c != (PhasesCPU{}) {
			fmt.Fprintf(out, "%d conversation(s): CPU time per call, every process on this machine:\n", l.Concurrency)
			printCPU(out, phaseNames.bare, c.Bare)
			printCPU(out, phaseNames.turn, c.Turn)
			printCPU(out, phaseNames.bareStart, c.BareStart)
			printCPU(out, phaseNames.first, c.FirstMessage)
		}
	}
	printSteps(out, fmt.Sprintf("a later turn's two reads called alone, side by side, %d ms apart", aloneGap.Milliseconds()), r.Alone)
	printRoundTrips(out, r.RoundTrips)
	fmt.Fprintln(out)
	if len(r.Targets) == 0 {
		fmt.Fprintf(out, "targets: none checked (they need concurrency levels %d and %d)\n", benchTargetRatioLevel, benchTargetRateLevel)
	}
	for _, t := range r.Targets {
		fmt.Fprintf(out, "%s  %s: %s\n", verdict(t.Met), t.Name, t.Detail)
	}
}

// firsts measures new conversations' first messages next to bare
// Update-With-Starts of echo workflows started as the API starts a
// conversation, in alternating rounds of n concurrent callers.
func (b *bench) firsts(ctx context.Context, n int, level *Level, seq *atomic.Int64) error {
	if b.opts.Firsts == 0 {
		return nil
	}
	bareStart := func(ctx context.Context, _ int) error {
		id := fmt.Sprintf("bench-echo-start:%s:%d:%d", b.run, n, seq.Add(1))
		b.track(id)
		msg := workflows.CustomerMessage{ID: id, Text: benchQuestions[0], ChannelID: server.TestChannelID}
		start := b.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: id, TaskQueue: b.queue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SearchWorkspaceID.ValueSet(b.workspaceID), workflows.SearchChannel.ValueSet("chat"),
				workflows.SearchStatus.ValueSet(workflows.StatusAIActive), workflows.SearchTestConversation.ValueSet(true),
			),
		}, benchEchoWorkflowName)
		h, err := b.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{UpdateID: msg.ID, UpdateName: benchEchoUpdate, Args: []any{msg},
				WaitForStage: client.WorkflowUpdateStageCompleted}})
		if err != nil {
			return fmt.Errorf("echo update-with-start: %w", err)
		}
		var echoed workflows.CustomerMessage
		return h.Get(ctx, &echoed)
	}
	first := func(ctx context.Context, _ int) error {
		conv := &benchConversation{id: fmt.Sprintf("%sbench-first-%s-%d-%d", server.TestConversationPrefix, b.run, n, seq.Add(1))}
		conv.workflowID = workflows.ConversationWorkflowID(b.workspaceID, conv.id)
		b.track(conv.workflowID)
		return b.send(ctx, conv)
	}
	var bare, firsts phaseTimes
	rounds := b.rounds(n, b.opts.Firsts)
	level.FirstRounds = rounds
	for r := range rounds {
		calls := b.opts.Firsts/rounds + btoi(r < b.opts.Firsts%rounds)
		phases := [2]struct {
			times *phaseTimes
			call  func(context.Context, int) error
			steps string
		}{{&bare, bareStart, ""}, {&firsts, first, phaseFirst}}
		if r%2 == 1 {
			phases[0], phases[1] = phases[1], phases[0]
		}
		for _, p := range phases {
			if err := b.block(ctx, n, calls, p.times, p.call, p.steps); err != nil {
				return err
			}
		}
	}
	level.BareStart = summarize(bare.latencies, bare.wall)
	level.FirstMessage = summarize(firsts.latencies, firsts.wall)
	level.CPU.BareStart, level.CPU.FirstMessage = bare.cpu.perCall(), firsts.cpu.perCall()
	level.FirstSteps = b.steps.take(phaseFirst)
	if level.BareStart.P50Ms > 0 {
		level.FirstRatio = level.FirstMessage.P50Ms / level.BareStart.P50Ms
	}
	return nil
}

// demoStack connects to the configured Temporal, Weaviate and database,
// prepares them and seeds and indexes the demo workspace the bench drives.
func demoStack(ctx context.Context, cfg config.Config) (*app.Deps, demo.Seeded, demo.Keys, error) {
	d, err := app.Connect(cfg, app.Logger(cfg))
	if err != nil {
		return nil, demo.Seeded{}, demo.Keys{}, err
	}
	seeded, keys, err := func() (demo.Seeded, demo.Keys, error) {
		if err := d.Prepare(ctx, 30*time.Second); err != nil {
			return demo.Seeded{}, demo.Keys{}, err
		}
		seeded, keys, err := demo.Seed(ctx, d.DB, time.Now().UTC())
		if err != nil {
			return seeded, keys, err
		}
		return seeded, keys, demo.Index(ctx, d.DB, d.Knowledge, seeded.WorkspaceID)
	}()
	if err != nil {
		d.Close()
		return nil, seeded, keys, err
	}
	return d, seeded, keys, nil
}
