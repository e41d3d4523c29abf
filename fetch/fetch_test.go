package fetch_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/fetch"
)

func local(o fetch.Options) *fetch.Fetcher {
	o.AllowPrivate = true
	return fetch.New(o)
}

func TestGet(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		require.Contains(t, r.UserAgent(), "SwitchboardBot")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>hello</p>")
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, strings.Repeat("x", 2048)) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f := local(fetch.Options{MaxBytes: 1024, Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	page, err := f.Get(ctx, srv.URL+"/moved")
	require.NoError(t, err)
	require.Equal(t, "/ok", page.URL.Path, "the URL after redirects")
	require.Equal(t, "text/html", page.MediaType())
	require.Equal(t, "<p>hello</p>", string(page.Body))

	tests := []struct {
		path      string
		permanent bool
		check     func(t *testing.T, err error)
	}{
		{"/missing", true, func(t *testing.T, err error) {
			var status *fetch.StatusError
			require.ErrorAs(t, err, &status)
			require.Equal(t, 404, status.Code)
			require.ErrorContains(t, err, "404 Not Found")
		}},
		{"/big", true, func(t *testing.T, err error) {
			var large *fetch.TooLargeError
			require.ErrorAs(t, err, &large)
		}},
		{"/slow", false, func(t *testing.T, err error) {
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.ErrorContains(t, err, "timed out")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			_, err := f.Get(ctx, srv.URL+tt.path)
			require.Error(t, err)
			tt.check(t, err)
			require.Equal(t, tt.permanent, fetch.Permanent(err))
		})
	}
}

func TestGetRefusesPrivateAddressesByDefault(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "internal") }))
	t.Cleanup(srv.Close)
	_, err := fetch.New(fetch.Options{}).Get(context.Background(), srv.URL)
	var private *fetch.PrivateAddressError
	require.ErrorAs(t, err, &private)
	require.True(t, fetch.Permanent(err))
}

func TestGuard(t *testing.T) {
	t.Parallel()
	// Guard only looks at the address: nothing here is dialled.
	tests := []struct {
		addr    string
		refused bool
	}{
		{"93.184.215.14", false},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false},
		{"127.0.0.1", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"::ffff:169.254.169.254", true},
		{"fe80::1", true},
		{"fd00::1", true},
		{"100.64.0.1", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"224.0.0.1", true},
		// The ranges added for issue 18.
		{"64:ff9b::a9fe:a9fe", true}, // NAT64 of 169.254.169.254
		{"64:ff9b::808:808", true},   // NAT64 of a public address: refused all the same
		{"64:ff9b:1::1", true},
		{"2002:a00:1::1", true}, // 6to4 of 10.0.0.1
		{"fec0::1", true},
		{"192.0.0.1", true},
		{"192.0.0.255", true},
		{"198.18.0.1", true},
		{"198.19.255.255", true},
		{"240.0.0.1", true},
		{"255.255.255.255", true},
		// Just outside them.
		{"192.0.1.1", false},
		{"198.17.255.255", false},
		{"198.20.0.1", false},
		{"239.255.255.255", true}, // multicast
		{"2003::1", false},
		{"64:ff9b:2::1", false},
	}
	for _, tt := range tests {
		err := fetch.Guard("tcp", net.JoinHostPort(tt.addr, "443"), nil)
		if !tt.refused {
			require.NoError(t, err, tt.addr)
			continue
		}
		var private *fetch.PrivateAddressError
		require.ErrorAs(t, err, &private, tt.addr)
		require.True(t, fetch.Permanent(fmt.Errorf("dial: %w", err)), tt.addr)
	}
}

func TestNewTransportDialsThroughTheGuard(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)

	client := &http.Client{Transport: fetch.NewTransport(false), Timeout: 5 * time.Second}
	_, err := client.Get(srv.URL)
	var private *fetch.PrivateAddressError
	require.ErrorAs(t, err, &private)
	require.Zero(t, hits.Load(), "refused before connecting")
	require.Nil(t, fetch.NewTransport(false).Proxy, "a proxy would hide the destination from the guard")

	client.Transport = fetch.NewTransport(true)
	resp, err := client.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, int32(1), hits.Load())
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"ftp://x/y", "/relative", "http://", "https://user:pw@host/", "::"} {
		_, err := fetch.CheckURL(bad)
		require.Error(t, err, bad)
	}
	_, err := fetch.CheckURL("https://help.example/a?b=c")
	require.NoError(t, err)
}

