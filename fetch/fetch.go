package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// UserAgent identifies Switchboard to the sites it fetches and is the agent
// robots.txt rules are matched against.
const UserAgent = "SwitchboardBot/1.0 (+https://github.com/switchboardhq/switchboard)"

// robotsAgent is the product token robots.txt groups name.
const robotsAgent = "SwitchboardBot"

// Defaults of Options left at zero.
const (
	DefaultTimeout  = 30 * time.Second
	DefaultMaxBytes = 10 << 20
)

// Options tune a Fetcher.
type Options struct {
	// Timeout bounds one request, body included (DefaultTimeout when 0).
	Timeout time.Duration
	// MaxBytes is the largest body accepted (DefaultMaxBytes when 0).
	MaxBytes int64
	// AllowPrivate allows loopback, private and link-local addresses (for
	// development and tests; never on a server reachable by others).
	AllowPrivate bool
	// MaxCrawlDelay caps the Crawl-delay a robots.txt asks for (5 s when 0).
	MaxCrawlDelay time.Duration
}

// Fetcher downloads pages. It is safe for concurrent use.
type Fetcher struct {
	client        *http.Client
	maxBytes      int64
	maxCrawlDelay time.Duration
}

// New returns a Fetcher.
func New(o Options) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxCrawlDelay <= 0 {
		o.MaxCrawlDelay = 5 * time.Second
	}
	transport := NewTransport(o.AllowPrivate)
	transport.ResponseHeaderTimeout = o.Timeout
	client := &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("more than 5 redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %s: URL", req.URL.Scheme)
			}
			return nil
		},
	}
	return &Fetcher{client: client, maxBytes: o.MaxBytes, maxCrawlDelay: o.MaxCrawlDelay}
}

// NewDialer returns the dialer Switchboard's outbound requests connect
// with: a 10 s connect timeout and, unless allowPrivate, [Guard] on every
// address it connects to.
func NewDialer(allowPrivate bool) *net.Dialer {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = Guard
	}
	return dialer
}

// NewTransport returns a transport that connects directly, never through a
// proxy (the address check must see the real destination), with
// [NewDialer](allowPrivate). A Fetcher sends its requests with one; so do
// other outbound requests to addresses an admin chose, such as team
// webhooks.
func NewTransport(allowPrivate bool) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         NewDialer(allowPrivate).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
}

// PrivateAddressError is returned for a URL whose host resolves to an address
// Switchboard may not connect to.
type PrivateAddressError struct{ Addr string }

func (e *PrivateAddressError) Error() string {
	return fmt.Sprintf("%s is a loopback, private, link-local or reserved address, which Switchboard does not connect to", e.Addr)
}

// blockedPrefixes are the ranges [Guard] refuses besides those netip
// classifies (loopback, private, link-local, unspecified and multicast).
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network": Linux connects 0.x.x.x to the host itself
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT, shared address space
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: an IPv4 address, private ones included
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2002::/16"),      // 6to4: an IPv4 address, private ones included
	netip.MustParsePrefix("fec0::/10"),      // site-local (deprecated, still routed internally)
}

// Guard is a [net.Dialer] Control function: it refuses, with a
// [*PrivateAddressError], to connect to a loopback, private, link-local,
// multicast, unspecified or otherwise internal or reserved address
// (blockedPrefixes), before any packet is sent. It sees the address a host
// name resolved to, so DNS cannot smuggle one in.
func Guard(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return &PrivateAddressError{Addr: ip.String()}
	}
	for _, prefix := range blockedPrefixes {
		if prefix.Contains(ip) {
			return &PrivateAddressError{Addr: ip.String()}
		}
	}
	return nil
}

// StatusError is an HTTP response that was not 2xx.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// TooLargeError is a body over the size cap.
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("GET %s: larger than the %d bytes allowed", e.URL, e.Limit)
}

// Permanent reports whether fetching again cannot help: a 4xx status (except
// 408 and 429), a body over the cap, a forbidden address or a bad URL.
// Timeouts, 5xx and connection errors may pass.
func Permanent(err error) bool {
	var status *StatusError
	if errors.As(err, &status) {
		return status.Code >= 400 && status.Code < 500 && status.Code != 408 && status.Code != 429
	}
	var large *TooLargeError
	var private *PrivateAddressError
	var badURL *URLError
	return errors.As(err, &large) || errors.As(err, &private) || errors.As(err, &badURL)
}

// URLError is a URL that cannot be fetched at all.
type URLError struct {
	URL    string
	Reason string
}

func (e *URLError) Error() string { return fmt.Sprintf("url %q: %s", e.URL, e.Reason) }

// CheckURL returns a *URLError unless raw is an absolute http(s) URL with a
// host.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &URLError{URL: raw, Reason: "not a URL"}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &URLError{URL: raw, Reason: "must start with http:// or https://"}
	}
	if u.Hostname() == "" {
		return nil, &URLError{URL: raw, Reason: "has no host"}
	}
	if u.User != nil {
		return nil, &URLError{URL: raw, Reason: "must not hold a user name or password"}
	}
	return u, nil
}

// Page is a fetched document.
type Page struct {
	// URL is where the body came from, after redirects.
	URL *url.URL
	// ContentType is the response's Content-Type header.
	ContentType string
	Body        []byte
}

// MediaType is the page's media type, lower case, without parameters.
func (p Page) MediaType() string {
	mt, _, err := mime.ParseMediaType(p.ContentType)
	if err != nil {
		return ""
	}
	return mt
}

// Get downloads one URL: a non-2xx status is a *StatusError, a body over the
// cap a *TooLargeError, and running out of time an error wrapping
// context.DeadlineExceeded.
func (f *Fetcher) Get(ctx context.Context, raw string) (Page, error) {
	u, err := CheckURL(raw)
	if err != nil {
		return Page{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, &URLError{URL: raw, Reason: err.Error()}
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,text/markdown,text/plain;q=0.9,*/*;q=0.1")
	resp, err := f.client.Do(req)
	if err != nil {
		return Page{}, describe(u.String(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Page{}, &StatusError{URL: u.String(), Code: resp.StatusCode}
	}
	if resp.ContentLength > f.maxBytes {
		return Page{}, &TooLargeError{URL: u.String(), Limit: f.maxBytes}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return Page{}, describe(u.String(), err)
	}
	if int64(len(body)) > f.maxBytes {
		return Page{}, &TooLargeError{URL: u.String(), Limit: f.maxBytes}
	}
	return Page{URL: resp.Request.URL, ContentType: resp.Header.Get("Content-Type"), Body: body}, nil
}

// describe makes transport errors readable and keeps the causes errors.Is
// and errors.As look for.
func describe(u string, err error) error {
	var private *PrivateAddressError
	if errors.As(err, &private) {
		return fmt.Errorf("GET %s: %w", u, private)
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Errorf("GET %s: timed out: %w", u, context.DeadlineExceeded)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return fmt.Errorf("GET %s: %w", u, err)
}
