package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/fetch"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/worker"
	"github.com/switchboardhq/switchboard/workflows"
)

// sourcesBundle is the app with a worker whose fetcher may reach the
// httptest servers on 127.0.0.1 (and nothing outside: tests never leave the
// machine), with small limits so failures are quick to provoke.
type sourcesBundle struct {
	t    *testing.T
	app  *testenv.App
	acts *activities.Activities
}

// sourceMaxBytes is the bundle's cap on a fetched page.
const sourceMaxBytes = 64 << 10

func sourcesSetup(t *testing.T) sourcesBundle {
	t.Helper()
	app := testenv.NewApp(t, testenv.AppOptions{NoWorker: true})
	acts := &activities.Activities{DB: app.DB, Knowledge: app.Knowledge, Generator: answer.Extractive{}}
	srcActs := &activities.Sources{
		DB: app.DB, Knowledge: app.Knowledge,
		Fetcher: fetch.New(fetch.Options{AllowPrivate: true, Timeout: 500 * time.Millisecond, MaxBytes: sourceMaxBytes}),
	}
	w := worker.New(app.Temporal, app.TaskQueue, acts, worker.WithSources(srcActs))
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	b := sourcesBundle{t: t, app: app, acts: acts}
	// Schedules outlive the test's database: delete the ones it made.
	t.Cleanup(func() {
		var list []models.ContentSource
		app.DB.Find(&list)
		for _, src := range list {
			_ = app.Temporal.ScheduleClient().GetHandle(context.Background(), workflows.SourceSyncScheduleID(src.WorkspaceID, src.ID)).Delete(context.Background())
		}
	})
	return b
}

func (b sourcesBundle) req(method, path, key string, body any) response {
	b.t.Helper()
	var raw []byte
	switch v := body.(type) {
	case nil:
	case string:
		raw = []byte(v)
	default:
		var err error
		raw, err = json.Marshal(v)
		require.NoError(b.t, err)
	}
	return do(b.t, method, b.app.URL+path, key, raw)
}

// create adds a source as admin and returns its ID.
func (b sourcesBundle) create(body any) string {
	b.t.Helper()
	r := b.req("POST", "/v1/sources", b.app.Keys.Admin, body)
	require.Equal(b.t, http.StatusCreated, r.Status, r.Raw)
	require.Equal(b.t, "pending", r.Body["status"])
	return r.Body["id"].(string)
}

// upload adds a file source as multipart/form-data.
func (b sourcesBundle) upload(name string, data []byte, fields map[string]string) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(b.t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(b.t, err)
	_, err = fw.Write(data)
	require.NoError(b.t, err)
	require.NoError(b.t, mw.Close())
	req, err := http.NewRequest("POST", b.app.URL+"/v1/sources", &buf)
	require.NoError(b.t, err)
	req.Header.Set("Authorization", "Bearer "+b.app.Keys.Admin)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	out := response{Status: resp.StatusCode}
	raw := new(bytes.Buffer)
	_, _ = raw.ReadFrom(resp.Body)
	out.Raw = raw.String()
	_ = json.Unmarshal(raw.Bytes(), &out.Body)
	return out
}

// wait polls the source until a sync that ended after since has left it
// ready or failed, and returns it.
func (b sourcesBundle) wait(id string, since time.Time) map[string]any {
	b.t.Helper()
	var last map[string]any
	require.Eventually(b.t, func() bool {
		// The row first, then the API: the answer returned is at least as
		// new as the state that ended the wait.
		var row models.ContentSource
		require.NoError(b.t, b.app.DB.Where("id = ?", id).Take(&row).Error)
		r := b.req("GET", "/v1/sources/"+id, b.app.Keys.Auditor, nil)
		require.Equal(b.t, http.StatusOK, r.Status, r.Raw)
		last = r.Body
		switch row.Status {
		case models.SourceReady:
			return row.LastSyncedAt != nil && !row.LastSyncedAt.Before(since)
		case models.SourceFailed:
			return row.UpdatedAt.After(since) || row.StatusReason != ""
		}
		return false
	}, 60*time.Second, 100*time.Millisecond, "source %s did not finish syncing", id)
	return last
}

