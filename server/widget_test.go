package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/browsertest"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

// withOrigin sends a request as a browser on origin would.
func withOrigin(t *testing.T, method, url, origin, key, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Origin", origin)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

func TestWidgetOriginsFrameAndCORS(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	channel := app.Demo.ChannelID
	originsURL := app.URL + "/v1/channels/" + channel + "/widget-origins"
	chatCSP := func() string {
		resp, err := http.Get(app.URL + "/chat/" + channel)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		return resp.Header.Get("Content-Security-Policy")
	}

	// No site may frame the chat until one is allowed.
	require.Contains(t, chatCSP(), "frame-ancestors 'self'")
	require.NotContains(t, chatCSP(), "shop.example")
	r := do(t, "GET", originsURL, app.Keys.Auditor, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, []any{}, r.Body["origins"])

	// Bad origins are refused, naming the entry.
	for body, want := range map[string]string{
		`{"origins":["https://shop.example","https://shop.example/"]}`: "origins[1]",
		`{"origins":["shop.example"]}`:                                 "origins[0]",
		`{"origins":["*"]}`:                                            "origins[0]",
	} {
		r = do(t, "PUT", originsURL, app.Keys.Admin, []byte(body))
		require.Equal(t, 400, r.Status, r.Raw)
		_, msg := errorOf(r)
		require.Contains(t, msg, want)
	}
	require.Equal(t, 403, do(t, "PUT", originsURL, app.Keys.Auditor, []byte(`{"origins":[]}`)).Status)
	require.Equal(t, 404, do(t, "PUT", app.URL+"/v1/channels/nope/widget-origins", app.Keys.Admin, []byte(`{"origins":[]}`)).Status)

	r = do(t, "PUT", originsURL, app.Keys.Admin, []byte(`{"origins":["https://shop.example","https://shop.example","http://localhost:3000"]}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, []any{"https://shop.example", "http://localhost:3000"}, r.Body["origins"])
	require.Contains(t, chatCSP(), "frame-ancestors 'self' https://shop.example http://localhost:3000")
	require.Contains(t, chatCSP(), "script-src 'self'", "the rest of the policy stays")

	// CORS: the preflight admits an allowed site only.
	messages := app.URL + "/v1/conversations/cors-1/messages"
	pre := withOrigin(t, "OPTIONS", messages, "https://shop.example", "", "",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type")
	require.Equal(t, 204, pre.StatusCode)
	require.Equal(t, "https://shop.example", pre.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, pre.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	pre = withOrigin(t, "OPTIONS", messages, "https://evil.example", "", "", "Access-Control-Request-Method", "POST")
	require.Equal(t, 403, pre.StatusCode)
	require.Empty(t, pre.Header.Get("Access-Control-Allow-Origin"))

	// The request itself: its key's channel decides.
	body := `{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`
	resp := withOrigin(t, "POST", messages, "https://shop.example", app.Keys.Widget, body, "Content-Type", "application/json")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "https://shop.example", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After")
	resp = withOrigin(t, "GET", app.URL+"/v1/conversations/cors-1", "https://evil.example", app.Keys.Widget, "")
	require.Equal(t, 200, resp.StatusCode, "the server answers; the browser withholds it from the site")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	// Staff keys get no CORS: the widget's routes are for widget keys.
	resp = withOrigin(t, "GET", app.URL+"/v1/conversations/cors-1", "https://shop.example", app.Keys.Admin, "")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	// The server's own list (SWITCHBOARD_WIDGET_ORIGINS) allows every channel.
	app.Server.WidgetOrigins = []string{"https://all.example"}
	pre = withOrigin(t, "OPTIONS", messages, "https://all.example", "", "", "Access-Control-Request-Method", "POST")
	require.Equal(t, 204, pre.StatusCode)
	require.Contains(t, chatCSP(), "frame-ancestors 'self' https://all.example https://shop.example")

	// A deleted channel's list goes with it.
	created := do(t, "POST", app.URL+"/v1/channels", app.Keys.Admin, jsonBody(t, map[string]any{"type": "chat", "name": "Second shop"}))
	require.Equal(t, 201, created.Status, created.Raw)
	second := created.Body["id"].(string)
	r = do(t, "PUT", app.URL+"/v1/channels/"+second+"/widget-origins", app.Keys.Admin, []byte(`{"origins":["https://second.example"]}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.EqualValues(t, 1, countWhere(t, app, &models.WidgetOrigins{}, "channel_id = ?", second))
	require.Equal(t, 204, do(t, "DELETE", app.URL+"/v1/channels/"+second, app.Keys.Admin, nil).Status)
	require.EqualValues(t, 0, countWhere(t, app, &models.WidgetOrigins{}, "channel_id = ?", second))
}

func countWhere(t *testing.T, app *testenv.App, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, app.DB.Model(model).Where(where, args...).Count(&n).Error)
	return n
}

// TestBrowserWidgetEmbeddedOnAnotherSite puts the launcher on a page of
// another origin: allowed, the chat opens in its frame and answers;
// not allowed, Chromium refuses to show the frame.
func TestBrowserWidgetEmbeddedOnAnotherSite(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	browser := browsertest.New(t)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>Shop</title></head><body><h1>Sprocket shop</h1>
<script src="` + app.URL + `/web/embed.js" data-channel="` + app.Demo.ChannelID + `" data-key="` + app.Keys.Widget + `" async></script>
</body></html>`))
	}))
	t.Cleanup(shop.Close)

	// chatFrameURL opens the shop's chat and returns the URL its frame
	// ended on.
	chatFrameURL := func(p page) string {
		p.do(
			chromedp.Navigate(shop.URL),
			chromedp.WaitVisible(chromedp.CSS("#switchboard-launcher")),
			chromedp.Click(chromedp.CSS("#switchboard-launcher")),
			chromedp.WaitReady(chromedp.CSS("#switchboard-chat")),
		)
		var url string
		require.Eventually(t, func() bool {
			res, err := chromedp.Call(p.ctx, cdppage.GetFrameTree, cdp.Empty{})
			if err != nil || res.FrameTree == nil || len(res.FrameTree.ChildFrames) == 0 {
				return false
			}
			f := res.FrameTree.ChildFrames[0].Frame
			url = f.URL
			if f.UnreachableURL != "" {
				url = "unreachable:" + f.UnreachableURL
			}
			return url != "" && url != "about:blank"
		}, 15*time.Second, 100*time.Millisecond)
		return url
	}

	// Not allowed: the frame is refused.
	refused := newPage(t, browser, "refused", true)
	got := chatFrameURL(refused)
	require.True(t, strings.HasPrefix(got, "unreachable:"+app.URL+"/chat/"), "the frame showed the chat on a site not allowed: %s", got)

	r := do(t, "PUT", app.URL+"/v1/channels/"+app.Demo.ChannelID+"/widget-origins", app.Keys.Admin,
		[]byte(`{"origins":["`+shop.URL+`"]}`))
	require.Equal(t, 200, r.Status, r.Raw)

	allowed := newPage(t, browser, "allowed", true)
	got = chatFrameURL(allowed)
	require.True(t, strings.HasPrefix(got, app.URL+"/chat/"+app.Demo.ChannelID), got)
	frames, err := chromedp.Run(allowed.ctx, chromedp.Nodes(chromedp.CSS("#switchboard-chat")))
	require.NoError(t, err)
	in := chromedp.FromNode(frames[0])
	allowed.do(
		chromedp.WaitVisible(chromedp.CSS("#email"), in),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.com", in),
		chromedp.Click(chromedp.CSS("#contact-form button[type=submit]"), in),
		chromedp.WaitVisible(chromedp.CSS("#message"), in),
		chromedp.SendKeys(chromedp.CSS("#message"), "What is your return window?", in),
		chromedp.Click(chromedp.CSS("#send"), in),
	)
	var text string
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(allowed.ctx, 2*time.Second)
		defer cancel()
		text, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".msg-agent .text"), in))
		return strings.Contains(text, "30 days")
	}, 30*time.Second, 200*time.Millisecond, "the embedded chat answered: %q", text)
}
