package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/demo"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/workflows"
)

// limitedAPI is one more API server of app, with these limits, on db (the
// app's own connections when nil), as another machine behind the load
// balancer would be.
func limitedAPI(t *testing.T, app *testenv.App, db *gorm.DB, limits config.Limits) string {
	t.Helper()
	if db == nil {
		db = app.DB
	}
	srv := &server.Server{
		DB: db, Temporal: app.Temporal, Knowledge: app.Knowledge, TaskQueue: app.TaskQueue,
		MaxBodyBytes: 1 << 20, Log: slog.New(slog.DiscardHandler), Limits: limits,
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

// loopback are the test's proxies: requests come from 127.0.0.1 and say
// which client they stand for in X-Forwarded-For.
var loopback = []string{"127.0.0.1", "::1"}

// limitedResponse is a response with its Retry-After header.
type limitedResponse struct {
	response
	retryAfter string
}

// send posts a customer message to conversation conv through api, from the
// client address addr ("": no X-Forwarded-For).
func send(api, key, addr, conv, id, text string) (limitedResponse, error) {
	body := fmt.Sprintf(`{"id":%q,"text":%q}`, id, text)
	req, err := http.NewRequest("POST", api+"/v1/conversations/"+conv+"/messages", strings.NewReader(body))
	if err != nil {
		return limitedResponse{}, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	return roundTrip(req)
}

// sendEmail posts an inbound email to the webhook, signed now.
func sendEmail(h hook, msg map[string]any) (limitedResponse, error) {
	raw, err := json.Marshal(msg)
	if err != nil {
		return limitedResponse{}, err
	}
	req, err := http.NewRequest("POST", h.url, bytes.NewReader(raw))
	if err != nil {
		return limitedResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(server.WebhookSignatureHeader, activities.Sign(h.secret, time.Now(), raw))
	return roundTrip(req)
}

func roundTrip(req *http.Request) (limitedResponse, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return limitedResponse{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return limitedResponse{}, err
	}
	out := limitedResponse{response: response{Status: resp.StatusCode, Raw: string(raw)}, retryAfter: resp.Header.Get("Retry-After")}
	_ = json.Unmarshal(raw, &out.Body)
	return out, nil
}

func ask(t *testing.T, api, key, addr, conv, id, text string) limitedResponse {
	t.Helper()
	r, err := send(api, key, addr, conv, id, text)
	require.NoError(t, err)
	return r
}

// burst sends n requests at once and returns their responses in order.
func burst(t *testing.T, n int, f func(i int) (limitedResponse, error)) []limitedResponse {
	t.Helper()
	out := make([]limitedResponse, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i], errs[i] = f(i) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	return out
}

// requireLimited checks a 429 from the named limit: the usual error body and
// a Retry-After of at most a minute.
func requireLimited(t *testing.T, r limitedResponse, limit string) {
	t.Helper()
	require.Equal(t, http.StatusTooManyRequests, r.Status, r.Raw)
	code, message := errorOf(r.response)
	require.Equal(t, "rate_limited", code)
	require.True(t, strings.HasPrefix(message, limit+": "), "%q names %s", message, limit)
	seconds, err := strconv.Atoi(r.retryAfter)
	require.NoError(t, err, "Retry-After %q", r.retryAfter)
	require.True(t, seconds >= 1 && seconds <= 60, "Retry-After %d", seconds)
}

// requireNoWorkflow checks that a refused conversation never reached
// Temporal (so it can never consume a credit) nor the read model.
func requireNoWorkflow(t *testing.T, app *testenv.App, convID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wfID := workflows.ConversationWorkflowID(app.Demo.WorkspaceID, convID)
	_, err := app.Temporal.DescribeWorkflowExecution(ctx, wfID, "")
	var notFound *serviceerror.NotFound
	require.ErrorAs(t, err, &notFound, "conversation %s has no workflow", convID)
	var n int64
	require.NoError(t, app.DB.Model(&models.Conversation{}).Where("id = ?", models.ConversationRowID(wfID)).Count(&n).Error)
	require.Zero(t, n, "conversation %s has no record", convID)
}

// secondWidgetKey is the widget key of a second chat channel of the demo
// workspace.
func secondWidgetKey(t *testing.T, app *testenv.App) string {
	t.Helper()
	now := time.Now().UTC()
	ch := uuid.NewString()
	require.NoError(t, app.DB.Create(&models.Channel{ID: ch, WorkspaceID: app.Demo.WorkspaceID, Type: "chat", Name: "second", CreatedAt: now}).Error)
	keys, err := demo.CreateKeys(app.DB, app.Demo.WorkspaceID, ch, now)
	require.NoError(t, err)
	return keys.Widget
}

func TestTokenBucketsTakeOneTokenAtATime(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := &server.Server{DB: db, Log: slog.New(slog.DiscardHandler)}
		// Three a minute: three at once, then one every 20 s.
		for range 3 {
			_, ok, err := server.TakeToken(s, ctx, "test/a", 3)
			require.NoError(t, err)
			require.True(t, ok)
		}
		wait, ok, err := server.TakeToken(s, ctx, "test/a", 3)
		require.NoError(t, err)
		require.False(t, ok, "the bucket is empty")
		require.True(t, wait > 0 && wait <= 20*time.Second, "a token is back within 20 s, not %s", wait)
		_, ok, err = server.TakeToken(s, ctx, "test/b", 3)
		require.NoError(t, err)
		require.True(t, ok, "another bucket is full")

		// Several buckets at once: one empty, and none loses a token.
		_, ok, err = server.TakeTokens(s, ctx, []string{"test/d", "test/e"}, 1)
		require.NoError(t, err)
		require.True(t, ok)
		_, ok, err = server.TakeTokens(s, ctx, []string{"test/f", "test/d"}, 1)
		require.NoError(t, err)
		require.False(t, ok, "test/d is empty")
		_, ok, err = server.TakeToken(s, ctx, "test/f", 1)
		require.NoError(t, err)
		require.True(t, ok, "the refused take left test/f its token")
		_, ok, err = server.TakeToken(s, ctx, "test/e", 1)
		require.NoError(t, err)
		require.False(t, ok, "test/e gave its token with test/d")

		// Many takes at once, through two servers: exactly the bucket's
		// tokens are given (one comes back only after 30 s).
		other := &server.Server{DB: db, Log: slog.New(slog.DiscardHandler)}
		granted := make([]bool, 12)
		errs := make([]error, 12)
		var wg sync.WaitGroup
		for i := range granted {
			wg.Go(func() {
				_, granted[i], errs[i] = server.TakeToken([]*server.Server{s, other}[i%2], ctx, "test/c", 2)
			})
		}
		wg.Wait()
		n := 0
		for i := range granted {
			require.NoError(t, errs[i])
			if granted[i] {
				n++
			}
		}
		require.Equal(t, 2, n)
	})
}

func TestBurstFromOneKeyIsLimitedWhileAnotherKeyIsServed(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	other := secondWidgetKey(t, app)
	api := limitedAPI(t, app, nil, config.Limits{KeyMessages: 2})

	// Eight new conversations at once with the demo's widget key: two
	// tokens, and the next comes back only after 30 s.
	rs := burst(t, 8, func(i int) (limitedResponse, error) {
		return send(api, app.Keys.Widget, "", fmt.Sprintf("burst-%d", i), "m1", "How long does shipping take?")
	})
	var served []int
	for i, r := range rs {
		if r.Status == http.StatusOK {
			served = append(served, i)
			continue
		}
		requireLimited(t, r, "key_messages")
		_, message := errorOf(r.response)
		require.Contains(t, message, "more than 2 messages a minute with this key")
		requireNoWorkflow(t, app, fmt.Sprintf("burst-%d", i))
	}
	require.Len(t, served, 2, "two of the burst were answered")

	// Another channel's key is served at once, and so is a customer
	// reading their transcript with the limited key.
	start := time.Now()
	r := ask(t, api, other, "", "other-1", "m1", "How long does shipping take?")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.Contains(t, r.Body["reply"].(map[string]any)["text"], "business days")
	require.Less(t, time.Since(start), time.Minute)
	read := do(t, "GET", fmt.Sprintf("%s/v1/conversations/burst-%d", api, served[0]), app.Keys.Widget, nil)
	require.Equal(t, http.StatusOK, read.Status, read.Raw)
}

func TestAddressAndConversationLimits(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	const question = "Do you ship internationally?"

	t.Run("the header of a client that is not a proxy is ignored", func(t *testing.T) {
		api := limitedAPI(t, app, nil, config.Limits{AddressMessages: 2})
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "198.51.100.1", "xf-1", "m1", question).Status)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "198.51.100.2", "xf-2", "m1", question).Status)
		requireLimited(t, ask(t, api, app.Keys.Widget, "198.51.100.3", "xf-3", "m1", question), "address_messages")
	})

	t.Run("messages per address", func(t *testing.T) {
		api := limitedAPI(t, app, nil, config.Limits{AddressMessages: 2, TrustedProxies: loopback})
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.1", "am-1", "m1", question).Status)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.1", "am-2", "m1", question).Status)
		requireLimited(t, ask(t, api, app.Keys.Widget, "203.0.113.1", "am-3", "m1", question), "address_messages")
		requireNoWorkflow(t, app, "am-3")
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.2", "am-3", "m1", question).Status,
			"another address is served")
		// An IPv6 subscriber's /64 is one address.
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "2001:db8:1:2::10", "am-4", "m1", question).Status)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "2001:db8:1:2::11", "am-5", "m1", question).Status)
		requireLimited(t, ask(t, api, app.Keys.Widget, "2001:db8:1:2:ffff::1", "am-6", "m1", question), "address_messages")
	})

	t.Run("new conversations per address", func(t *testing.T) {
		api := limitedAPI(t, app, nil, config.Limits{AddressConversations: 1, TrustedProxies: loopback})
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.3", "ac-1", "m1", question).Status)
		requireLimited(t, ask(t, api, app.Keys.Widget, "203.0.113.3", "ac-2", "m1", question), "address_conversations")
		requireNoWorkflow(t, app, "ac-2")
		// Once recorded, ac-1 has started: its next message is no new
		// conversation.
		wfID := workflows.ConversationWorkflowID(app.Demo.WorkspaceID, "ac-1")
		require.Eventually(t, func() bool {
			var n int64
			return app.DB.Model(&models.Conversation{}).Where("id = ?", models.ConversationRowID(wfID)).Count(&n).Error == nil && n == 1
		}, 20*time.Second, 100*time.Millisecond)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.3", "ac-1", "m2", "And to Canada?").Status)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.4", "ac-2", "m1", question).Status,
			"another address is served")
	})

	t.Run("messages per conversation", func(t *testing.T) {
		api := limitedAPI(t, app, nil, config.Limits{ConversationMessages: 2, TrustedProxies: loopback})
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.5", "cm-1", "m1", question).Status)
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.5", "cm-1", "m2", "And to Canada?").Status)
		requireLimited(t, ask(t, api, app.Keys.Widget, "203.0.113.6", "cm-1", "m3", "Hello?"), "conversation_messages")
		require.Equal(t, 200, ask(t, api, app.Keys.Widget, "203.0.113.5", "cm-2", "m1", question).Status,
			"another conversation is served")
		customerMessages(t, app, "cm-1", 2)
	})
}