// search retrieves what the agent would see for a reader.
func (b sourcesBundle) search(query, channel, tier string) []activities.Passage {
	b.t.Helper()
	res, err := b.acts.Retrieve(context.Background(), activities.RetrieveInput{
		WorkspaceID: b.app.Demo.WorkspaceID, Query: query, Limit: 10, Channel: channel, Tier: tier,
	})
	require.NoError(b.t, err)
	return res.Passages
}

func (b sourcesBundle) searchSource(query, sourceID string) []activities.Passage {
	b.t.Helper()
	var out []activities.Passage
	for _, p := range b.search(query, "chat", "standard") {
		if p.SourceID == sourceID {
			out = append(out, p)
		}
	}
	return out
}

func TestArticleSourceSyncsEditsAndDeletes(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	start := time.Now()
	id := b.create(map[string]any{
		"kind": "kb_article", "title": "Gift wrapping", "url": "https://help.example/gift-wrapping",
		"body": "We wrap any order for free.\n\n## Ribbons\nChoose a zebracorn ribbon at checkout.",
	})
	got := b.wait(id, start)
	require.Equal(t, "ready", got["status"], got)
	require.EqualValues(t, 2, got["chunks"])
	require.NotNil(t, got["last_synced_at"])
	hits := b.searchSource("zebracorn ribbon", id)
	require.Len(t, hits, 1)
	require.Equal(t, "Ribbons", hits[0].Heading)
	require.Equal(t, "https://help.example/gift-wrapping", hits[0].URL)

	// Edit: the old chunk goes, the new one is found.
	edited := time.Now()
	r := b.req("PUT", "/v1/sources/"+id, b.app.Keys.Admin, map[string]any{
		"title": "Gift wrapping", "format": "html",
		"body": "<p>We wrap any order for free.</p><h2>Cards</h2><p>Add a unicornfish card with your message.</p>",
	})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	got = b.wait(id, edited)
	require.Equal(t, "ready", got["status"], got)
	require.Empty(t, b.searchSource("zebracorn", id))
	hits = b.searchSource("unicornfish card", id)
	require.Len(t, hits, 1)
	require.Equal(t, "Cards", hits[0].Heading)

	// Sync now: the same content, the same chunks.
	synced := time.Now()
	r = b.req("POST", "/v1/sources/"+id+"/sync", b.app.Keys.Admin, nil)
	require.Equal(t, http.StatusAccepted, r.Status, r.Raw)
	got = b.wait(id, synced)
	require.EqualValues(t, 2, got["chunks"])
	require.Len(t, b.searchSource("unicornfish card", id), 1)

	// Delete: nothing left, neither chunks nor schedule.
	r = b.req("DELETE", "/v1/sources/"+id, b.app.Keys.Admin, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	require.Empty(t, b.searchSource("unicornfish wrap", id))
	require.Equal(t, http.StatusNotFound, b.req("GET", "/v1/sources/"+id, b.app.Keys.Admin, nil).Status)
	_, err := b.app.Temporal.ScheduleClient().GetHandle(context.Background(), workflows.SourceSyncScheduleID(b.app.Demo.WorkspaceID, id)).Describe(context.Background())
	var notFound *serviceerror.NotFound
	require.True(t, errors.As(err, &notFound), "schedule deleted: %v", err)
}

// A company's help content in its customers' language answers their
// questions: found by their own words, accents as written (the English
// reading of this one, "long take delivery schlafsacken osterreich", finds
// only the demo's English shipping articles), and quoted.
func TestContentInTheCustomersLanguageAnswersThem(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	start := time.Now()
	id := b.create(map[string]any{"kind": "kb_article", "title": "Lieferung", "format": "markdown",
		"body": "## Schlafsäcke\n\nDie Lieferung von Schlafsäcken nach Österreich dauert eine Woche.\n\n" +
			"## Zelte\n\nZelte liefern wir nur innerhalb Deutschlands."})
	require.Equal(t, "ready", b.wait(id, start)["status"])
	reply := customerSays(t, b.app, "lieferung-1", "m1", "Wie lange dauert die Lieferung von Schlafsäcken nach Österreich?", "")
	require.Equal(t, "Die Lieferung von Schlafsäcken nach Österreich dauert eine Woche.", reply)
}

func TestShortAnswerAndDemoArticleSync(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	start := time.Now()
	id := b.create(map[string]any{"kind": "short_answer", "question": "Do you ship to Iceland?", "answer": "Yes, Reykjavik deliveries take 6 days."})
	got := b.wait(id, start)
	require.Equal(t, "ready", got["status"], got)
	require.Equal(t, "Do you ship to Iceland?", got["question"])
	hits := b.searchSource("ship to iceland", id)
	require.Len(t, hits, 1)
	require.Equal(t, "Yes, Reykjavik deliveries take 6 days.", hits[0].Text)

	// The demo's articles were indexed without a schedule: syncing one
	// creates it.
	var demoSrc models.ContentSource
	require.NoError(t, b.app.DB.Where("workspace_id = ? AND kind = ?", b.app.Demo.WorkspaceID, models.SourceKBArticle).Order("created_at").First(&demoSrc).Error)
	synced := time.Now()
	r := b.req("POST", "/v1/sources/"+demoSrc.ID+"/sync", b.app.Keys.Admin, nil)
	require.Equal(t, http.StatusAccepted, r.Status, r.Raw)
	got = b.wait(demoSrc.ID, synced)
	require.Equal(t, "ready", got["status"], got)
	require.EqualValues(t, demoSrc.Chunks, got["chunks"])
}

// helpPage is a help-centre page with the chrome real sites have around an
// article.
const helpPage = `<!doctype html><html><head><title>Returns | Help</title>
<script>var tracker = "analyticsbeacon";</script></head><body>
<header><nav><a href="/">Home</a> <a href="/shop">Shop our megasale catalogue</a> <a href="/login">Sign in</a></nav></header>
<div role="dialog" class="cookies">We use cookies. Accept all cookies?</div>
<main><article><h1>Returns</h1>
<p>You can return any unused item within 30 days of delivery for a full refund. Items must be in their original
packaging, with every accessory and manual included, so that we can resell them to another customer.</p>
<p>Wholesale customers have 14 days to start a return. The window starts on the day the carrier marks the order as
delivered, not the day you placed it, so a late delivery never shortens your window.</p>
<h2>Refund timing</h2>
<p>Refunds reach the original payment method within 5 business days of the warehouse receiving the parcel. Store
credit is issued at once if you prefer it, and it never expires, so you can use it whenever you like.</p>
</article></main>
<aside><h3>Popular</h3><ul><li><a href="/a">Track your parcel</a></li></ul></aside>
<footer><p>© Sprocket · Privacy · Careers at Sprocket hiring now</p></footer></body></html>`

func TestURLSourceDropsNavigationAndFooter(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, helpPage)
	}))
	t.Cleanup(srv.Close)
	start := time.Now()
	id := b.create(map[string]any{"kind": "url", "url": srv.URL + "/returns", "resync_interval": "1h"})
	got := b.wait(id, start)
	require.Equal(t, "ready", got["status"], got)
	require.Equal(t, "1h0m0s", got["resync_interval"])

	var chunks []string
	for _, p := range b.searchSource("refund return delivery window original payment", id) {
		chunks = append(chunks, p.Heading+": "+p.Text)
		require.Equal(t, srv.URL+"/returns", p.URL)
		require.Contains(t, p.Title, "Returns")
	}
	require.NotEmpty(t, chunks)
	all := strings.Join(chunks, "\n")
	require.Contains(t, all, "Refund timing")
	for _, noise := range []string{"megasale", "cookies", "Sign in", "Popular", "Careers", "analyticsbeacon"} {
		require.NotContains(t, all, noise)
		require.Empty(t, b.searchSource(noise, id), noise)
	}

	// The schedule re-syncs hourly; editing the interval updates it.
	h := b.app.Temporal.ScheduleClient().GetHandle(context.Background(), workflows.SourceSyncScheduleID(b.app.Demo.WorkspaceID, id))
	desc, err := h.Describe(context.Background())
	require.NoError(t, err)
	require.Len(t, desc.Schedule.Spec.Intervals, 1)
	require.Equal(t, time.Hour, desc.Schedule.Spec.Intervals[0].Every)
	edited := time.Now()
	r := b.req("PUT", "/v1/sources/"+id, b.app.Keys.Admin, map[string]any{"url": srv.URL + "/returns", "resync_interval": "6h"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	b.wait(id, edited)
	desc, err = h.Describe(context.Background())
	require.NoError(t, err)
	require.Equal(t, 6*time.Hour, desc.Schedule.Spec.Intervals[0].Every)
}

// A url source the admin gave no title is named after its page, as its
// chunks (and so the citations) are: the readable article's title, or the
// URL when the page has none. An admin's title wins.
func TestURLSourceIsNamedAfterItsPage(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/returns" {
			fmt.Fprint(w, helpPage)
			return
		}
		fmt.Fprint(w, `<html><body><p>Gift cards never expire. Use them on any order, alone or together with other
gift cards, and the balance stays on the card for next time.</p></body></html>`)
	}))
	t.Cleanup(srv.Close)
	start := time.Now()
	titled := b.create(map[string]any{"kind": "url", "url": srv.URL + "/returns"})
	untitled := b.create(map[string]any{"kind": "url", "url": srv.URL + "/gift-cards"})
	named := b.create(map[string]any{"kind": "url", "url": srv.URL + "/returns", "title": "Our returns policy"})

	title := func(id, query string) string {
		got := b.wait(id, start)
		require.Equal(t, "ready", got["status"], got)
		passages := b.searchSource(query, id)
		require.NotEmpty(t, passages)
		require.Equal(t, passages[0].Title, got["title"], "the source is named as its citations are")
		return got["title"].(string)
	}
	require.Contains(t, title(titled, "refund timing original payment"), "Returns")
	require.NotContains(t, title(titled, "refund timing original payment"), srv.URL)
	require.Equal(t, srv.URL+"/gift-cards", title(untitled, "gift cards expire balance"))
	require.Equal(t, "Our returns policy", title(named, "refund timing original payment"))

	r := b.req("GET", "/v1/sources?kind=url", b.app.Keys.Auditor, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	names := map[string]any{}
	for _, s := range r.Body["sources"].([]any) {
		names[s.(map[string]any)["id"].(string)] = s.(map[string]any)["title"]
	}
	require.Contains(t, names[titled], "Returns")
	require.Equal(t, srv.URL+"/gift-cards", names[untitled])
	require.Equal(t, "Our returns policy", names[named])
}

