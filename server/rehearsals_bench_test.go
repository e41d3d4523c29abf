package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/internal/testenv"
)

// TestRehearsalOf200PastConversations holds 200 real conversations through
// the API, then rehearses a draft rule over all of them and logs how long
// the rehearsal took (the README's figure). It asserts that every case ran,
// not how fast: set SWITCHBOARD_REHEARSAL_BENCH=1 to run it, and
// SWITCHBOARD_REHEARSAL_CONCURRENCY for the cases at once (default 4).
func TestRehearsalOf200PastConversations(t *testing.T) {
	if os.Getenv("SWITCHBOARD_REHEARSAL_BENCH") == "" {
		t.Skip("set SWITCHBOARD_REHEARSAL_BENCH=1 to measure a rehearsal of 200 past conversations")
	}
	concurrency := 4
	if v := os.Getenv("SWITCHBOARD_REHEARSAL_CONCURRENCY"); v != "" {
		_, err := fmt.Sscan(v, &concurrency)
		require.NoError(t, err)
	}
	b := rehearsalBundle{app: testenv.NewApp(t, testenv.AppOptions{}), t: t, wait: 30 * time.Minute}
	app := b.app
	questions := []string{
		"How long does standard shipping take?", "What does express shipping cost?", "What is your return window?",
		"Is the A5 notebook made of recycled paper?", "Do you ship to Canada?", "I want to talk to a human",
		"Do you offer engraving?", "How do I track my order?",
	}
	const n = 200
	// The conversations come from one address, more than the abuse limits
	// let start in a minute: they are held through an API without them.
	unlimited := limitedAPI(t, app, nil, config.Limits{AddressConversations: 10 * n, KeyConversations: 10 * n, AddressMessages: 10 * n, KeyMessages: 10 * n})
	start := time.Now()
	var wg sync.WaitGroup
	jobs := make(chan int)
	failures := make(chan string, n)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				body, _ := json.Marshal(map[string]any{"id": "m1", "text": questions[i%len(questions)]})
				r := do(t, "POST", fmt.Sprintf("%s/v1/conversations/bench-%03d/messages", unlimited, i), app.Keys.Widget, body)
				if r.Status != http.StatusOK {
					failures <- fmt.Sprintf("conversation %d: %d %s", i, r.Status, r.Raw)
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	require.False(t, t.Failed())
	t.Logf("held %d conversations in %s", n, time.Since(start).Round(time.Millisecond))

	r := b.post("/v1/rules/handoff/draft/rules", map[string]any{"name": "Shipping goes to a person", "priority": 1, "enabled": true,
		"condition": `containsAny(conversation.text, ["shipping"])`, "mode": "transfer_now", "team": "support", "message": "A person will help."})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	past := map[string]any{"from": time.Now().Add(-time.Hour).Format(time.RFC3339),
		"to": time.Now().Add(time.Hour).Format(time.RFC3339), "count": n}
	began := time.Now()
	run := b.run(map[string]any{"handoff_version": "draft", "past": past, "concurrency": concurrency})
	took := time.Since(began)
	report := reportOf(run)
	require.Equal(t, float64(n), report["past_compared"], "every conversation was rehearsed")
	t.Logf("rehearsal of %d past conversations, %d at once, on %d CPUs: %s (%.0f ms a case); %v changed",
		n, concurrency, runtime.NumCPU(), took.Round(time.Millisecond), float64(took.Milliseconds())/n, report["changed"])
}
