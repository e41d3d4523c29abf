package server_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/testenv"
)

func TestPagesAreServedWithTheirPolicy(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	for _, tc := range []struct {
		path, contentType, contains string
	}{
		{"/chat/" + app.Demo.ChannelID, "text/html; charset=utf-8", `<script src="/web/chat.js"`},
		{"/rep", "text/html; charset=utf-8", `<script src="/web/rep.js"`},
		{"/sandbox", "text/html; charset=utf-8", `<script src="/web/sandbox.js"`},
		{"/web/common.js", "text/javascript; charset=utf-8", "textContent"},
		{"/web/pages.css", "text/css; charset=utf-8", ".msg"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(app.URL + tc.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, 200, resp.StatusCode)
			require.Equal(t, tc.contentType, resp.Header.Get("Content-Type"))
			require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
			require.Contains(t, string(body), tc.contains)
			require.NotContains(t, string(body), "innerHTML", "user text is set with textContent")
			require.NotContains(t, string(body), "://", "nothing is loaded from elsewhere")
		})
	}
	require.Equal(t, 404, do(t, "GET", app.URL+"/web/chat.html.bak", "", nil).Status)
	require.Equal(t, 404, do(t, "GET", app.URL+"/chat/bad%20channel", "", nil).Status)
}

func TestPageEventStreamTakesKeyFromQueryOnlyThere(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	r := do(t, "POST", app.URL+"/v1/conversations/sse-1/messages", app.Keys.Widget, []byte(`{"id":"m1","text":"I want a refund"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	// EventSource cannot send headers: the event stream takes ?key=.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", app.URL+"/v1/rep/events?since=0&key="+app.Keys.Rep, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && sc.Text() != "event: handoff" {
	}
	require.True(t, sc.Scan(), "a handoff event")
	require.Contains(t, sc.Text(), `"conversation_id":"sse-1"`)

	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"unknown key", "/v1/rep/events?key=sb_rep_nope", 401},
		{"widget key", "/v1/rep/events?key=" + app.Keys.Widget, 403},
		{"other routes ignore it", "/v1/rep/queue?key=" + app.Keys.Rep, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.status, do(t, "GET", app.URL+tc.path, "", nil).Status)
		})
	}
}

// The sandbox, a page of its own (its own style and sign-in), links to the
// admin pages as they link to one another: the same pages, in the same
// order, with the same names.
func TestSandboxLinksThePagesTheAdminPagesLink(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("static/admin.js")
	require.NoError(t, err)
	list := regexp.MustCompile(`(?s)const pages = \[(.*?)\];`).FindSubmatch(script)
	require.NotNil(t, list, "admin.js lists its pages")
	var admin []string
	for _, m := range regexp.MustCompile(`\["([^"]+)", "([^"]+)"\]`).FindAllSubmatch(list[1], -1) {
		admin = append(admin, string(m[1])+" "+string(m[2]))
	}
	page, err := os.ReadFile("web/sandbox.html")
	require.NoError(t, err)
	nav := regexp.MustCompile(`(?s)<nav>(.*?)</nav>`).FindSubmatch(page)
	require.NotNil(t, nav, "the sandbox has a nav")
	var sandbox []string
	for _, m := range regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]+)</a>`).FindAllSubmatch(nav[1], -1) {
		sandbox = append(sandbox, string(m[1])+" "+string(m[2]))
	}
	require.NotEmpty(t, admin)
	require.Equal(t, admin, sandbox)
}