func TestSiteSourceIsBoundedAndObeysRobots(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /internal/\n")
	})
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body><main><h1>%s</h1><p>%s</p></main></body></html>", title, title, body)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		page(w, "Help centre", `Start here. <a href="/internal/secrets">staff</a> <a href="/guide/1">guide</a>`)
	})
	for i := 1; i <= 10; i++ {
		mux.HandleFunc(fmt.Sprintf("/guide/%d", i), func(w http.ResponseWriter, r *http.Request) {
			page(w, fmt.Sprintf("Guide %d", i), fmt.Sprintf(`Chapter keyword%d explains step %d. <a href="/guide/%d">next</a>`, i, i, i+1))
		})
	}
	mux.HandleFunc("/internal/secrets", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Staff only", "The vault code is swordfishcode.")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	start := time.Now()
	id := b.create(map[string]any{"kind": "site", "url": srv.URL + "/", "max_pages": 3})
	got := b.wait(id, start)
	require.Equal(t, "ready", got["status"], got)
	require.EqualValues(t, 3, got["max_pages"])
	require.Len(t, b.searchSource("keyword1", id), 1)
	require.Len(t, b.searchSource("keyword2", id), 1)
	require.Empty(t, b.searchSource("keyword3", id), "beyond max_pages")
	require.Empty(t, b.searchSource("swordfishcode vault", id), "disallowed by robots.txt")
	hits := b.searchSource("keyword2", id)
	require.Equal(t, srv.URL+"/guide/2", hits[0].URL)
	require.Equal(t, "Guide 2", hits[0].Title)
}

