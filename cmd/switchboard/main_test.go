package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/switchboardhq/switchboard/devstack"
	"github.com/switchboardhq/switchboard/internal/browsertest"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/mailcatcher"
)

// syncBuffer collects a child's output safely.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type devRun struct {
	cmd *exec.Cmd
	out *syncBuffer
}

type devPorts struct {
	api, temporal, ui, weaviate int
}

func freePort(t *testing.T, n int) int {
	t.Helper()
	p, err := devstack.FreePortBlock(n)
	require.NoError(t, err)
	return p
}

// startDev runs `switchboard dev` on dataDir, with env added to its
// environment, and waits for its banner.
func startDev(t *testing.T, bin, dataDir string, ports devPorts, env ...string) *devRun {
	t.Helper()
	cmd := exec.Command(bin, "dev")
	// The dev command starts its own Temporal and Weaviate and uses SQLite:
	// keep the caller's addresses out of its environment.
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TEMPORAL_ADDRESS", "WEAVIATE_URL", "WEAVIATE_GRPC_ADDRESS", "DATABASE_URL", "LLM_BASE_URL":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env,
		"SWITCHBOARD_DATA_DIR="+dataDir,
		"SWITCHBOARD_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(ports.api),
		"SWITCHBOARD_DEV_TEMPORAL_PORT="+strconv.Itoa(ports.temporal),
		"SWITCHBOARD_DEV_TEMPORAL_UI_PORT="+strconv.Itoa(ports.ui),
		"SWITCHBOARD_DEV_WEAVIATE_PORT="+strconv.Itoa(ports.weaviate),
		"SWITCHBOARD_LOG_LEVEL=warn",
	)
	cmd.Env = append(cmd.Env, env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	run := &devRun{cmd: cmd, out: out}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("switchboard dev did not come up:\n%s", out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return run
}

// stop sends Ctrl-C's signal and waits for a clean exit.
func (r *devRun) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, r.out.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("switchboard dev did not stop:\n%s", r.out.String())
	}
}

type demoInfo struct {
	WorkspaceID   string `json:"workspace_id"`
	APIURL        string `json:"api_url"`
	TemporalUIURL string `json:"temporal_ui_url"`
	TemporalAddr  string `json:"temporal_address"`
	Keys          struct {
		Admin   string `json:"admin"`
		Widget  string `json:"widget"`
		Auditor string `json:"auditor"`
	} `json:"keys"`
	MailURL string `json:"mail_url"`
	Mailbox struct {
		ChannelID string `json:"channel_id"`
		Address   string `json:"imap_address"`
		To        string `json:"to"`
	} `json:"mailbox"`
	Webhooks []struct {
		Type            string `json:"type"`
		Secret          string `json:"secret"`
		InboundEmailURL string `json:"inbound_email_url"`
	} `json:"webhooks"`
}

// devMail posts a raw email to the demo's email channel and waits for the
// agent's reply on the mail catcher's page.
func devMail(t *testing.T, info demoInfo) {
	t.Helper()
	require.NotEmpty(t, info.Webhooks)
	w := info.Webhooks[0]
	require.Equal(t, "email", w.Type)
	raw := "From: Ada Lovelace <ada@example.com>\r\nTo: support@sprocketsupply.example\r\nSubject: Shipping\r\n" +
		"Message-ID: <e2e-1@mail.example>\r\n\r\nHow long does shipping take?\r\n"
	req, err := http.NewRequest("POST", w.InboundEmailURL, strings.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+w.Secret)
	req.Header.Set("Content-Type", "message/rfc822")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Eventually(t, func() bool { return strings.Contains(mailPage(t, info), "Re: Shipping") }, 30*time.Second, 200*time.Millisecond,
		"the agent's reply reaches the mail catcher")
}

// devMailbox writes an email on the mail page's form, into the support
// mailbox the demo's email channel reads over IMAP, and waits for the
// agent's reply on the page.
func devMailbox(t *testing.T, info demoInfo, subject, text string) {
	t.Helper()
	require.NotEmpty(t, info.Mailbox.Address, "dev runs a support mailbox")
	form := url.Values{"name": {"Grace Hopper"}, "from": {"grace@mail.example"}, "subject": {subject}, "text": {text}}
	resp, err := http.PostForm(info.MailURL+"/write", form)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "the form goes back to the page")
	require.Eventually(t, func() bool { return strings.Contains(mailPage(t, info), "Re: "+subject) }, 60*time.Second, 250*time.Millisecond,
		"the agent reads the mailbox and its reply reaches the mail catcher")
}

