package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/browsertest"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/replystream"
)

// page is one browser tab; on failure its screenshot is saved.
type page struct {
	t    *testing.T
	ctx  context.Context
	name string
}

// newPage opens a tab: the browser's first tab, or with isolated set one in a
// new browser context (its own cookies and storage, like another person's).
func newPage(t *testing.T, browser context.Context, name string, isolated bool) page {
	t.Helper()
	ctx := browser
	if isolated {
		var cancel context.CancelFunc
		ctx, cancel = chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		require.NoError(t, chromedp.Do(ctx), "open %s tab", name)
	}
	p := page{t: t, ctx: ctx, name: name}
	t.Cleanup(p.saveOnFailure)
	return p
}

func (p page) saveOnFailure() {
	if !p.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if text, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("body"))); err == nil {
		p.t.Logf("%s page text:\n%s", p.name, strings.Join(strings.Fields(text), " "))
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("%s: no screenshot: %v", p.name, err)
		return
	}
	dir := filepath.Join(os.TempDir(), "switchboard-browser-artifacts")
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", strings.ReplaceAll(p.t.Name(), "/", "_"), p.name, time.Now().Unix()))
	err = os.MkdirAll(dir, 0o755)
	if err == nil {
		err = os.WriteFile(path, shot, 0o644)
	}
	if err != nil {
		p.t.Logf("%s: screenshot not saved: %v", p.name, err)
		return
	}
	p.t.Logf("%s: screenshot saved to %s", p.name, path)
}

// do runs steps on the page.
func (p page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	require.NoError(p.t, chromedp.Do(ctx, steps...), "%s page", p.name)
}

// waitText waits until an element matching the CSS selector contains text.
func (p page) waitText(selector, text string, within time.Duration) {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	want, _ := json.Marshal(text)
	js := fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).some((e) => e.textContent.includes(%s))`, sel, want)
	ctx, cancel := context.WithTimeout(p.ctx, within+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](js,
		chromedp.WithPollingTimeout(within), chromedp.WithPollingInterval(50*time.Millisecond)))
	require.NoError(p.t, err, "%s page: no %s containing %q within %s", p.name, selector, text, within)
}

// refused clicks a form's save button and waits for the form's error box to
// say text, with the input the refusal names outlined as invalid.
func (p page) refused(save, box, text, input string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(save)))
	p.waitText(box, text, 5*time.Second)
	sel, _ := json.Marshal(input)
	require.Equal(p.t, "true", eval[string](p, fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-invalid")`, sel)),
		"%s page: %s is outlined", p.name, input)
}

// eval returns the value of a JavaScript expression on the page.
func eval[T any](p page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(p.t, err, "%s page: %s", p.name, js)
	return v
}