func TestLimitsHoldAcrossServers(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	// Two API servers, each with its own connections to the database.
	limits := config.Limits{KeyConversations: 3}
	apis := []string{limitedAPI(t, app, nil, limits), limitedAPI(t, app, testenv.Open(t, app.DatabaseURL), limits)}

	rs := burst(t, 10, func(i int) (limitedResponse, error) {
		return send(apis[i%2], app.Keys.Widget, "", fmt.Sprintf("two-%d", i), "m1", "How long does shipping take?")
	})
	served := 0
	for i, r := range rs {
		if r.Status == http.StatusOK {
			served++
			continue
		}
		requireLimited(t, r, "key_conversations")
		requireNoWorkflow(t, app, fmt.Sprintf("two-%d", i))
	}
	require.Equal(t, 3, served, "three new conversations a minute, over both servers")
}

func TestWebhookMessagesAreLimited(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	w := app.Demo.Webhooks[0]
	hookOf := func(api string) hook {
		return hook{t: t, app: app, url: api + "/v1/webhooks/" + w.ChannelID, secret: w.Secret}
	}

	// One sender's conversation.
	h := hookOf(limitedAPI(t, app, nil, config.Limits{ConversationMessages: 1}))
	r, err := sendEmail(h, email("<c1@mail.example>", "ada@example.com", "Shipping", "How long does shipping take?"))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	convID := r.Body["conversation_id"].(string)
	r, err = sendEmail(h, email("<c2@mail.example>", "ada@example.com", "Shipping", "And to Canada?"))
	require.NoError(t, err)
	requireLimited(t, r, "conversation_messages")
	customerMessages(t, app, convID, 1)

	// The channel: two messages a minute, from any senders.
	h = hookOf(limitedAPI(t, app, nil, config.Limits{KeyMessages: 2}))
	rs := burst(t, 5, func(i int) (limitedResponse, error) {
		return sendEmail(h, email(fmt.Sprintf("<b%d@mail.example>", i), fmt.Sprintf("b%d@example.com", i), "Hi", "Do you ship internationally?"))
	})
	served := 0
	for _, r := range rs {
		if r.Status == http.StatusOK {
			served++
			continue
		}
		requireLimited(t, r, "channel_messages")
	}
	require.Equal(t, 2, served)
}