// site serves a small help centre: every page links to the next two, the
// /private section is disallowed by robots.txt, and one link is broken.
func site(t *testing.T, robots string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		if robots == "" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, robots)
	})
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><body>%s</body></html>", body)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		page(w, `<a href="/a/1">one</a> <a href="/private/x">secret</a> <a href="/broken">broken</a> <a href="https://elsewhere.example/">out</a> <a href="/guide.pdf">pdf</a> <a href="/logo.png">logo</a>`)
	})
	for i := 1; i <= 20; i++ {
		mux.HandleFunc(fmt.Sprintf("/a/%d", i), func(w http.ResponseWriter, r *http.Request) {
			page(w, fmt.Sprintf(`<h1>Article %d</h1><a href="/a/%d">next</a> <a href="/a/%d#frag">next again</a>`, i, i+1, i+2))
		})
	}
	mux.HandleFunc("/private/x", func(w http.ResponseWriter, r *http.Request) { page(w, "secret") })
	mux.HandleFunc("/guide.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4 …")
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, "png")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCrawl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		robots     string
		maxPages   int
		want       []string
		disallowed int
		wantErr    string
	}{
		{
			name: "bounded by max pages, obeying robots.txt", robots: "User-agent: *\nDisallow: /private/\n",
			maxPages: 5, want: []string{"/", "/a/1", "/a/2", "/a/3", "/guide.pdf"}, disallowed: 1,
		},
		{
			name: "no robots.txt allows everything", maxPages: 4,
			want: []string{"/", "/a/1", "/guide.pdf", "/private/x"},
		},
		{
			name: "a group for our agent wins", robots: "User-agent: *\nDisallow:\n\nUser-agent: SwitchboardBot\nDisallow: /a/\n",
			maxPages: 10, want: []string{"/", "/guide.pdf", "/private/x"}, disallowed: 1,
		},
		{
			name: "start page disallowed", robots: "User-agent: *\nDisallow: /\n", maxPages: 10,
			wantErr: "robots.txt disallows",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := site(t, tt.robots)
			var got []string
			res, err := local(fetch.Options{}).Crawl(context.Background(), srv.URL+"/", tt.maxPages, func(p fetch.Page) error {
				got = append(got, p.URL.Path)
				return nil
			})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			sort.Strings(got)
			require.Equal(t, tt.want, got)
			require.Equal(t, len(tt.want), res.Pages)
			require.Equal(t, tt.disallowed, res.Disallowed)
		})
	}
}

func TestCrawlSkipsBrokenLinksButFailsOnABrokenStart(t *testing.T) {
	t.Parallel()
	srv := site(t, "")
	res, err := local(fetch.Options{}).Crawl(context.Background(), srv.URL+"/", 100, func(fetch.Page) error { return nil })
	require.NoError(t, err)
	require.Equal(t, 4, res.Skipped, "/broken, /a/21 and /a/22 (404) and the PNG")
	require.Contains(t, res.FirstSkip, "404")
	require.Equal(t, 23, res.Pages, "/, 20 articles, the PDF and /private/x")

	_, err = local(fetch.Options{}).Crawl(context.Background(), srv.URL+"/broken", 10, func(fetch.Page) error { return nil })
	var status *fetch.StatusError
	require.ErrorAs(t, err, &status)
}

func TestCrawlHonoursCrawlDelay(t *testing.T) {
	t.Parallel()
	srv := site(t, "User-agent: *\nCrawl-delay: 0.2\n")
	start := time.Now()
	_, err := local(fetch.Options{}).Crawl(context.Background(), srv.URL+"/", 3, func(fetch.Page) error { return nil })
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond)
}