// openChat opens the channel's chat widget and gives the mandatory email.
func openChat(p page, app *testenv.App) {
	p.do(
		chromedp.Navigate(app.URL+"/chat/"+app.Demo.ChannelID+"#key="+app.Keys.Widget),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	require.False(p.t, eval[bool](p, `!document.getElementById("chat").hidden`), "the chat waits for the email")
	p.do(
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.com"),
		chromedp.Click(chromedp.CSS("#contact-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#message")),
	)
}

// openChatAt is openChat through base, a front of the app's server.
func openChatAt(p page, app *testenv.App, base string) {
	p.do(
		chromedp.Navigate(base+"/chat/"+app.Demo.ChannelID+"#key="+app.Keys.Widget),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.com"),
		chromedp.Click(chromedp.CSS("#contact-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#message")),
	)
}

// say sends a message from a page's compose box.
func say(p page, text string) {
	p.do(
		chromedp.SendKeys(chromedp.CSS("#message"), text),
		chromedp.Click(chromedp.CSS("#send")),
	)
}

// signIn gives a staff page its API key.
func signIn(p page, url, key string) {
	p.do(
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#api-key")),
		chromedp.SendKeys(chromedp.CSS("#api-key"), key),
		chromedp.Click(chromedp.CSS("#key-form button[type=submit]")),
	)
}

func TestBrowserWidgetShowsAnswerWithSource(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	customer := newPage(t, browsertest.New(t), "widget", false)

	openChat(customer, app)
	say(customer, "What is your return window?")
	customer.waitText(".msg-agent .text", "30 days", 30*time.Second)
	customer.waitText(".msg-agent .sources a", "Returns and refunds", 5*time.Second)
	href := eval[string](customer, `document.querySelector(".msg-agent .sources a").href`)
	require.True(t, strings.HasPrefix(href, "https://help.sprocketsupply.example/"), href)
	// The conversation ID is a random UUID kept for the tab.
	id := eval[string](customer, `sessionStorage.getItem("sb.chat.`+app.Demo.ChannelID+`.conversation")`)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
	var conv models.Conversation
	require.NoError(t, app.DB.Where("external_id = ?", id).Take(&conv).Error)
}

// TestBrowserChatSendsAgainWhatTheServerCouldNotTake puts a front before the
// app that answers a message 503, as the API does while Temporal cannot be
// reached: the page sends it again with the same id and shows the reply; a
// message refused every time is back in the compose box, not lost.
func TestBrowserChatSendsAgainWhatTheServerCouldNotTake(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	target, err := url.Parse(app.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var ids []string
	refuse := 1 // how many of the next messages to refuse
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			body, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			var msg struct{ ID, Text string }
			require.NoError(t, json.Unmarshal(body, &msg))
			mu.Lock()
			ids = append(ids, msg.ID)
			refused := refuse > 0 || strings.Contains(msg.Text, "never")
			refuse--
			mu.Unlock()
			if refused {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"the agent cannot be reached just now; retry with the same message id"}}`))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	customer := newPage(t, browsertest.New(t), "chat", false)
	openChatAt(customer, app, front.URL)
	say(customer, "What is your return window?")
	customer.waitText(".msg-agent .text", "30 days", 30*time.Second)
	mu.Lock()
	require.Len(t, ids, 2, "refused once, then sent again")
	require.Equal(t, ids[0], ids[1], "with the same message id")
	mu.Unlock()

	say(customer, "this one is never taken")
	customer.waitText("#send-error", "Your message was not sent", 15*time.Second)
	require.Equal(t, "this one is never taken", eval[string](customer, `document.getElementById("message").value`))
	mu.Lock()
	require.Len(t, ids, 5, "the refused message was tried three times")
	mu.Unlock()
}

// TestBrowserChatShowsTheReplyAsItIsWritten has the chat page ask for the
// reply as a stream, with the worker's model played by a scripted
// chat-completions server that holds the rest of its answer until the page
// shows its first words: the page shows them while the model is still
// writing, then the recorded reply with its source.
func TestBrowserChatShowsTheReplyAsItIsWritten(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	chat := newChatServer(t, func(req chatRequest) scripted {
		last := req.Messages[len(req.Messages)-1]
		if last["role"] == "tool" {
			return scripted{content: "Returns are accepted within 30 days [1].", afterFirst: func() {
				select {
				case <-release:
				case <-time.After(30 * time.Second): // the test fails below
				}
			}}
		}
		q, _ := json.Marshal(map[string]string{"query": last["content"].(string)})
		return scripted{calls: [][2]string{{"search_knowledge", string(q)}}}
	})
	model := answer.NewOpenAI(chat.URL, "test-key", "scripted-model", 45*time.Second)
	app := testenv.NewApp(t, testenv.AppOptions{Generator: model, Agent: model, Replies: replystream.Local()})
	customer := newPage(t, browsertest.New(t), "widget-stream", false)

	openChat(customer, app)
	say(customer, "What is your return window?")
	customer.waitText(".msg-agent .text", "Returns", 30*time.Second)
	require.NotContains(t, eval[string](customer, `document.querySelector(".msg-agent .text").textContent`), "30 days",
		"only the first words, while the model holds the rest")
	close(release)
	customer.waitText(".msg-agent .text", "Returns are accepted within 30 days.", 30*time.Second)
	customer.waitText(".msg-agent .sources a", "Returns and refunds", 10*time.Second)
	require.Equal(t, 1, eval[int](customer, `document.querySelectorAll(".msg-agent").length`), "one reply, the draft replaced")
}

func TestBrowserHandoffReachesRepInboxLiveAndRepReplies(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	browser := browsertest.New(t)
	customer := newPage(t, browser, "widget", false)
	rep := newPage(t, browser, "rep-inbox", true)

	signIn(rep, app.URL+"/rep", app.Keys.Rep)
	rep.waitText("#live", "Live", 10*time.Second)
	require.True(t, eval[bool](rep, `window.notReloaded = true`))

	openChat(customer, app)
	say(customer, "I want a refund")
	rep.waitText("#queue .queue-item", "Refunds", 30*time.Second)
	seen := time.Now()
	var handoff models.RepEvent
	require.NoError(t, app.DB.Where("kind = ?", "handoff").Take(&handoff).Error)
	t.Logf("the inbox showed the handoff %s after it was recorded", seen.Sub(handoff.CreatedAt).Round(time.Millisecond))
	require.Less(t, seen.Sub(handoff.CreatedAt), time.Second, "the inbox shows the handoff within a second")
	require.True(t, eval[bool](rep, `window.notReloaded === true`), "the inbox did not reload")
	customer.waitText(".msg-agent .text", "support team", 10*time.Second)
	// The page says who answers now; a message meanwhile waits for them.
	customer.waitText("#with-team", "Waiting for a person from our team", 10*time.Second)
	rep.waitText("#queue .queue-item button.open", "ada@example.com", 5*time.Second)
	rep.waitText("#queue .queue-item .last-message", "I want a refund", 5*time.Second)
	// The chat page's typed email proves nothing, and the rep is told so.
	rep.waitText("#queue .queue-item .identity.unverified", "Identity not verified", 5*time.Second)

	rep.do(chromedp.Click(chromedp.CSS("#queue .queue-item button.open")))
	rep.waitText("#conv-title", "Conversation with ada@example.com", 5*time.Second)
	rep.waitText("#opened .queue-item button.open", "ada@example.com", 5*time.Second)
	rep.waitText("#conv-reason", demo.RefundRuleName, 10*time.Second)
	rep.waitText("#conv-identity .identity.unverified", "Identity not verified", 5*time.Second)
	rep.waitText("#account", "has not proved who they are", 5*time.Second)
	require.Zero(t, eval[int](rep, `document.querySelectorAll("#account tr").length`), "no account for an email only typed")
	rep.waitText("#transcript .msg-customer", "I want a refund", 5*time.Second)
	rep.waitText("#decision-list", "handoff rules", 5*time.Second)
	rep.do(chromedp.Click(chromedp.CSS("#suggest")))
	rep.waitText("#conv-status", "Suggested by the agent", 10*time.Second)
	convID := eval[string](rep, `document.querySelector("#queue .queue-item").dataset.conversation`)
	suggestion := do(t, "GET", app.URL+"/v1/conversations/"+convID+"/suggestion", app.Keys.Rep, nil)
	require.Equal(t, 200, suggestion.Status, suggestion.Raw)
	require.NotEmpty(t, suggestion.Body["text"])
	require.Equal(t, suggestion.Body["text"], eval[string](rep, `document.getElementById("reply").value`),
		"the agent's draft is in the reply box")
	eval[string](rep, `document.getElementById("reply").value = ""`) // the rep writes their own
	say(customer, "Hello? Is anyone there?")
	customer.waitText(".msg-customer .text", "Is anyone there?", 10*time.Second)
	rep.waitText("#transcript .msg-customer", "Is anyone there?", 10*time.Second)
	require.True(t, eval[bool](customer, `!document.getElementById("with-team").hidden`), "still waiting for the team")
	rep.do(
		chromedp.SendKeys(chromedp.CSS("#reply"), "I've refunded your order."),
		chromedp.Click(chromedp.CSS("#send-reply")),
	)
	rep.waitText("#conv-status", "Sent.", 10*time.Second)

	customer.waitText(".msg-system", "has joined the conversation", 10*time.Second)
	customer.waitText(".msg-rep .text", "I've refunded your order.", 10*time.Second)
	customer.waitText("#with-team", "You're talking with a person from our team", 10*time.Second)
	rep.waitText("#transcript .msg-rep", "I've refunded your order.", 10*time.Second)

	// The rep asks the customer to prove their email; the code they type
	// shows their account.
	rep.do(chromedp.Click(chromedp.CSS("#verify")))
	rep.waitText("#conv-status", "A code was emailed", 10*time.Second)
	customer.waitText(".msg-agent .text", "6-digit code", 10*time.Second)
	say(customer, app.LatestCode(t, "ada@example.com"))
	customer.waitText(".msg-agent .text", "you're verified", 10*time.Second)
	rep.waitText("#conv-identity .identity.verified", "Verified: ada@example.com (code sent to the email)", 10*time.Second)
	rep.waitText("#account .contact", "ada@example.com", 10*time.Second)
	require.True(t, eval[bool](rep, `document.getElementById("verify").hidden`), "a verified customer is not asked again")

	rep.do(chromedp.Click(chromedp.CSS("#close")))
	rep.waitText("#conv-status", "Closed.", 10*time.Second)
	require.Eventually(t, func() bool { return eval[bool](customer, `document.getElementById("with-team").hidden`) },
		10*time.Second, 100*time.Millisecond, "a closed conversation is no longer with the team")

	// A customer signed in on the company's site is marked verified.
	body, err := json.Marshal(map[string]any{"id": "m1", "text": "I want a refund for my notebook",
		"identity_token": signedInToken(t, app)})
	require.NoError(t, err)
	r := do(t, "POST", app.URL+"/v1/conversations/refund-signed-in/messages", app.Keys.Widget, body)
	require.Equal(t, 200, r.Status, r.Raw)
	rep.waitText("#queue .queue-item .identity.verified", "Verified: ada@example.com (signed in on your site)", 10*time.Second)
	rep.waitText("#queue .queue-item button.open", "ada@example.com", 5*time.Second) // named by the email proved
	rep.do(chromedp.Click(chromedp.CSS("#queue .queue-item button.open")))
	rep.waitText("#conv-title", "Conversation with ada@example.com", 5*time.Second)
	rep.waitText("#conv-identity .identity.verified", "Verified: ada@example.com (signed in on your site)", 5*time.Second)
	// The account of the email proved: its contact and its orders.
	account := do(t, "GET", app.URL+"/v1/rep/conversations/refund-signed-in/customer", app.Keys.Rep, nil)
	require.Equal(t, 200, account.Status, account.Raw)
	orders := account.Body["orders"].([]any)
	require.NotEmpty(t, orders)
	rep.waitText("#account .contact", "ada@example.com", 5*time.Second)
	require.Equal(t, len(orders), eval[int](rep, `document.querySelectorAll("#account tr[data-order]").length`))
	first := orders[0].(map[string]any)
	require.Equal(t, first["number"], eval[string](rep, `document.querySelector("#account tr[data-order] td").textContent`))
	require.Equal(t, first["status"], eval[string](rep, `document.querySelector("#account tr[data-order] td:nth-child(2)").textContent`))
	// And the customer's other conversations where they proved the same
	// email: the first, proved with the code the rep asked for.
	past := account.Body["conversations"].([]any)
	require.Len(t, past, 1)
	require.Equal(t, convID, past[0].(map[string]any)["conversation_id"])
	rep.waitText("#account li.past", convID, 5*time.Second)
}

func TestBrowserSandboxShowsFiredRuleAndSpendsNoCredit(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	sandbox := newPage(t, browsertest.New(t), "sandbox", false)
	var before []models.CreditEntry
	require.NoError(t, app.DB.Find(&before).Error)

	signIn(sandbox, app.URL+"/sandbox", app.Keys.Admin)
	sandbox.do(chromedp.WaitVisible(chromedp.CSS("#message")))
	// An answered test conversation, ended: a customer's would be charged.
	say(sandbox, "What is your return window?")
	sandbox.waitText(".turn-details .used-sources a", "Returns and refunds", 30*time.Second)
	sandbox.waitText(".turn-details .rules-handoff", "no rule matched", 5*time.Second)
	sandbox.do(chromedp.Click(chromedp.CSS("#end-test")))
	sandbox.waitText("#conv-status", "(ended)", 15*time.Second)

	sandbox.do(chromedp.Click(chromedp.CSS("#new-test")))
	say(sandbox, "I want a refund")
	sandbox.waitText(".turn-details .rule.fired", demo.RefundRuleName, 30*time.Second)
	sandbox.waitText(".turn-details .rules-summary", "matched", 5*time.Second)
	require.Equal(t, 1, eval[int](sandbox, `document.querySelectorAll(".rule.fired").length`), "one rule fired")

	var after []models.CreditEntry
	require.NoError(t, app.DB.Find(&after).Error)
	require.Equal(t, before, after, "the sandbox spends no credit")
}

// TestBrowserDashboardShowsKnowledgeGapsWithTheirReasons: two questions the
// content does not answer (the second handed to a person, as two "I don't
// know" in a row are) show on the admin dashboard as one topic, with why
// each is a gap.
func TestBrowserDashboardShowsKnowledgeGapsWithTheirReasons(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	for _, m := range []struct{ id, text string }{
		{"m1", "Do you offer engraving?"},
		{"m2", "Can you engrave my name on it?"},
	} {
		r := do(t, "POST", app.URL+"/v1/conversations/dash-1/messages", app.Keys.Widget,
			[]byte(fmt.Sprintf(`{"id":%q,"text":%q}`, m.id, m.text)))
		require.Equal(t, 200, r.Status, r.Raw)
	}
	require.Eventually(t, func() bool {
		var n int64
		require.NoError(t, app.DB.Model(&models.KnowledgeGap{}).Count(&n).Error)
		return n == 2
	}, 10*time.Second, 50*time.Millisecond)

	p := newPage(t, browsertest.New(t), "dashboard", false)
	p.do(
		chromedp.Navigate(app.URL+"/admin/dashboard"),
		chromedp.WaitVisible(chromedp.CSS("#api-key")),
		chromedp.SendKeys(chromedp.CSS("#api-key"), app.Keys.Auditor),
		chromedp.Click(chromedp.CSS("#key-form button[type=submit]")),
	)
	p.waitText("#gaps tbody tr", "1 handed off, 1 not answered", 10*time.Second)
	p.waitText("#gaps tbody tr", "Can you engrave my name on it?", time.Second)
}

// TestBrowserSandboxScenarioAndRehearsalView: a sandbox conversation is
// saved as a scenario; on the dashboard an admin starts a rehearsal of a
// draft rule that hands off shipping questions, follows it to its end, and
// reads the report: the scenario it breaks failed, and the past
// conversation about shipping changed, then and now side by side; then
// takes a content snapshot, which the form offers to rehearse on.
func TestBrowserSandboxScenarioAndRehearsalView(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	browser := browsertest.New(t)

	sandbox := newPage(t, browser, "sandbox", false)
	signIn(sandbox, app.URL+"/sandbox", app.Keys.Admin)
	sandbox.do(chromedp.WaitVisible(chromedp.CSS("#message")))
	say(sandbox, "How long does shipping take?")
	sandbox.waitText(".turn-details .used-sources a", "Shipping times and costs", 30*time.Second)
	sandbox.do(
		chromedp.SendKeys(chromedp.CSS("#scenario-name"), "Shipping stays with the agent"),
		chromedp.Click(chromedp.CSS("#save-scenario")),
	)
	sandbox.waitText("#scenario-status", "Saved scenario", 10*time.Second)
	var scenario models.Scenario
	require.NoError(t, app.DB.Where("name = ?", "Shipping stays with the agent").Take(&scenario).Error)
	require.Len(t, scenario.Turns.V, 1)
	require.Equal(t, false, *scenario.Turns.V[0].Expect.HandedOff)
	require.True(t, strings.HasSuffix(eval[string](sandbox, `document.querySelector("#scenario-status a").href`),
		"/admin/scenarios?scenario="+scenario.ID), "the saved scenario links to its page")

	r := do(t, "POST", app.URL+"/v1/conversations/conv-ship/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"What does express shipping cost?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	body, _ := json.Marshal(map[string]any{"name": "Shipping goes to a person", "priority": 1, "enabled": true,
		"condition": `containsAny(conversation.text, ["shipping"])`, "mode": "transfer_now", "team": "support", "message": "A person will help."})
	r = do(t, "POST", app.URL+"/v1/rules/handoff/draft/rules", app.Keys.Admin, body)
	require.Equal(t, 201, r.Status, r.Raw)

	dash := newPage(t, browser, "dashboard", true)
	signIn(dash, app.URL+"/admin/dashboard", app.Keys.Admin)
	dash.waitText("#rehearsal-list tbody", "No rehearsals yet.", 10*time.Second)
	dash.do(
		chromedp.SetValue(chromedp.CSS("#r-handoff"), "draft"),
		chromedp.Click(chromedp.CSS("#r-past")),
		chromedp.Click(chromedp.CSS("#r-start")),
	)
	dash.waitText("#report-title", "done", 90*time.Second)
	dash.waitText("#report-config", "hand-off rules draft v", time.Second)
	dash.waitText("#report-cases tr.failed", "Shipping stays with the agent", time.Second)
	dash.waitText("#report-cases tr.failed .diff", "expected handed_off false, got true", time.Second)
	dash.waitText("#report-cases tr.changed", "conv-ship", time.Second)
	dash.waitText("#report-cases tr.changed td.then", "answered", time.Second)
	dash.waitText("#report-cases tr.changed td.now", "handed off · rule Shipping goes to a person", time.Second)
	dash.waitText("#report-cards", "Past conversations changed", time.Second)
	dash.waitText("#rehearsal-list tbody tr", "done", 10*time.Second)

	// A content snapshot taken on the page is offered as the content to
	// rehearse on.
	dash.do(
		chromedp.SendKeys(chromedp.CSS("#r-snapshot-name"), "Before the shipping edit"),
		chromedp.Click(chromedp.CSS("#r-snapshot")),
	)
	dash.waitText("#report-config", "Snapshot taken", 30*time.Second)
	dash.waitText("#r-content", "Before the shipping edit", time.Second)
	var snap models.ContentSnapshot
	require.NoError(t, app.DB.Where("name = ?", "Before the shipping edit").Take(&snap).Error)
	chosen, err := chromedp.Run(dash.ctx, chromedp.Value(chromedp.CSS("#r-content")))
	require.NoError(t, err)
	require.Equal(t, snap.ID, chosen, "the new snapshot is chosen")
}

// TestBrowserRulesEditorChecksTriesAndPublishes: on the rules page an admin
// adds a hand-off rule to the published set. A misspelt field is pointed at
// while typing, a priority another rule has is refused on the field, and
// the saved rule decides a sample conversation on the draft and not on the
// published version; once published, conversations get it, and a rollback
// publishes the earlier rules again.
func TestBrowserRulesEditorChecksTriesAndPublishes(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	var published struct {
		Version int `json:"version"`
		Rules   []struct {
			Name     string `json:"name"`
			Priority int    `json:"priority"`
		} `json:"rules"`
	}
	r := do(t, "GET", app.URL+"/v1/rules/handoff/versions", app.Keys.Admin, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	var list struct {
		Versions []struct {
			Version int    `json:"version"`
			State   string `json:"state"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Raw), &list))
	for _, v := range list.Versions {
		if v.State == "published" {
			r = do(t, "GET", fmt.Sprintf("%s/v1/rules/handoff/versions/%d", app.URL, v.Version), app.Keys.Admin, nil)
			require.NoError(t, json.Unmarshal([]byte(r.Raw), &published))
		}
	}
	require.NotEmpty(t, published.Rules, "the workspace has published hand-off rules")
	taken := published.Rules[0]

	p := newPage(t, browsertest.New(t), "rules", false)
	signIn(p, app.URL+"/admin/rules", app.Keys.Admin)
	p.waitText("#rules tbody", taken.Name, 10*time.Second)
	p.waitText("#set-state", fmt.Sprintf("Published: version %d", published.Version), time.Second)

	p.do(
		chromedp.Click(chromedp.CSS("#new-rule")),
		chromedp.WaitVisible(chromedp.CSS("#r-condition")),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "VIP customers go to a person"),
		chromedp.SetValue(chromedp.CSS("#r-priority"), fmt.Sprint(taken.Priority)),
		chromedp.SendKeys(chromedp.CSS("#r-condition"), `contact.teir == "vip"`),
	)
	p.waitText("#condition-check.error", "did you mean contact.tier", 10*time.Second)
	p.waitText("#condition-check.error pre", "^", time.Second)
	eval[bool](p, `(document.getElementById("r-condition").value = "", true)`)
	p.do(chromedp.SendKeys(chromedp.CSS("#r-condition"), `contact.tier == "vip"`))
	p.waitText("#condition-check.ok", "Valid. It reads contact.tier", 10*time.Second)

	p.do(chromedp.Click(chromedp.CSS("#save-rule")))
	p.waitText("#rule-error", "already has priority", 10*time.Second)
	require.Equal(t, "true", eval[string](p, `document.getElementById("r-priority").getAttribute("aria-invalid")`))
	p.do(
		chromedp.SetValue(chromedp.CSS("#r-priority"), fmt.Sprint(taken.Priority-1)),
		chromedp.Click(chromedp.CSS("#save-rule")),
	)
	p.waitText("#rules tbody", "VIP customers go to a person", 10*time.Second)
	p.waitText("#set-state", "Showing the draft", time.Second)

	eval[bool](p, `(document.getElementById("t-text").value = "Where is my parcel?", true)`)
	p.do(
		chromedp.SendKeys(chromedp.CSS("#t-tier"), "vip"),
		chromedp.Click(chromedp.CSS("#try-run")),
	)
	p.waitText("#try-draft .decided", "“VIP customers go to a person” decides", 10*time.Second)
	p.waitText("#try-published .decided", "No rule matches", 10*time.Second)

	p.do(chromedp.Click(chromedp.CSS("#publish")))
	p.waitText("#status", fmt.Sprintf("Published version %d", published.Version+1), 10*time.Second)
	r = do(t, "POST", app.URL+"/v1/rules/test", app.Keys.Admin,
		[]byte(`{"kind":"handoff","conversation":{"text":"Where is my parcel?"},"contact":{"tier":"vip"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	var decision struct {
		DecidedBy *struct {
			Name string `json:"name"`
		} `json:"decided_by"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Raw), &decision))
	require.NotNil(t, decision.DecidedBy, r.Raw)
	require.Equal(t, "VIP customers go to a person", decision.DecidedBy.Name, "the published version decides with the new rule")

	// Back to the rules that were published before.
	eval[bool](p, `window.confirm = () => true, true`)
	p.waitText("#versions tbody tr.archived", fmt.Sprint(published.Version), 5*time.Second)
	p.do(chromedp.Click(chromedp.CSS("#versions tbody tr.archived button.rollback")))
	p.waitText("#status", fmt.Sprintf("version %d is a copy of version %d", published.Version+2, published.Version), 10*time.Second)
	require.NotContains(t, eval[string](p, `document.querySelector("#rules tbody").textContent`), "VIP customers")

	// The sandbox, one link away, takes the admin pages' key.
	p.do(
		chromedp.Click(chromedp.CSS(`nav a[href="/sandbox"]`)),
		chromedp.WaitVisible(chromedp.CSS("#message")),
	)
}