func TestEventStreamsPerKeyAreCapped(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	limits := config.Limits{EventStreams: 2}
	a, b := limitedAPI(t, app, nil, limits), limitedAPI(t, app, testenv.Open(t, app.DatabaseURL), limits)
	open := func(api, key string) (limitedResponse, context.CancelFunc) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, "GET", api+"/v1/rep/events", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { cancel(); resp.Body.Close() })
		out := limitedResponse{response: response{Status: resp.StatusCode}, retryAfter: resp.Header.Get("Retry-After")}
		if resp.StatusCode != http.StatusOK {
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			out.Raw = string(raw)
			_ = json.Unmarshal(raw, &out.Body)
		}
		return out, cancel
	}

	first, closeFirst := open(a, app.Keys.Rep)
	require.Equal(t, http.StatusOK, first.Status)
	second, _ := open(b, app.Keys.Rep)
	require.Equal(t, http.StatusOK, second.Status)
	third, _ := open(a, app.Keys.Rep)
	requireLimited(t, third, "event_streams")
	admin, _ := open(b, app.Keys.Admin)
	require.Equal(t, http.StatusOK, admin.Status, "another key has streams of its own")

	// A closed stream frees its slot.
	closeFirst()
	require.Eventually(t, func() bool {
		r, _ := open(b, app.Keys.Rep)
		return r.Status == http.StatusOK
	}, 20*time.Second, 200*time.Millisecond)
}

