package server_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
)

// Text PostgreSQL cannot store (a NUL character) is refused at the edge with
// a 400 naming the field, first and later in a conversation, and every turn
// that was accepted is in the transcript.
func TestTextTheDatabaseCannotStoreIsRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	conv := app.URL + "/v1/conversations/nul-1"

	r := do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m0","text":"hello\u0000there"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	code, message := errorOf(r)
	require.Equal(t, "invalid", code)
	require.Equal(t, "text: contains the control character U+0000", message)

	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m2","text":"and\u0000 Canada?"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	r = do(t, "POST", conv+"/messages", app.Keys.Widget, []byte(`{"id":"m3","text":"Do you ship to Canada?"}`))
	require.Equal(t, 200, r.Status, r.Raw)

	require.Eventually(t, func() bool {
		got := do(t, "GET", conv, app.Keys.Auditor, nil)
		msgs, _ := got.Body["messages"].([]any)
		return len(msgs) == 4
	}, 10*time.Second, 50*time.Millisecond, "both accepted turns, question and reply, are in the transcript")
	got := do(t, "GET", conv, app.Keys.Auditor, nil)
	var ids []string
	for _, m := range got.Body["messages"].([]any) {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	require.Equal(t, []string{"m1", "m1", "m3", "m3"}, ids)
}

// downAddress is a loopback address nothing listens on.
func downAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// With Weaviate down, or a model server that fails every call, a customer's
// message gets an apology and a person, never a 500; it is in the
// transcript; and the same message ID sent again returns the same reply.
func TestFailingDependencyIsAnApologyAndAHandoffNeverA500(t *testing.T) {
	t.Parallel()
	down := downAddress(t)
	deadWeaviate, err := knowledge.NewStore(knowledge.Config{URL: "http://" + down, GRPCAddress: down})
	require.NoError(t, err)
	var modelCalls atomic.Int64
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		modelCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":{"message":"the model is overloaded","type":"server_error"}}`))
	}))
	t.Cleanup(model.Close)

	cases := []struct {
		name string
		opts testenv.AppOptions
		step string
	}{
		// Classifying the message's issue type reads no Weaviate (its
		// examples are searched in memory): searching the knowledge is the
		// step that fails.
		{"weaviate down", testenv.AppOptions{WorkerKnowledge: deadWeaviate}, "retrieval"},
		{"model failing", testenv.AppOptions{Generator: answer.NewOpenAI(model.URL+"/v1", "test-key", "test-model", 5*time.Second)}, "model"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := testenv.NewApp(t, tc.opts)
			conv := app.URL + "/v1/conversations/down-1"
			body := []byte(`{"id":"m1","text":"How long does shipping take?"}`)
			r := do(t, "POST", conv+"/messages", app.Keys.Widget, body)
			require.Equal(t, 200, r.Status, r.Raw)
			reply := r.Body["reply"].(map[string]any)
			// The apology, and when the team is closed, when it opens.
			require.True(t, strings.HasPrefix(reply["text"].(string), decide.ApologyText), reply["text"])
			require.Equal(t, true, r.Body["handed_off"])
			require.Equal(t, "handed_off", r.Body["status"])

			again := do(t, "POST", conv+"/messages", app.Keys.Widget, body)
			require.Equal(t, 200, again.Status, again.Raw)
			require.Equal(t, r.Body["reply"], again.Body["reply"], "the same message ID returns the same reply")

			require.Eventually(t, func() bool {
				var n int64
				app.DB.Raw(`SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
					WHERE c.external_id = 'down-1' AND m.role = 'customer'`).Scan(&n)
				return n == 1
			}, 10*time.Second, 50*time.Millisecond, "the message is in the transcript")
			var reason string
			require.NoError(t, app.DB.Raw(`SELECT handoff_reason FROM conversations WHERE external_id = 'down-1'`).Scan(&reason).Error)
			require.Equal(t, "dependency failure: "+tc.step+" failed", reason)
			if tc.step == "model" {
				require.Positive(t, modelCalls.Load(), "the model server was called")
			}
		})
	}
}

