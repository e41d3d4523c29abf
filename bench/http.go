package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/app"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/worker"
)

// HTTPOptions configure RunHTTP.
type HTTPOptions struct {
	// Customers is how many simulated customers write at once.
	Customers int
	// Conversations is how many conversations they open in all.
	Conversations int
	// FollowUps is how many messages each sends after its first.
	FollowUps int
	// URL and Key, when set, are a running API and a widget key of it;
	// unset, the bench runs its own API and worker on the configured
	// database, Temporal and Weaviate with the demo workspace.
	URL, Key string
	JSON     bool
	// Warmup is how many conversations are opened, unmeasured, before the
	// measured ones: a worker's first conversations of a workspace load
	// what it then keeps (the issue-type model, the configuration).
	Warmup int
	// CPUProfile, when set, is a file to write a CPU profile of the
	// measured conversations to (the in-process API and worker, and the
	// simulated customers).
	CPUProfile string
}

// ParseHTTPFlags parses the flags of `switchboard bench http`.
func ParseHTTPFlags(args []string, errOut io.Writer) (HTTPOptions, error) {
	o := HTTPOptions{Customers: 16, Conversations: 300, FollowUps: 1, Warmup: 16}
	fs := flag.NewFlagSet("bench http", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.Customers, "customers", o.Customers, "simulated customers writing at once")
	fs.IntVar(&o.Conversations, "conversations", o.Conversations, "new conversations in all")
	fs.IntVar(&o.FollowUps, "followups", o.FollowUps, "messages each conversation sends after its first")
	fs.StringVar(&o.URL, "url", "", "a running API (default: the bench runs its own)")
	fs.StringVar(&o.Key, "key", "", "a widget key of the API at -url")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.IntVar(&o.Warmup, "warmup", o.Warmup, "conversations opened, unmeasured, before the measured ones")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured conversations to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.Warmup < 0 || o.Warmup > 10_000:
		return o, errors.New("-warmup: must be 0 to 10000")
	case o.Customers < 1 || o.Customers > 1000:
		return o, errors.New("-customers: must be 1 to 1000")
	case o.Conversations < 1 || o.Conversations > 1_000_000:
		return o, errors.New("-conversations: must be 1 to 1000000")
	case o.FollowUps < 0 || o.FollowUps > 20:
		return o, errors.New("-followups: must be 0 to 20")
	case (o.URL == "") != (o.Key == ""):
		return o, errors.New("-url and -key go together")
	}
	return o, nil
}

// HTTPReport is what `switchboard bench http` measured: each request from
// the customer's side, first messages and follow-ups apart.
type HTTPReport struct {
	URL           string         `json:"url"`
	Database      string         `json:"database"`
	Customers     int            `json:"customers"`
	Conversations int            `json:"conversations"`
	FirstMessage  LatencySummary `json:"first_message"`
	FollowUp      LatencySummary `json:"follow_up"`
	Errors        int            `json:"errors"`
	// ErrorSample is the first error, for the reader.
	ErrorSample      string  `json:"error_sample,omitempty"`
	WallSeconds      float64 `json:"wall_seconds"`
	ConversationsSec float64 `json:"conversations_per_second"`
	MessagesSec      float64 `json:"messages_per_second"`
	P99FirstMs       float64 `json:"first_message_p99_ms"`
	P99FollowUpMs    float64 `json:"follow_up_p99_ms"`
}