func TestTranscriptIsReadInPages(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	// A conversation of three turns and two rep messages written at the
	// same instant, straight into the read model.
	convID := "paged"
	wfID := workflows.ConversationWorkflowID(app.Demo.WorkspaceID, convID)
	rowID := models.ConversationRowID(wfID)
	base := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
	require.NoError(t, app.DB.Create(&models.Conversation{
		ID: rowID, WorkspaceID: app.Demo.WorkspaceID, ExternalID: convID, ChannelID: app.Demo.ChannelID,
		ChannelType: "chat", WorkflowID: wfID, Status: "rep_active", StartedAt: base, UpdatedAt: base,
	}).Error)
	var rows []models.Message
	var decisions []models.Decision
	for i := range 3 {
		at := base.Add(time.Duration(i) * time.Minute)
		id := fmt.Sprintf("m%d", i)
		rows = append(rows,
			models.Message{ID: uuid.NewString(), ConversationID: rowID, ClientID: id, Role: models.MessageAgent, Text: "answer " + id, CreatedAt: at},
			models.Message{ID: uuid.NewString(), ConversationID: rowID, ClientID: id, Role: models.MessageCustomer, Text: "question " + id, CreatedAt: at})
		decisions = append(decisions, models.Decision{ID: uuid.NewString(), ConversationID: rowID, MessageID: id, Kind: "answer", CreatedAt: at.Add(time.Second)})
	}
	at := base.Add(3 * time.Minute)
	for _, id := range []string{"r1", "r2"} {
		rows = append(rows, models.Message{ID: uuid.NewString(), ConversationID: rowID, ClientID: id, Role: models.MessageRep, Text: "rep " + id, CreatedAt: at})
	}
	decisions = append(decisions, models.Decision{ID: uuid.NewString(), ConversationID: rowID, Kind: "rep_accepted", CreatedAt: at})
	require.NoError(t, app.DB.Create(&rows).Error)
	require.NoError(t, app.DB.Create(&decisions).Error)

	read := func(query, key string) response {
		t.Helper()
		r := do(t, "GET", app.URL+"/v1/conversations/"+convID+query, key, nil)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r
	}
	texts := func(r response) []string {
		var out []string
		for _, m := range r.Body["messages"].([]any) {
			out = append(out, m.(map[string]any)["text"].(string))
		}
		return out
	}

	// Unpaged (the default page holds it all): the whole transcript, the
	// customer before the reply within a turn.
	all := read("", app.Keys.Auditor)
	require.Equal(t, "", all.Body["next_page_token"])
	require.Equal(t, []string{"question m0", "answer m0", "question m1", "answer m1", "question m2", "answer m2"}, texts(all)[:6])
	require.Len(t, texts(all), 8)
	require.Len(t, all.Body["decisions"], 4)

	// Pages of three, from the newest back; each in reading order, and each
	// decision on one page.
	for _, key := range []string{app.Keys.Auditor, app.Keys.Widget} {
		var pages [][]string
		seen := map[string]bool{}
		token := ""
		for range 10 {
			r := read("?limit=3&page_token="+token, key)
			pages = append([][]string{texts(r)}, pages...)
			decisions, _ := r.Body["decisions"].([]any)
			for _, d := range decisions {
				id := d.(map[string]any)["kind"].(string) + "@" + d.(map[string]any)["at"].(string)
				require.False(t, seen[id], "decision %s is on one page", id)
				seen[id] = true
			}
			if key == app.Keys.Widget {
				require.Nil(t, r.Body["decisions"], "the widget sees no decisions")
			}
			token = r.Body["next_page_token"].(string)
			if token == "" {
				break
			}
		}
		require.Len(t, pages, 3)
		require.Equal(t, []int{2, 3, 3}, []int{len(pages[0]), len(pages[1]), len(pages[2])})
		var joined []string
		for _, p := range pages {
			joined = append(joined, p...)
		}
		require.Equal(t, texts(all), joined, "the pages make the whole transcript")
		if key == app.Keys.Auditor {
			require.Len(t, seen, 4, "every decision is on a page")
		}
	}

	for query, msg := range map[string]string{
		"?limit=0":           "limit: must be an integer from 1 to 500",
		"?limit=501":         "limit: must be an integer from 1 to 500",
		"?limit=ten":         "limit: must be an integer from 1 to 500",
		"?page_token=abc%21": "page_token: is not a next_page_token this transcript returned",
		"?page_token=e30":    "page_token: is not a next_page_token this transcript returned",
	} {
		r := do(t, "GET", app.URL+"/v1/conversations/"+convID+query, app.Keys.Auditor, nil)
		require.Equal(t, http.StatusBadRequest, r.Status, query+": "+r.Raw)
		code, got := errorOf(r)
		require.Equal(t, "invalid", code)
		require.Equal(t, msg, got, query)
	}
}