// devMailboxInBrowser is devMailbox as a person does it: the mail page's
// form filled in and sent by a real browser, then nothing but the page's
// own refresh until the agent's answer shows on it.
func devMailboxInBrowser(t *testing.T, info demoInfo, subject, text string) {
	t.Helper()
	browser := browsertest.New(t)
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(info.MailURL),
		chromedp.WaitVisible(chromedp.CSS("#from")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Grace Hopper"),
		chromedp.SendKeys(chromedp.CSS("#from"), "grace@mail.example"),
		chromedp.SendKeys(chromedp.CSS("#subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#text"), text),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("strong")),
	), "the form sent, the page comes back saying it was written")

	// The page reloads itself every 10 seconds while its form is empty.
	type caught struct{ Subject, To, Text string }
	var answer caught
	require.Eventually(t, func() bool {
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]caught](`[...document.querySelectorAll("article")].map(a => ({
			Subject: a.querySelector("h2").textContent, To: a.querySelectorAll("dd")[1].textContent,
			Text: a.querySelector("pre").textContent}))`))
		if err != nil {
			return false // between two loads of the page
		}
		for _, r := range rows {
			if r.Subject == "Re: "+subject {
				answer = r
				return true
			}
		}
		return false
	}, 60*time.Second, 500*time.Millisecond, "the agent's answer shows on the page without the browser reloading it")
	require.Contains(t, answer.To, "grace@mail.example", "the answer goes to the customer who wrote")
	require.NotEmpty(t, strings.TrimSpace(answer.Text))
}

func mailPage(t *testing.T, info demoInfo) string {
	t.Helper()
	resp, err := http.Get(info.MailURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func readDemo(t *testing.T, dataDir string) demoInfo {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "demo.json"))
	require.NoError(t, err)
	var info demoInfo
	require.NoError(t, json.Unmarshal(b, &info))
	return info
}

func call(t *testing.T, method, url, key, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return resp.StatusCode, out
}

// toolProcesses lists running processes of the pinned tools that listen on
// one of the given ports, by their command line.
func toolProcesses(t *testing.T, ports devPorts) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cmdline := strings.ReplaceAll(string(b), "\x00", " ")
		for _, p := range []int{ports.temporal, ports.weaviate} {
			if (strings.Contains(cmdline, "temporal-") || strings.Contains(cmdline, "weaviate-server-")) &&
				strings.Contains(cmdline, "--port "+strconv.Itoa(p)+" ") {
				found = append(found, e.Name()+": "+cmdline)
			}
		}
	}
	return found
}