func TestFileSourceUploads(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	pdf, err := os.ReadFile("../extract/testdata/guide.pdf")
	require.NoError(t, err)
	start := time.Now()
	r := b.upload("warranty.pdf", pdf, map[string]string{"audience_channels": "chat,email"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	require.Equal(t, "warranty.pdf", r.Body["file_name"])
	require.Equal(t, "warranty.pdf", r.Body["title"])
	got := b.wait(id, start)
	require.Equal(t, "ready", got["status"], got)
	require.EqualValues(t, len(pdf), got["bytes"])
	hits := b.searchSource("how do I make a warranty claim email photo", id)
	require.NotEmpty(t, hits)
	require.Equal(t, "Making a claim", hits[0].Heading)
	require.Empty(t, b.search("warranty claim", "whatsapp", "standard"), "audience: chat and email only")

	start = time.Now()
	r = b.upload("faq.md", []byte("# FAQ\n\n## Parking\nVisitors park in the quokka lot."), map[string]string{"title": "Office FAQ"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	md := r.Body["id"].(string)
	require.Equal(t, "ready", b.wait(md, start)["status"])
	hits = b.searchSource("quokka parking", md)
	require.Len(t, hits, 1)
	require.Equal(t, "Office FAQ", hits[0].Title)

	tests := []struct {
		name, file, data string
		status           int
		message          string
	}{
		{"unsupported type", "sheet.xlsx", "PK", 400, `file: "sheet.xlsx": ".xlsx" files are not supported`},
		{"not really a PDF", "fake.pdf", "hello", 400, "is not a PDF"},
		{"empty", "empty.txt", "", 400, "file: is empty"},
	}
	for _, tt := range tests {
		r := b.upload(tt.file, []byte(tt.data), nil)
		require.Equal(t, tt.status, r.Status, tt.name+": "+r.Raw)
		_, msg := errorOf(r)
		require.Contains(t, msg, tt.message, tt.name)
	}
}

// flaky serves what the test tells it to, switching at will.
type flaky struct {
	mode atomic.Value // "ok", "404", "slow", "huge", "badpdf"
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch f.mode.Load().(string) {
	case "404":
		http.NotFound(w, r)
	case "slow":
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	case "huge":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>"+strings.Repeat("big ", sourceMaxBytes)+"</p>")
	case "badpdf":
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4\n1 0 obj << /Type /Catalog broken")
	default:
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body><main><h1>Opening hours</h1><p>The flagship store in Lisbon opens at nine.</p></main></body></html>")
	}
}

func TestFailedSyncKeepsTheLastGoodChunks(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	tests := []struct {
		mode   string
		reason string
	}{
		{"404", "fetch: GET %s/hours: 404 Not Found"},
		{"slow", "timed out"},
		{"huge", fmt.Sprintf("larger than the %d bytes allowed", sourceMaxBytes)},
		{"badpdf", "unparseable PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			f := &flaky{}
			f.mode.Store("ok")
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			start := time.Now()
			id := b.create(map[string]any{"kind": "url", "url": srv.URL + "/hours"})
			first := b.wait(id, start)
			require.Equal(t, "ready", first["status"], first)
			require.Len(t, b.searchSource("flagship store lisbon", id), 1)

			f.mode.Store(tt.mode)
			again := time.Now()
			r := b.req("POST", "/v1/sources/"+id+"/sync", b.app.Keys.Admin, nil)
			require.Equal(t, http.StatusAccepted, r.Status, r.Raw)
			got := b.wait(id, again)
			require.Equal(t, "failed", got["status"], got)
			reason := tt.reason
			if strings.Contains(reason, "%s") {
				reason = fmt.Sprintf(reason, srv.URL)
			}
			require.Contains(t, got["status_reason"], reason)
			require.Equal(t, first["chunks"], got["chunks"], "the counts of the last good sync")
			require.Equal(t, first["last_synced_at"], got["last_synced_at"])
			require.Len(t, b.searchSource("flagship store lisbon", id), 1, "the last good chunks stay searchable")
		})
	}
}

func TestAudienceLimitsWhoIsAnsweredFromASource(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	start := time.Now()
	vip := b.create(map[string]any{
		"kind": "kb_article", "title": "Dedicated line", "body": "Call the platypus hotline any time.",
		"audience": map[string]any{"tiers": []string{"Enterprise"}, "channels": []string{"chat", "email"}},
	})
	all := b.create(map[string]any{"kind": "kb_article", "title": "Phone support", "body": "Our platypus hotline is open weekdays."})
	require.Equal(t, "ready", b.wait(vip, start)["status"])
	require.Equal(t, "ready", b.wait(all, start)["status"])
	got := b.req("GET", "/v1/sources/"+vip, b.app.Keys.Admin, nil)
	require.Equal(t, map[string]any{"channels": []any{"chat", "email"}, "tiers": []any{"enterprise"}}, got.Body["audience"])

	sources := func(channel, tier string) []string {
		var out []string
		for _, p := range b.search("platypus hotline", channel, tier) {
			out = append(out, p.Title)
		}
		return out
	}
	require.ElementsMatch(t, []string{"Dedicated line", "Phone support"}, sources("chat", "enterprise"))
	require.ElementsMatch(t, []string{"Phone support"}, sources("chat", "standard"))
	require.ElementsMatch(t, []string{"Phone support"}, sources("whatsapp", "enterprise"))
	require.ElementsMatch(t, []string{"Phone support"}, sources("", ""), "unknown reader: unrestricted sources only")
}

func TestSourcesListPages(t *testing.T) {
	t.Parallel()
	app := testenv.NewApp(t, testenv.AppOptions{})
	list := func(query string) response {
		t.Helper()
		return do(t, "GET", app.URL+"/v1/sources"+query, app.Keys.Auditor, nil)
	}
	all := list("")
	require.Equal(t, http.StatusOK, all.Status, all.Raw)
	require.Len(t, all.Body["sources"], 3, "the demo's three articles")
	require.Equal(t, "", all.Body["next_page_token"])

	var ids []any
	token := ""
	for _, want := range []int{2, 1} {
		r := list("?limit=2&page_token=" + token)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		require.Len(t, r.Body["sources"], want)
		for _, s := range r.Body["sources"].([]any) {
			ids = append(ids, s.(map[string]any)["id"])
		}
		token = r.Body["next_page_token"].(string)
	}
	require.Empty(t, token, "the last page says so")
	var want []any
	for _, s := range all.Body["sources"].([]any) {
		want = append(want, s.(map[string]any)["id"])
	}
	require.Equal(t, want, ids)

	for query, msg := range map[string]string{
		"?limit=0":           "limit: must be an integer from 1 to 500",
		"?limit=501":         "limit: must be an integer from 1 to 500",
		"?limit=ten":         "limit: must be an integer from 1 to 500",
		"?page_token=abc%21": "page_token: is not a next_page_token this listing returned",
	} {
		r := list(query)
		require.Equal(t, http.StatusBadRequest, r.Status, query+": "+r.Raw)
		code, got := errorOf(r)
		require.Equal(t, "invalid", code)
		require.Equal(t, msg, got, query)
	}
}

func TestSourcesAPIValidatesAndAuthorizes(t *testing.T) {
	t.Parallel()
	b := sourcesSetup(t)
	cases := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"no kind", `{"title":"x","body":"y"}`, 400, "kind: must not be empty"},
		{"unknown kind", `{"kind":"video"}`, 400, `kind: "video" is not`},
		{"article without body", `{"kind":"kb_article","title":"T"}`, 400, "body: must not be empty"},
		{"article with a bad format", `{"kind":"kb_article","title":"T","body":"b","format":"rtf"}`, 400, "format:"},
		{"short answer without answer", `{"kind":"short_answer","question":"Q?"}`, 400, "answer: must not be empty"},
		{"field of another kind", `{"kind":"short_answer","question":"Q?","answer":"A","url":"https://x.example"}`, 400, "url: does not apply to a short_answer source"},
		{"url without scheme", `{"kind":"url","url":"help.example/a"}`, 400, "url: must start with http:// or https://"},
		{"site bound too big", `{"kind":"site","url":"https://help.example/","max_pages":5000}`, 400, "max_pages: 5000 is not between 1 and 1000"},
		{"resync too often", `{"kind":"url","url":"https://help.example/a","resync_interval":"1m"}`, 400, "resync_interval: 1m0s is shorter"},
		{"resync not a duration", `{"kind":"url","url":"https://help.example/a","resync_interval":"daily"}`, 400, `resync_interval: "daily" is not a duration`},
		{"resync of an article", `{"kind":"kb_article","title":"T","body":"b","resync_interval":"1h"}`, 400, "resync_interval: only url and site sources"},
		{"bad audience", `{"kind":"kb_article","title":"T","body":"b","audience":{"tiers":["gold tier"]}}`, 400, "audience.tiers[0]:"},
		{"unknown field", `{"kind":"kb_article","title":"T","body":"b","color":"red"}`, 400, "color: unknown field"},
		{"file as JSON", `{"kind":"file","title":"T"}`, 400, "multipart/form-data"},
	}
	for _, tc := range cases {
		r := b.req("POST", "/v1/sources", b.app.Keys.Admin, tc.body)
		require.Equal(t, tc.status, r.Status, tc.name+": "+r.Raw)
		_, msg := errorOf(r)
		require.Contains(t, msg, tc.want, tc.name)
	}
	var n int64
	require.NoError(t, b.app.DB.Model(&models.ContentSource{}).Where("kind <> ?", models.SourceKBArticle).Count(&n).Error)
	require.Zero(t, n, "rejected requests wrote nothing")

	start := time.Now()
	id := b.create(map[string]any{"kind": "kb_article", "title": "T", "body": "b"})
	b.wait(id, start)
	require.Equal(t, http.StatusBadRequest, b.req("PUT", "/v1/sources/"+id, b.app.Keys.Admin, `{"kind":"url","url":"https://x.example"}`).Status, "kind cannot change")
	require.Equal(t, http.StatusOK, b.req("GET", "/v1/sources", b.app.Keys.Auditor, nil).Status)
	require.Equal(t, http.StatusOK, b.req("GET", "/v1/sources/"+id, b.app.Keys.Auditor, nil).Status)
	for _, r := range []response{
		b.req("POST", "/v1/sources", b.app.Keys.Auditor, `{"kind":"kb_article","title":"T","body":"b"}`),
		b.req("DELETE", "/v1/sources/"+id, b.app.Keys.Auditor, nil),
		b.req("POST", "/v1/sources/"+id+"/sync", b.app.Keys.Auditor, nil),
		b.req("GET", "/v1/sources", b.app.Keys.Rep, nil),
		b.req("GET", "/v1/sources", b.app.Keys.Widget, nil),
	} {
		require.Equal(t, http.StatusForbidden, r.Status, r.Raw)
	}
	require.Equal(t, http.StatusNotFound, b.req("GET", "/v1/sources/not-a-source", b.app.Keys.Admin, nil).Status)
	require.Equal(t, http.StatusNotFound, b.req("DELETE", "/v1/sources/not-a-source", b.app.Keys.Admin, nil).Status)

	list := b.req("GET", "/v1/sources?kind=kb_article", b.app.Keys.Admin, nil)
	for _, s := range list.Body["sources"].([]any) {
		require.Equal(t, "kb_article", s.(map[string]any)["kind"])
		require.Nil(t, s.(map[string]any)["body"], "listings leave bodies out")
	}
}
