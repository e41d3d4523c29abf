package main_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

// startProcess runs the real binary's command with the app's stack and
// extra environment, and stops it when the test ends.
func startProcess(t *testing.T, bin string, app *testenv.App, command string, env ...string) *syncBuffer {
	t.Helper()
	cmd := exec.Command(bin, command)
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+app.DatabaseURL,
		"TEMPORAL_ADDRESS="+testenv.TemporalAddress(t),
		"WEAVIATE_URL="+testenv.WeaviateURL(t),
		"WEAVIATE_GRPC_ADDRESS="+testenv.Weaviate(t).GRPCAddress,
		"SWITCHBOARD_TASK_QUEUE="+app.TaskQueue,
	)
	cmd.Env = append(cmd.Env, env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return out
}

// get returns a GET's status, body and X-Request-ID.
func get(t *testing.T, url string, header ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error(), ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("X-Request-ID")
}

// TestMetricsEndpoints runs the real `switchboard server` and `switchboard
// worker`, has a customer ask a question, and scrapes both /metrics: each
// has the Temporal SDK's series and Switchboard's own.
func TestMetricsEndpoints(t *testing.T) {
	bin := buildBinary(t)
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	apiPort, workerPort := freePort(t, 1), freePort(t, 1)
	api := "http://127.0.0.1:" + strconv.Itoa(apiPort)
	workerURL := "http://127.0.0.1:" + strconv.Itoa(workerPort)
	serverOut := startProcess(t, bin, app, "server", "SWITCHBOARD_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(apiPort),
		"SWITCHBOARD_LOG_FORMAT=json")
	workerOut := startProcess(t, bin, app, "worker", "SWITCHBOARD_WORKER_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(workerPort),
		"SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES=20", "SWITCHBOARD_WORKER_STICKY_CACHE_SIZE=100",
		"SWITCHBOARD_LOG_LEVEL=warn")

	require.Eventually(t, func() bool { s, _, _ := get(t, api+"/livez"); return s == 200 },
		30*time.Second, 100*time.Millisecond, "server never answered /livez:\n%s", serverOut)
	require.Eventually(t, func() bool { s, _, _ := get(t, workerURL+"/readyz"); return s == 200 },
		60*time.Second, 200*time.Millisecond, "worker never ready:\n%s", workerOut)
	status, body, _ := get(t, workerURL+"/livez")
	require.Equal(t, 200, status, body)
	// `switchboard probe`, the image's healthcheck, passes on a ready
	// endpoint and fails on one that does not answer.
	require.NoError(t, exec.Command(bin, "probe", workerURL+"/readyz").Run())
	require.NoError(t, exec.Command(bin, "probe", api+"/readyz").Run())
	probe := exec.Command(bin, "probe", "http://127.0.0.1:"+strconv.Itoa(freePort(t, 1))+"/readyz")
	out, err := probe.CombinedOutput()
	require.Error(t, err, "a probe of a closed port should fail")
	require.Equal(t, 1, probe.ProcessState.ExitCode())
	require.Contains(t, string(out), "switchboard: probe:")

	// A request ID is kept when the client sends a usable one, made when not.
	_, _, id := get(t, api+"/livez", "X-Request-ID", "lb-1234")
	require.Equal(t, "lb-1234", id)
	_, _, id = get(t, api+"/livez", "X-Request-ID", "not usable: <spaces and symbols>")
	require.Len(t, id, 36)

	r := post(t, &testenv.App{URL: api, Keys: app.Keys}, "metrics-1", "m1", "How long does shipping take?", "ada@example.com")
	require.Equal(t, 200, r.Status, r.Raw)
	// The access log line is written once the response is sent.
	require.Eventually(t, func() bool {
		out := serverOut.String()
		return strings.Contains(out, `"msg":"http request"`) && strings.Contains(out, `"route":"/v1/conversations/:conversationID/messages"`)
	}, 10*time.Second, 50*time.Millisecond, "the access log is JSON, with the route:\n%s", serverOut)

	_, serverMetrics, _ := get(t, api+"/metrics")
	for _, want := range []string{
		`switchboard_http_requests_total{code="200",method="POST",route="/v1/conversations/:conversationID/messages"} 1`,
		"temporal_request_total{",
		"temporal_request_latency_seconds_bucket{",
		"go_goroutines",
	} {
		require.Contains(t, serverMetrics, want)
	}
	// The turn is counted when its record is written, just after the reply.
	require.Eventually(t, func() bool {
		_, m, _ := get(t, workerURL+"/metrics")
		return strings.Contains(m, `switchboard_turns_total{outcome="answer"} 1`)
	}, 30*time.Second, 200*time.Millisecond)
	_, workerMetrics, _ := get(t, workerURL+"/metrics")
	for _, want := range []string{
		`switchboard_retrieval_duration_seconds_count{outcome="ok"}`,
		"temporal_workflow_task_execution_latency_seconds_bucket{",
		"temporal_local_activity_execution_latency_seconds_bucket{",
		`task_queue="` + app.TaskQueue + `"`,
	} {
		require.Contains(t, workerMetrics, want)
	}
	// A second message's record is written by an activity task.
	r = post(t, &testenv.App{URL: api, Keys: app.Keys}, "metrics-1", "m2", "Is shipping free?", "ada@example.com")
	require.Equal(t, 200, r.Status, r.Raw)
	require.Eventually(t, func() bool {
		_, m, _ := get(t, workerURL+"/metrics")
		return strings.Contains(m, "temporal_activity_execution_latency_seconds_bucket{")
	}, 30*time.Second, 200*time.Millisecond, "the worker measures its activity tasks")
}