// TestBrowserAgentPageSavesSettingsAndActions: on the agent page an admin
// adds a reusable response and return windows; a line the page cannot read
// and a response without phrases are refused on their inputs, and nothing
// is saved until both are right; the saved response then answers a
// customer. A built-in action enabled without the option it needs is
// refused on that option.
func TestBrowserAgentPageSavesSettingsAndActions(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	settings := func() map[string]any {
		r := do(t, "GET", app.URL+"/v1/agent/settings", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	before := settings()

	p := newPage(t, browsertest.New(t), "agent", false)
	signIn(p, app.URL+"/admin/agent", app.Keys.Admin)
	p.waitText("#s-effective", "In effect", 10*time.Second)
	require.Equal(t, before["agent_name"], eval[string](p, `document.getElementById("s-agent_name").value`))

	responses := eval[int](p, `document.querySelectorAll("#responses fieldset").length`)
	p.do(chromedp.Click(chromedp.CSS("#add-response")))
	last := fmt.Sprintf("#responses fieldset:nth-of-type(%d) ", responses+1)
	p.do(chromedp.SendKeys(chromedp.CSS(last+"input"), "Gift cards"))
	// Its response written, its phrases forgotten; a return window's days
	// in words.
	setResponse := func(phrases string) {
		eval[bool](p, fmt.Sprintf(`(() => {
			const [phrases, response] = document.querySelectorAll('%stextarea');
			phrases.value = %q;
			response.value = "We do not sell gift cards yet.";
			return true;
		})()`, last, phrases))
	}
	setResponse("")
	eval[bool](p, `(document.getElementById("s-return_window_days").value = "wholesale: fourteen", true)`)
	p.refused("#save-settings", "#settings-error", "line 1 needs a whole number of days", "#s-return_window_days")

	eval[bool](p, `(document.getElementById("s-return_window_days").value = "wholesale: 14\ndefault: 45", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-settings")))
	p.waitText("#settings-error", fmt.Sprintf("reusable_responses[%d].triggers", responses), 5*time.Second)
	require.Equal(t, "true", eval[string](p, fmt.Sprintf(
		`document.querySelector('[data-field="reusable_responses[%d].triggers"]').getAttribute("aria-invalid")`, responses)))
	require.Equal(t, before["reusable_responses"], settings()["reusable_responses"], "a refused save writes nothing")
	require.Equal(t, before["return_window_days"], settings()["return_window_days"], "a refused save writes nothing")

	setResponse("gift card\ngift voucher")
	p.do(chromedp.Click(chromedp.CSS("#save-settings")))
	p.waitText("#status", "Settings saved", 5*time.Second)
	after := settings()
	require.Equal(t, map[string]any{"wholesale": float64(14), "default": float64(45)}, after["return_window_days"])
	saved := after["reusable_responses"].([]any)
	require.Len(t, saved, responses+1)
	require.Equal(t, map[string]any{"name": "Gift cards", "triggers": []any{"gift card", "gift voucher"},
		"response": "We do not sell gift cards yet."}, saved[responses])

	r := do(t, "POST", app.URL+"/v1/conversations/agent-page-1/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"Can I buy a gift voucher for my sister?"}`))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "We do not sell gift cards yet.", r.Body["reply"].(map[string]any)["text"], r.Raw)

	// A built-in action's options show as the company wrote them.
	r = do(t, "GET", app.URL+"/v1/agent/actions/order_status", app.Keys.Admin, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	notes, _ := r.Body["status_notes"].(map[string]any)
	require.NotEmpty(t, notes, "the workspace's order status has notes")
	var want []string
	for _, status := range slices.Sorted(maps.Keys(notes)) {
		want = append(want, status+": "+notes[status].(string))
	}
	require.Equal(t, strings.Join(want, "\n"),
		eval[string](p, `document.querySelector('#actions [data-action="order_status"] .option').value`))

	// Enabling the password reset needs the page where a customer sets one.
	card := `#actions [data-action="password_reset"] `
	p.do(chromedp.WaitVisible(chromedp.CSS(card + "input.enabled")))
	eval[bool](p, fmt.Sprintf(`(() => {
		document.querySelector('%[1]sinput.enabled').checked = true;
		document.querySelector('%[1]s.option').value = "";
		return true;
	})()`, card))
	p.do(chromedp.Click(chromedp.CSS(card + "button[type=submit]")))
	p.waitText(card+".error", "reset_url", 5*time.Second)
	require.Equal(t, "true", eval[string](p, fmt.Sprintf(`document.querySelector('%s.option').getAttribute("aria-invalid")`, card)))
	p.do(
		chromedp.SendKeys(chromedp.CSS(card+".option"), "https://shop.example/reset"),
		chromedp.Click(chromedp.CSS(card+"button[type=submit]")),
	)
	p.waitText("#status", "password_reset saved: enabled", 5*time.Second)
	r = do(t, "GET", app.URL+"/v1/agent/actions/password_reset", app.Keys.Admin, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, true, r.Body["enabled"])
	require.Equal(t, "https://shop.example/reset", r.Body["reset_url"])

	// A company action from the page's form: refused on a field of its
	// definition with nothing written, then added, and called once.
	sys := newPointsSystem(t)
	ws := do(t, "GET", app.URL+"/v1/workspace", app.Keys.Admin, nil)
	r = do(t, "PUT", app.URL+"/v1/workspace", app.Keys.Admin, []byte(`{"name":"`+ws.Body["name"].(string)+
		`","time_zone":"UTC","default_language":"en","action_hosts":["127.0.0.1"]}`))
	require.Equal(t, 200, r.Status, r.Raw)
	definition := strings.ReplaceAll(pointsAction, "%s", sys.URL)
	setDefinition := func(timeout int) {
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(definition), &d))
		d["timeout_seconds"] = timeout
		text, _ := json.Marshal(d)
		eval[bool](p, fmt.Sprintf(`(document.getElementById("new-action-json").value = %q, true)`, text))
	}
	p.do(chromedp.Click(chromedp.CSS("#new-action summary")))
	setDefinition(500)
	p.refused("#create-action", "#new-action-error", "timeout_seconds", "#new-action-json")
	require.Equal(t, 404, do(t, "GET", app.URL+"/v1/agent/actions/loyalty_points", app.Keys.Admin, nil).Status, "nothing refused is written")
	setDefinition(5)
	p.do(chromedp.Click(chromedp.CSS("#create-action")))
	points := `#actions [data-action="loyalty_points"] `
	p.waitText("#status", "loyalty_points added", 5*time.Second)
	require.NotContains(t, eval[string](p, `document.getElementById("actions").textContent`), "pts-secret", "a secret is never shown")
	p.waitText(points+".hint", "Secret headers kept: Authorization", time.Second)
	p.do(
		chromedp.SendKeys(chromedp.CSS(points+".sample-email"), "ada@example.com"),
		chromedp.Click(chromedp.CSS(points+"button.try")),
	)
	p.waitText(points+".try-result", "The customer would read: “You have 1250 points (gold tier).”", 10*time.Second)
	require.Equal(t, 1, sys.count(), "called once")
}