// An admin's test conversation touches nothing: a return is a dry run, the
// handoff reaches no rep's queue or event stream, and no email is queued.
func TestSandboxChangesNothing(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	post := func(id, text string) map[string]any {
		r := do(t, "POST", app.URL+"/v1/test/conversations/sb-1/messages", app.Keys.Admin, []byte(`{"id":"`+id+`","text":"`+text+`"}`))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	asked := post("m1", "I want to return order SP-1002, my email is ada@example.com")
	require.Contains(t, asked["reply"].(map[string]any)["text"], "Test conversation: a 6-digit code would be emailed")
	require.Contains(t, post("m2", "123456")["reply"].(map[string]any)["text"], "Shall I go ahead?")
	done := post("m2y", "yes")
	require.Equal(t, "Test conversation: I would start a return for order SP-1002 and email you the details. Nothing was changed.",
		done["reply"].(map[string]any)["text"])
	human := post("m3", "I want to talk to a human")
	require.Equal(t, true, human["handed_off"])

	count := func(model any) int64 {
		var n int64
		require.NoError(t, app.DB.Model(model).Count(&n).Error)
		return n
	}
	require.Zero(t, count(&models.Return{}), "no return")
	require.Zero(t, count(&models.OutboxMessage{}), "no email queued")
	require.Eventually(t, func() bool {
		var n int64
		app.DB.Model(&models.Conversation{}).Where("external_id = ? AND status = ?", "test:sb-1", "handed_off").Count(&n)
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)
	require.Zero(t, count(&models.RepEvent{}), "no rep event")
	q := do(t, "GET", app.URL+"/v1/rep/queue", app.Keys.Rep, nil)
	require.Equal(t, 200, q.Status, q.Raw)
	require.Empty(t, q.Body["conversations"], "not in a rep's queue")
}

// A shutting-down server ends its reps' event streams at once, so a graceful
// shutdown does not wait for them; the liveness probe checks nothing but
// the process, the readiness probe every dependency.
func TestShutdownEndsEventStreamsAndProbes(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	req, err := http.NewRequest("GET", app.URL+"/v1/rep/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+app.Keys.Rep)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	ended := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		close(ended)
	}()
	select {
	case <-ended:
		t.Fatal("the stream ended before the shutdown")
	case <-time.After(300 * time.Millisecond):
	}
	app.Server.CloseStreams()
	app.Server.CloseStreams() // twice is harmless
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the event stream is still open after CloseStreams")
	}

	live := do(t, "GET", app.URL+"/livez", "", nil)
	require.Equal(t, 200, live.Status, live.Raw)
	require.Equal(t, "ok", live.Body["status"])
	ready := do(t, "GET", app.URL+"/readyz", "", nil)
	require.Equal(t, 200, ready.Status, ready.Raw)
	require.Equal(t, "ok", ready.Body["checks"].(map[string]any)["database"])
}

// With Temporal unreachable, a customer's message is answered 503 naming the
// retry, never a 500, and nothing of it is written: the client keeps it and
// sends it again with the same id. Other routes that need Temporal answer
// 503 as well.
func TestUnreachableTemporalIsA503ToRetry(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	down, err := client.NewLazyClient(client.Options{HostPort: downAddress(t), Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	require.NoError(t, err)
	t.Cleanup(down.Close)
	srv := &server.Server{DB: app.DB, Temporal: down, Knowledge: app.Knowledge, TaskQueue: app.TaskQueue,
		MaxBodyBytes: 1 << 20, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Secrets: app.Secrets}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)

	r := do(t, "POST", hs.URL+"/v1/conversations/unreachable-1/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.Raw)
	code, message := errorOf(r)
	require.Equal(t, "unavailable", code)
	require.Contains(t, message, "retry with the same message id")
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Where("external_id = ?", "unreachable-1").Count(&n).Error)
	require.Zero(t, n)

	// Any other route that needs Temporal says so too, as a 503.
	r = do(t, "GET", hs.URL+"/v1/conversations", app.Keys.Auditor, nil)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.Raw)
	code, _ = errorOf(r)
	require.Equal(t, "unavailable", code)
}