// RunHTTP simulates customers through the HTTP API: each opens
// conversations one after another (a new conversation ID, a first message,
// then its follow-ups) and every request is timed from the client.
func RunHTTP(ctx context.Context, cfg config.Config, out io.Writer, o HTTPOptions) error {
	report := HTTPReport{Customers: o.Customers, Conversations: o.Conversations, URL: o.URL}
	if o.URL == "" {
		quietLogs(&cfg)
		d, _, keys, err := demoStack(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.Close()
		url, stop, err := ownAPI(d, cfg, "switchboard-bench-http-"+runID())
		if err != nil {
			return err
		}
		defer stop()
		o.URL, o.Key = url, keys.Widget
		report.URL = o.URL + " (in-process)"
		report.Database = cfg.EffectiveDatabaseURL()
		if kind, _, err := config.ParseDatabaseURL(cfg.EffectiveDatabaseURL()); err == nil {
			report.Database = kind
		}
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Customers}, Timeout: benchCallTimeout}
	run := runID()
	if o.Warmup > 0 {
		var wg sync.WaitGroup
		for i := range o.Warmup {
			wg.Go(func() {
				conv := fmt.Sprintf("bench-http-warmup-%s-%d", run, i)
				_, _ = postMessage(ctx, client, o.URL, o.Key, conv, "m0", benchQuestions[i%len(benchQuestions)])
			})
			if (i+1)%o.Customers == 0 {
				wg.Wait()
			}
		}
		wg.Wait()
	}
	fmt.Fprintln(os.Stderr, "bench http: measuring")
	stopProfile, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return err
	}
	next := make(chan int)
	go func() {
		defer close(next)
		for i := 0; i < o.Conversations; i++ {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var first, follow []time.Duration
	record := func(isFirst bool, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			report.Errors++
			if report.ErrorSample == "" {
				report.ErrorSample = err.Error()
			}
			return
		}
		if isFirst {
			first = append(first, d)
		} else {
			follow = append(follow, d)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range o.Customers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				conv := fmt.Sprintf("bench-http-%s-%d", run, i)
				for m := 0; m <= o.FollowUps; m++ {
					q := benchQuestions[(i+m)%len(benchQuestions)]
					d, err := postMessage(ctx, client, o.URL, o.Key, conv, fmt.Sprintf("m%d", m), q)
					record(m == 0, d, err)
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	stopProfile()
	report.WallSeconds = wall.Seconds()
	report.FirstMessage, report.FollowUp = summarize(first, wall), summarize(follow, wall)
	report.ConversationsSec = float64(len(first)) / wall.Seconds()
	report.MessagesSec = float64(len(first)+len(follow)) / wall.Seconds()
	slices.Sort(first)
	slices.Sort(follow)
	report.P99FirstMs, report.P99FollowUpMs = ms(percentile(first, 99)), ms(percentile(follow, 99))
	if o.JSON {
		return writeJSON(out, report)
	}
	fmt.Fprintf(out, "bench http: %d customers, %d conversations of %d messages, against %s (%s)\n",
		o.Customers, o.Conversations, o.FollowUps+1, report.URL, report.Database)
	fmt.Fprintf(out, "  first message  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  (%d)\n",
		report.FirstMessage.P50Ms, report.FirstMessage.P95Ms, report.P99FirstMs, report.FirstMessage.Count)
	fmt.Fprintf(out, "  follow-up      p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  (%d)\n",
		report.FollowUp.P50Ms, report.FollowUp.P95Ms, report.P99FollowUpMs, report.FollowUp.Count)
	fmt.Fprintf(out, "  %.1f new conversations/s, %.1f messages/s over %.1f s; %d errors %s\n",
		report.ConversationsSec, report.MessagesSec, report.WallSeconds, report.Errors, report.ErrorSample)
	return nil
}

// postMessage sends one customer message and times it; anything but a 200
// with a reply is an error.
func postMessage(ctx context.Context, client *http.Client, url, key, conv, id, text string) (time.Duration, error) {
	body, _ := json.Marshal(map[string]any{"id": id, "text": text, "contact": map[string]string{"email": benchContact}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/conversations/"+conv+"/messages", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	d := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	return d, nil
}

// ownAPI runs a worker on queue and the API on a local port, on d's
// connections, for a bench: it returns the API's URL and what stops both.
// The bench is one client address and one key, so the abuse limits are
// lifted: they would measure themselves.
func ownAPI(d *app.Deps, cfg config.Config, queue string) (url string, stop func(), err error) {
	w := worker.New(d.Temporal, queue, d.Activities())
	if err := w.Start(); err != nil {
		return "", nil, fmt.Errorf("start worker: %w", err)
	}
	unlimited := 1 << 30
	srv := &server.Server{DB: d.DB, Temporal: d.Temporal, Knowledge: d.Knowledge, TaskQueue: queue, Log: app.Logger(cfg),
		MaxBodyBytes: cfg.MaxBodyBytes, Replies: d.Replies, Limits: config.Limits{KeyMessages: unlimited, KeyConversations: unlimited,
			AddressMessages: unlimited, AddressConversations: unlimited, ConversationMessages: unlimited, EventStreams: 10}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.Stop()
		return "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	return "http://" + l.Addr().String(), func() { hs.Close(); w.Stop() }, nil
}
