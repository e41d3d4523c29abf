package main_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "switchboard")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// startWorker runs the real `switchboard worker` on the app's task queue.
func startWorker(t *testing.T, bin string, app *testenv.App) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+app.DatabaseURL,
		"TEMPORAL_ADDRESS="+testenv.TemporalAddress(t),
		"WEAVIATE_URL="+testenv.WeaviateURL(t),
		"WEAVIATE_GRPC_ADDRESS="+testenv.Weaviate(t).GRPCAddress,
		"SWITCHBOARD_TASK_QUEUE="+app.TaskQueue,
		"SWITCHBOARD_LOG_LEVEL=warn",
	)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, out
}

// TestWorkerKilledDuringActionLosesNothing kills the worker process while a
// turn's return action is running (held inside its database transaction by a
// lock the test owns), starts a new one, and checks the outcome: exactly one
// reply, one return, one label email and, once closed, one credit entry.
func TestWorkerKilledDuringActionLosesNothing(t *testing.T) {
	bin := buildBinary(t)
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	ctx := context.Background()

	// Hold the order's row: the action's UPDATE waits on it.
	lock := app.DB.Begin()
	require.NoError(t, lock.Error)
	require.NoError(t, lock.Exec("SELECT id FROM orders WHERE number = ? FOR UPDATE", "SP-1002").Error)

	first, firstOut := startWorker(t, bin, app)
	// The customer asks for a return, gets a code by email, types it, and
	// says yes to the return: the yes runs it.
	asked := post(t, app, "crash-1", "m1", "I want to return order SP-1002", "ada@example.com")
	require.Equal(t, 200, asked.Status, asked.Raw)
	require.Contains(t, asked.Body["reply"].(map[string]any)["text"], "6-digit code")
	confirm := post(t, app, "crash-1", "m2", app.LatestCode(t, "ada@example.com"), "ada@example.com")
	require.Equal(t, 200, confirm.Status, confirm.Raw)
	require.Contains(t, confirm.Body["reply"].(map[string]any)["text"], "Shall I go ahead?")
	done := make(chan response, 1)
	go func() {
		done <- post(t, app, "crash-1", "m3", "yes", "ada@example.com")
	}()

	// Wait until the action's transaction is blocked on our lock. (Asked on
	// another connection: a transaction sees a frozen pg_stat_activity.)
	require.Eventually(t, func() bool {
		var waiting int64
		app.DB.Raw("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%UPDATE \"orders\"%'").Scan(&waiting)
		return waiting > 0
	}, 30*time.Second, 100*time.Millisecond, "the return action never reached the database; worker said:\n%s", firstOut)

	require.NoError(t, first.Process.Kill())
	_, _ = first.Process.Wait()
	require.NoError(t, lock.Rollback().Error)
	startWorker(t, bin, app)

	var r response
	select {
	case r = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("no reply after the worker restarted")
	}
	require.Equal(t, 200, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "started a return for order SP-1002")

	// Close it: the agent resolved it, so exactly one credit is consumed.
	require.Equal(t, 202, call2(t, "POST", app.URL+"/v1/rep/conversations/crash-1/close", app.Keys.Admin))
	require.Eventually(t, func() bool {
		var conv models.Conversation
		app.DB.WithContext(ctx).Where("external_id = ?", "crash-1").Take(&conv)
		return conv.EndedAt != nil
	}, 30*time.Second, 200*time.Millisecond)

	count := func(model any, where string, args ...any) int64 {
		var n int64
		require.NoError(t, app.DB.Model(model).Where(where, args...).Count(&n).Error)
		return n
	}
	require.EqualValues(t, 1, count(&models.Return{}, "1 = 1"), "one return")
	require.EqualValues(t, 1, count(&models.OutboxMessage{}, "kind = ?", "return_label"), "one label email")
	require.EqualValues(t, 1, count(&models.Message{}, "role = ? AND client_id = ?", "agent", "m3"), "one reply")
	require.EqualValues(t, 1, count(&models.CreditEntry{}, "reason = ?", "resolved"), "one credit entry")
}

type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

func post(t *testing.T, app *testenv.App, conv, id, text, email string) response {
	body := `{"id":"` + id + `","text":"` + text + `","contact":{"email":"` + email + `"}}`
	status, out := callBody(t, "POST", app.URL+"/v1/conversations/"+conv+"/messages", app.Keys.Widget, body)
	return response{Status: status, Body: out, Raw: strings.TrimSpace(body)}
}

func callBody(t *testing.T, method, url, key, body string) (int, map[string]any) {
	return call(t, method, url, key, body)
}

func call2(t *testing.T, method, url, key string) int {
	status, _ := call(t, method, url, key, "")
	return status
}