func portOpen(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// TestDevEndToEnd starts the real binary as `make dev` does, asks the demo
// store a question, retries it, finds the workflow by search attribute, stops
// it with Ctrl-C's signal and checks nothing is left running, then restarts
// and finds the conversation kept.
func TestDevEndToEnd(t *testing.T) {
	testenv.ToolsDir(t)
	bin := filepath.Join(t.TempDir(), "switchboard")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	dataDir := filepath.Join(t.TempDir(), "data")
	ports := devPorts{api: freePort(t, 1), temporal: freePort(t, 1), ui: freePort(t, 1), weaviate: freePort(t, devstack.WeaviatePorts)}

	run := startDev(t, bin, dataDir, ports)
	info := readDemo(t, dataDir)
	require.Equal(t, fmt.Sprintf("http://127.0.0.1:%d", ports.api), info.APIURL)
	require.Contains(t, run.out.String(), info.Keys.Widget, "the banner prints the demo keys")

	msgURL := info.APIURL + "/v1/conversations/e2e-1/messages"
	body := `{"id":"q1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`
	status, first := call(t, "POST", msgURL, info.Keys.Widget, body)
	require.Equal(t, 200, status, first)
	reply := first["reply"].(map[string]any)
	require.NotEmpty(t, reply["text"])
	cites := reply["citations"].([]any)
	require.NotEmpty(t, cites)
	require.Equal(t, "Shipping times and costs", cites[0].(map[string]any)["title"])

	status, again := call(t, "POST", msgURL, info.Keys.Widget, body)
	require.Equal(t, 200, status, again)
	require.Equal(t, first["reply"], again["reply"])

	status, conv := call(t, "GET", info.APIURL+"/v1/conversations/e2e-1", info.Keys.Widget, "")
	require.Equal(t, 200, status, conv)
	customerTurns := 0
	for _, m := range conv["messages"].([]any) {
		if m.(map[string]any)["role"] == "customer" {
			customerTurns++
		}
	}
	require.Equal(t, 1, customerTurns)

	// An email to the demo's email channel is answered by email, caught
	// and listed at /dev/mail.
	devMail(t, info)
	// So is one written into the support mailbox, which the channel reads
	// over IMAP.
	devMailbox(t, info, "Returns", "What is your return window?")

	// The Web UI answers, and the workflow is found by its WorkspaceId.
	resp, err := http.Get(info.TemporalUIURL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	c, err := client.Dial(client.Options{HostPort: info.TemporalAddr})
	require.NoError(t, err)
	// Status is an SQL keyword: the SQL visibility store needs it quoted.
	query := fmt.Sprintf("WorkspaceId = %q AND Channel = 'chat' AND `Status` = 'ai_active'", info.WorkspaceID)
	var lastErr error
	var found []string
	require.Eventually(t, func() bool {
		list, err := c.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		lastErr, found = err, nil
		if err != nil {
			return false
		}
		for _, e := range list.Executions {
			found = append(found, e.Execution.WorkflowId)
		}
		return len(found) == 1 && found[0] == "conversation:"+info.WorkspaceID+":e2e-1"
	}, 15*time.Second, 200*time.Millisecond, "query %s", query)
	require.NoError(t, lastErr)
	c.Close()

	run.stop(t)
	require.Empty(t, toolProcesses(t, ports), "Ctrl-C must leave no child process")
	require.False(t, portOpen(ports.temporal))
	require.False(t, portOpen(ports.weaviate))

	// A second start keeps the data: same workspace and keys, same transcript,
	// and the conversation goes on.
	run = startDev(t, bin, dataDir, ports)
	require.Equal(t, info.WorkspaceID, readDemo(t, dataDir).WorkspaceID)
	status, conv = call(t, "GET", info.APIURL+"/v1/conversations/e2e-1", info.Keys.Widget, "")
	require.Equal(t, 200, status, conv)
	require.Len(t, conv["messages"].([]any), 2)
	status, next := call(t, "POST", msgURL, info.Keys.Widget, `{"id":"q2","text":"What is your return window?"}`)
	require.Equal(t, 200, status, next)
	require.Equal(t, "Returns and refunds", next["reply"].(map[string]any)["citations"].([]any)[0].(map[string]any)["title"])
	require.Contains(t, mailPage(t, info), "Re: Shipping", "the caught email is kept")
	// The support mailbox starts empty again, its UIDs from 1: the channel
	// reads it from its start.
	restarted := readDemo(t, dataDir)
	devMailboxInBrowser(t, restarted, "Notebooks", "What sizes do notebooks come in?")
	run.stop(t)
	require.Empty(t, toolProcesses(t, ports))

	// With an SMTP server of the user's, dev runs no mailbox, and the email
	// channel no longer names the last run's.
	smtpServer, err := mailcatcher.Start("127.0.0.1:0", "")
	require.NoError(t, err)
	defer smtpServer.Close()
	run = startDev(t, bin, dataDir, ports, "SWITCHBOARD_SMTP_ADDR="+smtpServer.Addr(), "SWITCHBOARD_SMTP_TLS=none",
		"SWITCHBOARD_SMTP_FROM=support@shop.example")
	require.Contains(t, run.out.String(), "Support mail  (none")
	status, provider := call(t, "GET", info.APIURL+"/v1/channels/"+restarted.Mailbox.ChannelID+"/provider", info.Keys.Admin, "")
	require.Equal(t, 200, status, provider)
	require.Nil(t, provider["email"].(map[string]any)["imap"], "the last run's mailbox is forgotten")
	run.stop(t)
	require.Empty(t, toolProcesses(t, ports))
}
