package actions

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/fetch"
)

// NewClient returns the client an action's call goes through. It follows
// the fetcher's network policy: no loopback, private or link-local
// address unless allowPrivate (development) or the host is on the
// workspace's allow-list (hosts, its on-premise systems). It follows no
// redirect: a company's API answers where it is called.
func NewClient(allowPrivate bool, hosts []string) *http.Client {
	guarded := fetch.NewTransport(allowPrivate)
	open := guarded
	if !allowPrivate && len(hosts) > 0 {
		open = fetch.NewTransport(true)
	}
	return &http.Client{
		Transport: policy{guarded: guarded, open: open, hosts: hosts},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("an action's call is not redirected")
		},
	}
}

// policy sends a request to an allow-listed host through the transport
// that admits private addresses, and every other through the guarded one.
type policy struct {
	guarded, open http.RoundTripper
	hosts         []string
}

func (p policy) RoundTrip(r *http.Request) (*http.Response, error) {
	if slices.Contains(p.hosts, strings.ToLower(r.URL.Hostname())) {
		return p.open.RoundTrip(r)
	}
	return p.guarded.RoundTrip(r)
}