// TestBrowserContentPageAnswersAKnowledgeGap: a question the content does
// not answer shows on the dashboard with a link that starts a short answer
// to it on the content page; an answer left empty is refused on its input
// with nothing saved; the answer written is synced into the search, and the
// next customer who asks gets it. Edited on the page, it answers anew.
func TestBrowserContentPageAnswersAKnowledgeGap(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	const question = "Do you offer engraving?"
	ask := func(conversation string) string {
		r := do(t, "POST", app.URL+"/v1/conversations/"+conversation+"/messages", app.Keys.Widget,
			[]byte(fmt.Sprintf(`{"id":"m1","text":%q}`, question)))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body["reply"].(map[string]any)["text"].(string)
	}
	ask("gap-1")
	require.Eventually(t, func() bool {
		var n int64
		require.NoError(t, app.DB.Model(&models.KnowledgeGap{}).Count(&n).Error)
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)
	sources := func() int {
		r := do(t, "GET", app.URL+"/v1/sources?limit=500", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return len(r.Body["sources"].([]any))
	}
	before := sources()

	p := newPage(t, browsertest.New(t), "content", false)
	signIn(p, app.URL+"/admin/dashboard", app.Keys.Admin)
	p.waitText("#gaps tbody tr", question, 10*time.Second)
	require.True(t, strings.HasSuffix(eval[string](p, `document.querySelector("#gaps a.gap-conversation").href`),
		"/admin/conversations?conversation=gap-1"), "the gap links to its conversation")
	p.do(
		chromedp.Click(chromedp.CSS("#gaps a.answer-gap")),
		chromedp.WaitVisible(chromedp.CSS("#c-question")),
	)
	p.waitText("#sources tbody", "ready", 10*time.Second)
	require.Equal(t, question, eval[string](p, `document.getElementById("c-question").value`))
	require.Equal(t, "short_answer", eval[string](p, `document.getElementById("c-kind").value`))

	p.refused("#save-source", "#source-error", "answer", "#c-answer")
	require.Equal(t, before, sources(), "nothing refused is written")

	answer := "Yes: we engrave up to 20 letters on any pen, free of charge."
	p.do(
		chromedp.SendKeys(chromedp.CSS("#c-answer"), answer),
		chromedp.Click(chromedp.CSS("#save-source")),
	)
	// A save waits for the source's row and its sync to start: seconds
	// on a loaded machine (CI once took more than five).
	p.waitText("#status", "added", 20*time.Second)
	row := fmt.Sprintf(`#sources tbody tr:nth-child(%d) `, before+1)
	p.waitText(row+"td", question, 5*time.Second)
	p.waitText(row+".source-status", "ready", 60*time.Second)
	require.Contains(t, ask("gap-2"), "we engrave up to 20 letters")

	p.do(chromedp.Click(chromedp.CSS(row + "button.edit")))
	p.waitText("#form-title", "Edit “"+question+"”", 5*time.Second)
	require.Equal(t, answer, eval[string](p, `document.getElementById("c-answer").value`))
	eval[bool](p, `(document.getElementById("c-answer").value = "Yes: we engrave up to 30 letters on any pen or notebook.", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-source")))
	p.waitText("#status", "saved", 20*time.Second)
	require.Eventually(t, func() bool {
		return strings.Contains(ask(fmt.Sprintf("gap-3-%d", time.Now().UnixNano())), "up to 30 letters")
	}, 60*time.Second, 500*time.Millisecond, "the edited answer is searched")
	require.Equal(t, before+1, sources(), "an edit changes the source, it adds none")
}

// TestBrowserChannelsPageAddsATeamAChatAndAKey: on the channels page an
// admin adds a team (its working hours refused on their input until they
// read), a chat channel for it with the site allowed to show it (the widget
// key, shown once, answers a customer), and a rep key (refused without the
// rep's name), which works until it is revoked on the page.
func TestBrowserChannelsPageAddsATeamAChatAndAKey(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	p := newPage(t, browsertest.New(t), "channels", false)
	signIn(p, app.URL+"/admin/channels", app.Keys.Admin)
	p.waitText("#teams tbody", "support", 10*time.Second)
	eval[bool](p, `window.confirm = () => true, true`)

	p.do(
		chromedp.SendKeys(chromedp.CSS("#t-key"), "billing"),
		chromedp.SendKeys(chromedp.CSS("#t-name"), "Billing"),
		chromedp.SendKeys(chromedp.CSS("#t-hours"), "weekdays 9 to 5"),
		chromedp.Click(chromedp.CSS("#save-team")),
	)
	p.waitText("#team-error", "working_hours", 5*time.Second)
	require.Equal(t, "true", eval[string](p, `document.getElementById("t-hours").getAttribute("aria-invalid")`))
	require.False(t, hasTeam(t, app, "billing"), "nothing refused is written")
	eval[bool](p, `(document.getElementById("t-hours").value = "mon-fri 09:00-17:00 Europe/Berlin", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-team")))
	p.waitText("#status", "Team billing saved", 5*time.Second)
	require.True(t, hasTeam(t, app, "billing"))

	p.do(
		chromedp.SendKeys(chromedp.CSS("#ch-name"), "Shop chat"),
		chromedp.SetValue(chromedp.CSS("#ch-team"), "billing"),
		chromedp.SendKeys(chromedp.CSS("#ch-origins"), "https://shop.example"),
		chromedp.Click(chromedp.CSS("#create-channel")),
	)
	p.waitText("#secret-title", "The widget key of Shop chat", 10*time.Second)
	shown := eval[string](p, `document.getElementById("secret-text").textContent`)
	key := regexp.MustCompile(`sb_widget_[a-z0-9]+`).FindString(shown)
	require.NotEmpty(t, key, shown)
	require.Contains(t, shown, `/web/embed.js" data-channel="`)
	p.waitText("#channels tbody", "Shop chat", 5*time.Second)
	r := do(t, "POST", app.URL+"/v1/conversations/channels-page-1/messages", key,
		[]byte(`{"id":"m1","text":"How long does shipping take?","contact":{"email":"ada@example.com"}}`))
	require.Equal(t, 200, r.Status, r.Raw)
	channel := regexp.MustCompile(`data-channel="([^"]+)"`).FindStringSubmatch(shown)[1]
	r = do(t, "GET", app.URL+"/v1/channels/"+channel+"/widget-origins", app.Keys.Admin, nil)
	require.Equal(t, []any{"https://shop.example"}, r.Body["origins"], r.Raw)
	r = do(t, "GET", app.URL+"/v1/channels/"+channel, app.Keys.Admin, nil)
	require.Equal(t, "billing", r.Body["team"], r.Raw)
	p.do(chromedp.Click(chromedp.CSS("#secret-done")))
	require.Empty(t, eval[string](p, `document.getElementById("secret-text").textContent`), "the secret leaves the page")

	p.do(
		chromedp.SetValue(chromedp.CSS("#k-team"), "billing"),
		chromedp.Click(chromedp.CSS("#create-key")),
	)
	p.waitText("#key-error", "name", 5*time.Second)
	require.Equal(t, "true", eval[string](p, `document.getElementById("k-name").getAttribute("aria-invalid")`))
	p.do(
		chromedp.SendKeys(chromedp.CSS("#k-name"), "Grace"),
		chromedp.Click(chromedp.CSS("#create-key")),
	)
	p.waitText("#secret-title", "The rep key of Grace", 10*time.Second)
	repKey := eval[string](p, `document.getElementById("secret-text").textContent`)
	require.Equal(t, 200, do(t, "GET", app.URL+"/v1/rep/queue", repKey, nil).Status)
	p.waitText("#keys tbody tr", "Grace", 5*time.Second)
	p.do(chromedp.Click(chromedp.CSS(`#keys tbody tr:last-child button.revoke`)))
	p.waitText("#status", "The key of Grace is revoked", 5*time.Second)
	require.Equal(t, 401, do(t, "GET", app.URL+"/v1/rep/queue", repKey, nil).Status)
}

// TestBrowserChannelSettingsPage edits a chat channel's settings and an
// email channel's provider on the channels page: a refused save is shown
// on its field and writes nothing; a saved one changes what the customer
// meets (the chat asks for a name first); the identity secret shown once
// verifies a signed-in customer; a mail server's password is kept and
// never shown. The workspace's own settings are on the same page.
func TestBrowserChannelSettingsPage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	p := newPage(t, browsertest.New(t), "channel-settings", false)
	signIn(p, app.URL+"/admin/channels", app.Keys.Admin)
	eval[bool](p, `window.confirm = () => true, true`)
	chatRow := `#channels tbody tr[data-id="` + app.Demo.ChannelID + `"]`
	p.waitText(chatRow, "chat", 10*time.Second)
	p.do(chromedp.Click(chromedp.CSS(chatRow + " button.settings")))
	p.waitText("#cs-title", "(chat)", 5*time.Second)
	chat := func() map[string]any {
		r := do(t, "GET", app.URL+"/v1/channels/"+app.Demo.ChannelID, app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	before := chat()

	eval[bool](p, `(() => {
		const mode = document.getElementById("cs-hours-mode");
		mode.value = "inside";
		mode.dispatchEvent(new Event("change"));
		document.getElementById("cs-hours-schedule").value = "weekdays 9 to 5";
		document.querySelector('input[name="mandatory"][value="name"]').checked = true;
		document.getElementById("cs-inactivity-after").value = "45m";
		document.getElementById("cs-inactivity-action").value = "handoff";
		return true;
	})()`)
	p.refused("#save-settings", "#settings-error", "agent_hours.schedule", "#cs-hours-schedule")
	require.Equal(t, before, chat(), "nothing refused is written")

	eval[bool](p, `(document.getElementById("cs-hours-schedule").value = "mon-fri 09:00-17:00 Europe/Berlin", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-settings")))
	p.waitText("#status", "settings saved", 5*time.Second)
	after := chat()
	require.Equal(t, []any{"name"}, after["mandatory_fields"])
	require.Equal(t, map[string]any{"mode": "inside", "schedule": "mon-fri 09:00-17:00 Europe/Berlin"}, after["agent_hours"])
	require.Equal(t, map[string]any{"after": "45m0s", "action": "handoff"}, after["inactivity"])
	require.Equal(t, before["name"], after["name"], "what the page did not change stays")
	require.Equal(t, before["agent_share"], after["agent_share"])
	require.Equal(t, "45m", eval[string](p, `document.getElementById("cs-inactivity-after").value`))
	r := do(t, "POST", app.URL+"/v1/conversations/settings-page-1/messages", app.Keys.Widget,
		[]byte(`{"id":"m1","text":"How long does shipping take?"}`))
	require.Equal(t, 400, r.Status, r.Raw)
	require.Contains(t, r.Raw, "contact.name", "the chat now asks for a name first")

	p.do(chromedp.Click(chromedp.CSS("#identity-rotate")))
	p.waitText("#secret-title", "The identity secret of", 10*time.Second)
	shown := eval[string](p, `document.getElementById("secret-text").textContent`)
	secret := regexp.MustCompile(`Secret: (\S+)`).FindStringSubmatch(shown)
	require.Len(t, secret, 2, shown)
	p.waitText("#identity-state", "On:", 5*time.Second)
	r = do(t, "POST", app.URL+"/v1/conversations/settings-page-2/messages", app.Keys.Widget, jsonBody(t, map[string]any{
		"id": "m1", "text": "How long does shipping take?", "contact": map[string]string{"name": "Ada"},
		"identity_token": identityToken(t, jwt.SigningMethodHS256, []byte(secret[1]), identityClaims()),
	}))
	require.Equal(t, 200, r.Status, r.Raw)
	require.Equal(t, "ada@example.com", verifiedIdentity(t, app, "settings-page-2")["Email"], "the secret shown verifies")
	p.do(chromedp.Click(chromedp.CSS("#identity-off")))
	p.waitText("#identity-state", "Off:", 5*time.Second)
	require.Equal(t, false, chat()["identity_verification"])

	var email demo.WebhookChannel
	for _, w := range app.Demo.Webhooks {
		if w.Type == "email" {
			email = w
		}
	}
	require.NotEmpty(t, email.ChannelID)
	emailRow := `#channels tbody tr[data-id="` + email.ChannelID + `"]`
	p.do(chromedp.Click(chromedp.CSS(emailRow + " button.settings")))
	p.waitText("#cs-title", "(email)", 5*time.Second)
	require.True(t, eval[bool](p, `document.getElementById("identity-panel").hidden`), "an email channel has no identity tokens")
	p.waitText("#provider-note", "/inbound/email", 5*time.Second)
	eval[bool](p, `(() => {
		document.getElementById("pv-smtp-addr").value = "mail.example";
		document.getElementById("pv-smtp-user").value = "support";
		document.getElementById("pv-smtp-password").value = "hunter2";
		return true;
	})()`)
	p.refused("#save-provider", "#provider-error", "email.smtp.addr", "#pv-smtp-addr")
	provider := func() map[string]any {
		r := do(t, "GET", app.URL+"/v1/channels/"+email.ChannelID+"/provider", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body["email"].(map[string]any)
	}
	require.Nil(t, provider()["smtp"], "nothing refused is written")
	eval[bool](p, `(document.getElementById("pv-smtp-addr").value = "mail.example:587", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-provider")))
	p.waitText("#status", "provider saved", 5*time.Second)
	require.Equal(t, map[string]any{"addr": "mail.example:587", "tls": "starttls", "username": "support", "password_set": true},
		provider()["smtp"])
	require.Empty(t, eval[string](p, `document.getElementById("pv-smtp-password").value`), "the password is not shown")
	require.Contains(t, eval[string](p, `document.getElementById("pv-smtp-password").placeholder`), "kept")
	// Saved again without typing it, the password is kept.
	eval[bool](p, `(document.getElementById("status").textContent = "", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-provider")))
	p.waitText("#status", "provider saved", 5*time.Second)
	require.Equal(t, true, provider()["smtp"].(map[string]any)["password_set"])

	// The workspace's own settings, at the top of the page.
	workspace := func() map[string]any {
		r := do(t, "GET", app.URL+"/v1/workspace", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	ws := workspace()
	require.Equal(t, ws["name"], eval[string](p, `document.getElementById("w-name").value`))
	eval[bool](p, `(document.getElementById("w-time-zone").value = "Mars/Olympus",
		document.getElementById("w-hosts").value = "orders.internal, 10.0.0.12", true)`)
	p.refused("#save-workspace", "#workspace-error", "time_zone", "#w-time-zone")
	require.Equal(t, ws, workspace(), "nothing refused is written")
	eval[bool](p, `(document.getElementById("w-time-zone").value = "Europe/Berlin", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-workspace")))
	p.waitText("#status", "The workspace is saved", 5*time.Second)
	ws = workspace()
	require.Equal(t, "Europe/Berlin", ws["time_zone"])
	require.Equal(t, []any{"orders.internal", "10.0.0.12"}, ws["action_hosts"])
}

// hasTeam reports whether the workspace has the team.
func hasTeam(t *testing.T, app *testenv.App, key string) bool {
	t.Helper()
	r := do(t, "GET", app.URL+"/v1/teams", app.Keys.Admin, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	for _, team := range r.Body["teams"].([]any) {
		if team.(map[string]any)["key"] == key {
			return true
		}
	}
	return false
}

// fileWriter writes files for a page to upload into a directory of the
// test's, returning each one's path.
func fileWriter(t *testing.T) func(name, text string) string {
	dir := t.TempDir()
	return func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
}

// TestBrowserCRMPageImportsAndLooksUp: on the customers page an admin
// imports the company's contacts from a CSV file (one bad row refuses the
// file, naming the row, with nothing written), then an order from a JSON
// lines file, and looks the order up as the agent reads it.
func TestBrowserCRMPageImportsAndLooksUp(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	write := fileWriter(t)
	contactCount := func() int {
		r := do(t, "GET", app.URL+"/v1/crm/contacts?email=imported%40example.com", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		return len(r.Body["contacts"].([]any))
	}

	p := newPage(t, browsertest.New(t), "crm", false)
	signIn(p, app.URL+"/admin/crm", app.Keys.Admin)
	p.do(
		chromedp.WaitVisible(chromedp.CSS("#i-file")),
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("contacts.csv",
			"external_id,email,name,tier\nC-IMP-1,imported@example.com,Imke,premium\nC-IMP-2,not an email,Bad,standard\n")}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#import-error", "row 2: email", 10*time.Second)
	require.Zero(t, contactCount(), "nothing of a refused file is written")

	p.do(
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("contacts-fixed.csv",
			"external_id,email,name,tier\nC-IMP-1,imported@example.com,Imke,premium\nC-IMP-2,bram.imported@example.com,Bram,standard\n")}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#status", "contacts-fixed.csv: 2 contacts created, 0 updated", 10*time.Second)
	require.Equal(t, 1, contactCount())

	p.do(
		chromedp.SetValue(chromedp.CSS("#i-kind"), "orders"),
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("orders.ndjson",
			`{"external_id":"IMP-9001","contact":"C-IMP-1","status":"shipped","placed_at":"2026-11-20T10:00:00Z"}`+"\n")}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#status", "orders.ndjson: 1 orders created", 10*time.Second)

	p.do(
		chromedp.SetValue(chromedp.CSS("#f-kind"), "orders"),
		chromedp.SendKeys(chromedp.CSS("#f-value"), "IMP-9001"),
		chromedp.Click(chromedp.CSS("#find")),
	)
	p.waitText("#found pre.record", `"number": "IMP-9001"`, 10*time.Second)
	p.waitText("#found pre.record", `"status": "shipped"`, time.Second)
}

// TestBrowserAgentPageQualifiesSalesInquiries: on the agent page an admin
// replaces the qualifying questions with one of their own and a score over
// its answer (a misspelt name is refused on the score, with nothing saved);
// a customer's sales inquiry is then asked that question, and a high enough
// answer goes to the team chosen.
func TestBrowserAgentPageQualifiesSalesInquiries(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	leads := func() map[string]any {
		r := do(t, "GET", app.URL+"/v1/leads/settings", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		delete(r.Body, "updated_at")
		return r.Body
	}
	before := leads()
	p := newPage(t, browsertest.New(t), "agent-leads", false)
	signIn(p, app.URL+"/admin/agent", app.Keys.Admin)
	p.do(chromedp.WaitVisible(chromedp.CSS("#leads-form")))
	require.Eventually(t, func() bool { return eval[string](p, `document.getElementById("l-team").value`) != "" },
		10*time.Second, 50*time.Millisecond, "the settings are read")
	team := eval[string](p, `document.getElementById("l-team").value`)

	eval[bool](p, `(() => {
		document.querySelectorAll("#lead-questions .remove-response").forEach(() =>
			document.querySelector("#lead-questions .remove-response").click());
		document.getElementById("add-question").click();
		const [name, question] = document.querySelectorAll("#lead-questions input");
		name.value = "seats";
		question.value = "How many seats would you need?";
		document.getElementById("l-enabled").checked = true;
		document.getElementById("l-score").value = "contact.properties.seats >= 100 ? 100 :\n  contact.propertie.seats";
		document.getElementById("l-threshold").value = "50";
		return true;
	})()`)
	require.Equal(t, 1, eval[int](p, `document.querySelectorAll("#lead-questions fieldset").length`))
	p.refused("#save-leads", "#leads-error", "score_expression", "#l-score")
	require.Equal(t, before, leads(), "nothing refused is written")

	eval[bool](p, `(document.getElementById("l-score").value = "contact.properties.seats >= 100 ? 100 : 0", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-leads")))
	p.waitText("#status", "Sales inquiries saved", 5*time.Second)
	after := leads()
	require.Equal(t, []any{map[string]any{"property": "seats", "question": "How many seats would you need?", "kind": "number"}},
		after["questions"])
	require.Equal(t, team, after["team"])

	say := func(id, text string) map[string]any {
		r := do(t, "POST", app.URL+"/v1/conversations/leads-page-1/messages", app.Keys.Widget,
			jsonBody(t, map[string]any{"id": id, "text": text, "contact": map[string]string{"email": "buyer@acme.example"}}))
		require.Equal(t, 200, r.Status, r.Raw)
		return r.Body
	}
	first := say("m1", "Hi, do you offer volume discounts for our office?")
	require.Contains(t, first["reply"].(map[string]any)["text"], "How many seats would you need?")
	last := say("m2", "about 250")
	require.Equal(t, true, last["handed_off"], "a score of 100 reaches the threshold of 50")
	// The record follows the reply.
	require.Eventually(t, func() bool {
		r := do(t, "GET", app.URL+"/v1/conversations/leads-page-1", app.Keys.Admin, nil)
		return r.Body["status"] == "handed_off" && r.Body["team"] == team
	}, 10*time.Second, 100*time.Millisecond, "handed to %s", team)
}

// TestBrowserConversationsPage: an auditor finds conversations on the
// conversations page by their search attributes (a hand-off among answered
// ones, the sandbox's apart), reads one's transcript and decisions, and
// gets there from a hand-off reason on the dashboard.
func TestBrowserConversationsPage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	customerSays(t, app, "conv-answered", "m1", "How long does shipping take?", "")
	customerSays(t, app, "conv-refund", "m1", "I want a refund", "")
	r := do(t, "POST", app.URL+"/v1/test/conversations/conv-sandbox/messages", app.Keys.Admin,
		[]byte(`{"id":"m1","text":"What is your return window?"}`))
	require.Equal(t, 200, r.Status, r.Raw)

	p := newPage(t, browsertest.New(t), "conversations", false)
	signIn(p, app.URL+"/admin/conversations", app.Keys.Auditor)
	rows := func() []string {
		return eval[[]string](p, `Array.from(document.querySelectorAll("#conversations tbody tr")).map((tr) => tr.dataset.conversation).sort()`)
	}
	// Temporal's visibility store follows the workflows by a moment, and
	// more under load: each try reads the list once it is found.
	find := func(want []string) {
		t.Helper()
		var have []string
		for deadline := time.Now().Add(45 * time.Second); ; {
			p.do(chromedp.Click(chromedp.CSS("#find")))
			require.Eventually(t, func() bool {
				return !eval[bool](p, `document.getElementById("conversations").hasAttribute("aria-busy")`)
			}, 15*time.Second, 50*time.Millisecond, "the list is read")
			if have = rows(); slices.Equal(have, want) {
				return
			}
			if time.Now().After(deadline) {
				r := do(t, "GET", app.URL+"/v1/conversations/conv-refund", app.Keys.Admin, nil)
				require.Failf(t, "the list", "want %v, have %v; conv-refund's record is %s", want, have, r.Raw)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	p.do(chromedp.WaitVisible(chromedp.CSS("#find")))
	find([]string{"conv-answered", "conv-refund"})

	p.do(chromedp.SetValue(chromedp.CSS("#f-status"), "handed_off"))
	find([]string{"conv-refund"})
	p.waitText("#conversations tbody", "waiting for a person", time.Second)
	p.do(chromedp.Click(chromedp.CSS(`#conversations tbody tr[data-conversation="conv-refund"] button.open`)))
	p.waitText("#c-title", "Conversation conv-refund", 5*time.Second)
	p.waitText("#c-messages .msg-customer", "I want a refund", 5*time.Second)
	p.waitText("#c-messages .msg-agent", "support team", 5*time.Second)
	p.waitText("#c-decisions", "handoff", 5*time.Second)
	p.waitText("#c-meta", "customer not verified", time.Second)
	require.Contains(t, eval[string](p, `document.getElementById("c-workflow-id").textContent`), "conv-refund")
	require.True(t, eval[bool](p, `document.getElementById("as-scenario").offsetParent === null`), "an auditor saves no scenario")

	eval[bool](p, `(document.getElementById("f-status").value = "", document.getElementById("f-test").checked = true, true)`)
	find([]string{"conv-sandbox"})
	p.do(chromedp.Click(chromedp.CSS(`#conversations tbody tr[data-conversation="conv-sandbox"] button.open`)))
	p.waitText("#c-title", "Conversation conv-sandbox (sandbox)", 5*time.Second)
	p.waitText("#c-messages .msg-agent .sources", "Returns", 5*time.Second)

	// A hand-off reason on the dashboard opens the conversations handed off
	// for it.
	p.do(chromedp.Navigate(app.URL + "/admin/dashboard"))
	p.waitText("#handoff-reasons a.drill", demo.RefundRuleName, 15*time.Second)
	p.do(chromedp.Click(chromedp.CSS("#handoff-reasons a.drill")))
	p.do(chromedp.WaitVisible(chromedp.CSS("#find")))
	require.Equal(t, "false", eval[string](p, `String(document.getElementById("f-test").checked)`))
	find([]string{"conv-refund"})
	require.True(t, strings.HasPrefix(eval[string](p, `document.getElementById("f-reason").value`), "rule:"))

	// A link names the conversation to open (the dashboard's knowledge gaps).
	p.do(chromedp.Navigate(app.URL + "/admin/conversations?conversation=conv-answered"))
	p.waitText("#c-title", "Conversation conv-answered", 10*time.Second)
	p.waitText("#c-messages .msg-customer", "How long does shipping take?", 5*time.Second)
	p.waitText("#c-workflow-id", ":conv-answered", time.Second)

	// An admin saves a customer's conversation as a scenario.
	p.do(
		chromedp.SendKeys(chromedp.CSS("#api-key"), app.Keys.Admin),
		chromedp.Click(chromedp.CSS("#key-form button[type=submit]")),
		chromedp.Navigate(app.URL+"/admin/conversations?conversation=conv-refund"),
	)
	p.waitText("#c-title", "Conversation conv-refund", 10*time.Second)
	p.refused("#save-as-scenario", "#sc-status", "name", "#sc-name")
	p.do(
		chromedp.SendKeys(chromedp.CSS("#sc-name"), "Refund requests go to a person"),
		chromedp.Click(chromedp.CSS("#save-as-scenario")),
	)
	p.waitText("#sc-status", "Saved “Refund requests go to a person” with 1 message", 10*time.Second)
	var scenario models.Scenario
	require.NoError(t, app.DB.Where("name = ?", "Refund requests go to a person").Take(&scenario).Error)
	require.Equal(t, demo.RefundRuleName, scenario.Turns.V[0].Expect.Rule)
	require.True(t, strings.HasSuffix(eval[string](p, `document.querySelector("#sc-status a").href`),
		"/admin/scenarios?scenario="+scenario.ID), "it links to the scenario")
}

// TestBrowserIssueTypesPage: on the issue types page an admin adds an issue
// type (an example the classifier cannot use is named by its line, with
// nothing saved), tries a message that the new type now takes, edits the
// type, imports labelled examples from a file (one bad row refuses it with
// nothing written), sets the threshold and deletes the type.
func TestBrowserIssueTypesPage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	write := fileWriter(t)
	get := func(name string) response {
		return do(t, "GET", app.URL+"/v1/issue-types/"+name, app.Keys.Admin, nil)
	}
	p := newPage(t, browsertest.New(t), "issues", false)
	signIn(p, app.URL+"/admin/issues", app.Keys.Admin)
	p.do(chromedp.WaitVisible(chromedp.CSS("#t-name")))
	eval[bool](p, `window.confirm = () => true, true`)

	eval[bool](p, `(() => {
		document.getElementById("t-name").value = "torn_clothing";
		document.getElementById("t-description").value = "Clothes that arrived torn";
		document.getElementById("t-examples").value = "the zipper on my jacket broke\n\n!!!\nthe seam of my trousers ripped";
		return true;
	})()`)
	p.refused("#save-type", "#type-error", "line 3: examples[1]", "#t-examples")
	require.Equal(t, 404, get("torn_clothing").Status, "nothing refused is written")

	eval[bool](p, `(document.getElementById("t-examples").value =
		"the zipper on my jacket broke\nmy new sweater has a hole in it\nthe seam of my trousers ripped", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-type")))
	p.waitText("#types tbody", "torn_clothing", 10*time.Second)
	got := get("torn_clothing")
	require.Equal(t, 200, got.Status, got.Raw)
	require.Len(t, got.Body["examples"], 3)

	message := "the zipper of my new jacket is broken"
	classified := do(t, "POST", app.URL+"/v1/issue-types/classify", app.Keys.Admin, jsonBody(t, map[string]any{"text": message}))
	require.Equal(t, 200, classified.Status, classified.Raw)
	require.Equal(t, "torn_clothing", classified.Body["issue_type"], classified.Raw)
	p.do(
		chromedp.SendKeys(chromedp.CSS("#c-text"), message),
		chromedp.Click(chromedp.CSS("#classify")),
	)
	p.waitText("#classified", "torn_clothing, ", 10*time.Second)

	p.do(chromedp.Click(chromedp.CSS(`#types tbody tr[data-name="torn_clothing"] button.edit`)))
	p.waitText("#save-type", "Save torn_clothing", 5*time.Second)
	require.Contains(t, eval[string](p, `document.getElementById("t-examples").value`), "my new sweater has a hole in it")
	eval[bool](p, `(document.getElementById("t-description").value = "Torn or ripped clothes", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-type")))
	p.waitText("#status", "torn_clothing saved", 5*time.Second)
	require.Equal(t, "Torn or ripped clothes", get("torn_clothing").Body["description"])
	require.Len(t, get("torn_clothing").Body["examples"], 3, "the examples stay as they were")

	p.do(
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("examples.csv",
			"text,issue_type\nthe buttons came off my shirt,torn_clothing\nmy umbrella is bent,\n")}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#import-error", "issue_type", 10*time.Second)
	require.Contains(t, eval[string](p, `document.getElementById("import-error").textContent`), "row")
	require.Len(t, get("torn_clothing").Body["examples"], 3, "nothing of a refused file is written")
	p.do(
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("examples-fixed.csv",
			"text,issue_type\nthe buttons came off my shirt,torn_clothing\nmy umbrella is bent,bent_umbrella\n")}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#status", "examples-fixed.csv: 2 rows, 2 examples added", 10*time.Second)
	p.waitText("#status", "new issue types: bent_umbrella", time.Second)
	p.waitText("#types tbody", "bent_umbrella", 5*time.Second)
	require.Len(t, get("torn_clothing").Body["examples"], 4)

	// Out of range, the browser itself refuses the form (the input's
	// bounds are the API's); nothing is sent.
	eval[bool](p, `(document.getElementById("th-value").value = "0", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-threshold")))
	require.False(t, eval[bool](p, `document.getElementById("th-value").validity.valid`))
	settings := do(t, "GET", app.URL+"/v1/issue-types/settings", app.Keys.Admin, nil)
	require.NotEqual(t, 0.0, settings.Body["threshold"])
	eval[bool](p, `(document.getElementById("th-value").value = "0.3", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-threshold")))
	p.waitText("#status", "Threshold saved: 0.3", 5*time.Second)
	settings = do(t, "GET", app.URL+"/v1/issue-types/settings", app.Keys.Admin, nil)
	require.Equal(t, 0.3, settings.Body["threshold"])

	p.do(chromedp.Click(chromedp.CSS(`#types tbody tr[data-name="torn_clothing"] button.delete`)))
	p.waitText("#status", "torn_clothing deleted", 5*time.Second)
	require.Equal(t, 404, get("torn_clothing").Status)
	require.Zero(t, eval[int](p, `document.querySelectorAll('#types tbody tr[data-name="torn_clothing"]').length`))
}

// TestBrowserScenariosPage: an admin writes a scenario message by message
// with what the agent must do with each (a refusal names the message, and
// nothing is saved), runs one and reads each message's verdict, runs them all
// against a draft, edits one, exports and imports them, and deletes one.
func TestBrowserScenariosPage(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	write := fileWriter(t)
	scenarios := func() map[string]map[string]any {
		t.Helper()
		r := do(t, "GET", app.URL+"/v1/scenarios", app.Keys.Admin, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		out := map[string]map[string]any{}
		for _, s := range r.Body["scenarios"].([]any) {
			out[s.(map[string]any)["name"].(string)] = s.(map[string]any)
		}
		return out
	}
	const shipping, zebra = "Shipping stays with the agent", "Zebra questions go to a person"
	p := newPage(t, browsertest.New(t), "scenarios", false)
	signIn(p, app.URL+"/admin/scenarios", app.Keys.Admin)
	p.waitText("#scenarios tbody", "No scenarios yet", 10*time.Second)
	eval[bool](p, `window.confirm = () => true, true`)

	// Two messages, the second left empty: refused on it.
	p.do(chromedp.Click(chromedp.CSS("#new-scenario")), chromedp.WaitVisible(chromedp.CSS("#s-name")))
	eval[bool](p, `(() => {
		document.getElementById("s-name").value = "`+shipping+`";
		const first = document.querySelector("#s-turns fieldset.turn");
		first.querySelector('[data-k="message"]').value = "How long does shipping take?";
		first.querySelector('[data-k="handed_off"]').value = "no";
		first.querySelector('[data-k="not_contains"]').value = "zebra\n\nstripes";
		document.getElementById("add-turn").click();
		return true;
	})()`)
	p.refused("#save-scenario", "#scenario-error", "turns[1].message", `[data-field="turns[1].message"]`)
	require.Empty(t, scenarios(), "nothing refused is written")
	eval[bool](p, `(() => {
		const second = document.querySelectorAll("#s-turns fieldset.turn")[1];
		second.querySelector('[data-k="message"]').value = "What is your return window?";
		second.querySelector('[data-k="contains"]').value = "30 days";
		return true;
	})()`)
	p.do(chromedp.Click(chromedp.CSS("#save-scenario")))
	p.waitText("#scenarios tbody", shipping, 10*time.Second)
	got := scenarios()[shipping]
	require.NotNil(t, got)
	turns := got["turns"].([]any)
	require.Len(t, turns, 2)
	require.Equal(t, map[string]any{"handed_off": false, "not_contains": []any{"zebra", "stripes"}}, turns[0].(map[string]any)["expect"])
	require.Equal(t, map[string]any{"contains": []any{"30 days"}}, turns[1].(map[string]any)["expect"])

	// An action's input the page cannot read is refused before anything
	// is sent.
	p.do(chromedp.Click(chromedp.CSS("#new-scenario")))
	eval[bool](p, `(() => {
		document.getElementById("s-name").value = "`+zebra+`";
		const first = document.querySelector("#s-turns fieldset.turn");
		first.querySelector('[data-k="message"]').value = "I have a question about zebra stripes";
		first.querySelector('[data-k="handed_off"]').value = "yes";
		first.querySelector('[data-k="rule"]').value = "Zebras go to a person";
		first.querySelector('[data-k="action_inputs"]').value = "stripes";
		return true;
	})()`)
	p.refused("#save-scenario", "#scenario-error", "turns[0].expect.action_inputs", `[data-field="turns[0].expect.action_inputs"]`)
	require.Len(t, scenarios(), 1)
	eval[bool](p, `(document.querySelector('[data-k="action_inputs"]').value = "", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-scenario")))
	p.waitText("#scenarios tbody", zebra, 10*time.Second)
	zebraID := scenarios()[zebra]["id"].(string)
	zebraRow := `#scenarios tbody tr[data-id="` + zebraID + `"]`

	// Run alone under the published rules, which have no zebra rule: it
	// fails, and the message says why.
	p.do(chromedp.Click(chromedp.CSS(zebraRow + " button.run")))
	p.waitText("#run-summary", "0 passed, 1 failed", 60*time.Second)
	p.waitText("#run-cases td.verdict", "failed", time.Second)
	p.waitText("#run-cases td.diff", `expected handed_off true, got false`, time.Second)
	require.Equal(t, 1, eval[int](p, `document.querySelectorAll("#run-cases tbody tr").length`), "only the scenario run")

	// Every scenario, against a draft with the rule.
	r := do(t, "POST", app.URL+"/v1/rules/handoff/draft/rules", app.Keys.Admin, jsonBody(t, map[string]any{
		"name": "Zebras go to a person", "priority": 1, "enabled": true, "condition": `containsAny(conversation.text, ["zebra"])`,
		"mode": "transfer_now", "team": "support", "message": "A person will help."}))
	require.Equal(t, 201, r.Status, r.Raw)
	eval[bool](p, `(document.getElementById("run-handoff").value = "draft", true)`)
	p.do(chromedp.Click(chromedp.CSS("#run-all")))
	p.waitText("#run-summary", "2 passed, 0 failed; hand-off rules draft", 90*time.Second)
	require.Equal(t, 3, eval[int](p, `document.querySelectorAll("#run-cases tbody tr.passed").length`), "three messages, each passed")
	p.waitText("#run-cases", "rule Zebras go to a person", time.Second)

	// Edit: the form holds the scenario; the first message removed, the
	// other becomes the first with its expectation.
	shippingRow := `#scenarios tbody tr[data-id="` + got["id"].(string) + `"]`
	p.do(chromedp.Click(chromedp.CSS(shippingRow + " button.open")))
	p.waitText("#editor-title", "Scenario: "+shipping, 5*time.Second)
	require.Equal(t, "30 days", eval[string](p, `document.querySelectorAll('#s-turns [data-k="contains"]')[1].value`))
	p.do(chromedp.Click(chromedp.CSS("#s-turns fieldset.turn button.remove-turn")))
	require.Equal(t, "Message 1", eval[string](p, `document.querySelector("#s-turns legend").textContent`))
	require.Equal(t, "turns[0].message", eval[string](p, `document.querySelector('#s-turns [data-k="message"]').dataset.field`))
	eval[bool](p, `(document.getElementById("s-contact").value = "ada@example.com", true)`)
	p.do(chromedp.Click(chromedp.CSS("#save-scenario")))
	p.waitText("#status", "“"+shipping+"” saved", 5*time.Second)
	got = scenarios()[shipping]
	require.Equal(t, "ada@example.com", got["contact_email"])
	require.Equal(t, []any{map[string]any{"message": "What is your return window?", "expect": map[string]any{"contains": []any{"30 days"}}}}, got["turns"])

	// Export, then import: a bad file is refused whole, naming the
	// scenario; the exported one replaces them as they are.
	eval[bool](p, `(() => {
		URL.createObjectURL = (blob) => (blob.text().then((text) => { window.exportedText = text; }), "about:blank");
		HTMLAnchorElement.prototype.click = function () { window.exported = this.download; };
		return true;
	})()`)
	p.do(chromedp.Click(chromedp.CSS("#export")))
	require.Eventually(t, func() bool { return eval[string](p, `window.exportedText || ""`) != "" }, 5*time.Second, 50*time.Millisecond)
	require.Equal(t, "scenarios.json", eval[string](p, `window.exported`))
	exported := eval[string](p, `window.exportedText`)
	var file struct {
		Scenarios []map[string]any `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal([]byte(exported), &file))
	require.Len(t, file.Scenarios, 2)
	require.NotContains(t, file.Scenarios[0], "id", "an export names scenarios, not their IDs")

	p.do(
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("bad.json",
			`{"scenarios": [{"name": "Imported", "turns": [{"message": "hello"}]}, {"name": "Empty", "turns": []}]}`)}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#import-error", "scenarios[1].turns", 10*time.Second)
	require.Len(t, scenarios(), 2, "nothing of a refused file is written")
	p.do(
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{write("scenarios.json", exported)}),
		chromedp.Click(chromedp.CSS("#import")),
	)
	p.waitText("#status", "scenarios.json: 0 added, 2 replaced", 10*time.Second)
	require.Equal(t, got["turns"], scenarios()[shipping]["turns"])

	// An address naming a scenario opens it; delete.
	p.do(chromedp.Navigate(app.URL + "/admin/scenarios?scenario=" + zebraID))
	p.waitText("#editor-title", "Scenario: "+zebra, 10*time.Second)
	require.Equal(t, "yes", eval[string](p, `document.querySelector('#s-turns [data-k="handed_off"]').value`))
	eval[bool](p, `window.confirm = () => true, true`)
	p.do(chromedp.Click(chromedp.CSS(zebraRow + " button.delete")))
	p.waitText("#status", "“"+zebra+"” deleted", 5*time.Second)
	require.NotContains(t, scenarios(), zebra)
	require.True(t, eval[bool](p, `document.getElementById("editor").hidden`), "the deleted scenario's form is closed")
}

// TestBrowserAdminPagesAreReadOnlyForAnAuditor: an auditor's key reads the
// admin pages and is shown no control that would change the workspace; an
// admin's key, given on the same page, is.
func TestBrowserAdminPagesAreReadOnlyForAnAuditor(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	p := newPage(t, browsertest.New(t), "auditor", false)
	hidden := func(selector string) bool {
		sel, _ := json.Marshal(selector)
		return eval[bool](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).every((e) => e.offsetParent === null)`, sel))
	}
	signIn(p, app.URL+"/admin/rules", app.Keys.Auditor)
	p.waitText("#rules tbody", demo.RefundRuleName, 10*time.Second)
	p.waitText("#read-only", "Read only", time.Second)
	require.True(t, hidden("#new-rule, #publish, #rules button.edit, #rules button.delete"), "the rules page offers no change")
	require.False(t, hidden("#try-run"), "a dry run only reads")

	p.do(chromedp.Navigate(app.URL + "/admin/content"))
	p.waitText("#sources tbody", "ready", 10*time.Second)
	require.True(t, hidden("#add, #sources button"), "the content page offers no change")

	p.do(chromedp.Navigate(app.URL + "/admin/channels"))
	chatRow := `#channels tbody tr[data-id="` + app.Demo.ChannelID + `"]`
	p.waitText(chatRow, "chat", 10*time.Second)
	p.do(chromedp.Click(chromedp.CSS(chatRow + " button.settings")))
	p.waitText("#cs-title", "(chat)", 5*time.Second)
	require.True(t, hidden("#save-settings, #identity-panel button, #channels button.delete, #channel-form, #save-workspace"),
		"a channel's settings are read, not changed")

	p.do(chromedp.Navigate(app.URL + "/admin/issues"))
	p.do(chromedp.WaitVisible(chromedp.CSS("#classify")))
	require.Eventually(t, func() bool { return eval[string](p, `document.getElementById("th-value").value`) != "" },
		5*time.Second, 50*time.Millisecond, "the threshold is read")
	require.True(t, hidden("#type-form, #save-threshold, #types button"), "the issue types are read, not changed")

	p.do(chromedp.Navigate(app.URL + "/admin/agent"))
	require.Eventually(t, func() bool { return eval[bool](p, `!document.getElementById("leads-admin-only").hidden`) },
		10*time.Second, 50*time.Millisecond, "the page says who reads sales inquiries")
	require.True(t, hidden("#leads-form, #save-settings"), "sales inquiries are an admin's")

	r := do(t, "POST", app.URL+"/v1/scenarios", app.Keys.Admin, jsonBody(t, map[string]any{"name": "Shipping stays with the agent",
		"turns": []any{map[string]any{"message": "How long does shipping take?", "expect": map[string]any{"handed_off": false}}}}))
	require.Equal(t, 201, r.Status, r.Raw)
	p.do(chromedp.Navigate(app.URL + "/admin/scenarios"))
	p.waitText("#scenarios tbody", "Shipping stays with the agent", 10*time.Second)
	require.True(t, hidden("#new-scenario, #run-all, #scenarios button.run, #scenarios button.delete, #import-form"),
		"scenarios are read, not changed or run")
	p.do(chromedp.Click(chromedp.CSS("#scenarios button.open")))
	p.waitText("#editor-title", "Shipping stays with the agent", 5*time.Second)
	require.True(t, hidden("#save-scenario, #add-turn, #s-turns button.remove-turn"), "a scenario is read, not changed")

	p.do(chromedp.Navigate(app.URL + "/admin/content"))
	p.waitText("#sources tbody", "ready", 10*time.Second)

	p.do(
		chromedp.SendKeys(chromedp.CSS("#api-key"), app.Keys.Admin),
		chromedp.Click(chromedp.CSS("#key-form button[type=submit]")),
	)
	p.waitText("#sources tbody", "ready", 10*time.Second)
	require.False(t, hidden("#add"), "an admin's key may add content")
	require.True(t, hidden("#read-only"))
}
