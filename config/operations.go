package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Operations are the settings of running Switchboard beside other
// services: a secured Temporal, the worker's tuning and port, the logs'
// format, and the origins the chat widget may be embedded in.
type Operations struct {
	// Temporal secures the connection to Temporal (TEMPORAL_API_KEY and
	// TEMPORAL_TLS_*, as the Temporal SDKs' environment configuration
	// names them).
	Temporal TemporalSecurity
	// Worker tunes the Temporal worker (SWITCHBOARD_WORKER_*).
	Worker WorkerTuning
	// SkipSearchAttributes keeps migrate from registering the search
	// attributes, for a namespace whose attributes are managed elsewhere,
	// as Temporal Cloud's are (SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES, true or
	// false).
	SkipSearchAttributes bool
	// LogFormat is text or json (SWITCHBOARD_LOG_FORMAT).
	LogFormat string
	// WidgetOrigins are the sites (origins like https://shop.example) that
	// may embed the chat of every channel, in addition to each channel's
	// own allowed origins (SWITCHBOARD_WIDGET_ORIGINS, comma-separated; "*"
	// allows every site).
	WidgetOrigins []string
}

// TemporalSecurity is how the clients authenticate to Temporal and verify
// it. TLS is on when TEMPORAL_TLS is true, or when an API key or a client
// certificate is set and TEMPORAL_TLS is not false.
type TemporalSecurity struct {
	// APIKey is sent as a bearer token on every call (TEMPORAL_API_KEY).
	APIKey string
	// TLS is TEMPORAL_TLS: nil when unset.
	TLS *bool
	// ClientCert and ClientKey are PEM data of the mTLS client certificate
	// and its key (TEMPORAL_TLS_CLIENT_CERT_DATA or _PATH,
	// TEMPORAL_TLS_CLIENT_KEY_DATA or _PATH).
	ClientCert, ClientKey []byte
	// ServerCA is PEM data of the CA that signed the server's certificate,
	// instead of the system's roots (TEMPORAL_TLS_SERVER_CA_CERT_DATA or
	// _PATH).
	ServerCA []byte
	// ServerName overrides the name the server's certificate is checked
	// against (TEMPORAL_TLS_SERVER_NAME).
	ServerName string
	// DisableHostVerification skips checking the server's certificate
	// (TEMPORAL_TLS_DISABLE_HOST_VERIFICATION): for tests only.
	DisableHostVerification bool
}

// Enabled reports whether the connection to Temporal uses TLS.
func (t TemporalSecurity) Enabled() bool {
	if t.TLS != nil {
		return *t.TLS
	}
	return t.APIKey != "" || len(t.ClientCert) > 0 || len(t.ServerCA) > 0 || t.ServerName != ""
}

// TLSConfig is the TLS configuration of the connection to Temporal, nil
// when TLS is off. Its errors name the variable at fault.
func (t TemporalSecurity) TLSConfig() (*tls.Config, error) {
	if !t.Enabled() {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.DisableHostVerification}
	if len(t.ClientCert) > 0 {
		pair, err := tls.X509KeyPair(t.ClientCert, t.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CLIENT_CERT_*, TEMPORAL_TLS_CLIENT_KEY_*: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if len(t.ServerCA) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.ServerCA) {
			return nil, fmt.Errorf("TEMPORAL_TLS_SERVER_CA_CERT_*: no PEM certificate found")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// WorkerTuning are the Temporal worker's limits. Zero means the SDK's
// default.
type WorkerTuning struct {
	// HTTPAddr is where the worker serves /livez, /readyz and /metrics
	// (SWITCHBOARD_WORKER_HTTP_ADDR; empty: not served).
	HTTPAddr string
	// MaxConcurrentActivities bounds the activities one worker runs at once
	// (SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES).
	MaxConcurrentActivities int
	// MaxConcurrentWorkflowTasks bounds the workflow tasks one worker runs
	// at once (SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS).
	MaxConcurrentWorkflowTasks int
	// Pollers fixes how many requests for workflow tasks, and how many for
	// activity tasks, the worker keeps open (SWITCHBOARD_WORKER_POLLERS; 0:
	// as many as the tasks waiting need, from 1 to 100).
	Pollers int
	// StickyCacheSize is how many workflows the process keeps in memory
	// between their tasks (SWITCHBOARD_WORKER_STICKY_CACHE_SIZE).
	StickyCacheSize int
	// StopTimeout is how long a stopping worker waits for its running
	// activities (SWITCHBOARD_WORKER_STOP_TIMEOUT, a Go duration).
	StopTimeout time.Duration
}

func defaultOperations() Operations {
	return Operations{LogFormat: "text", Worker: WorkerTuning{StopTimeout: 10 * time.Second}}
}

// readOperations reads Operations' variables into o, recording in set the
// ones the environment set and in errs the ones it could not parse.
func readOperations(lookup func(string) (string, bool), o *Operations, set map[string]bool, errs *[]string) {
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		if ok && v != "" {
			set[name] = true
			return v, true
		}
		return "", false
	}
	boolean := func(name string) (bool, bool) {
		v, ok := get(name)
		if !ok {
			return false, false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("%s: %q is not true or false", name, v))
			return false, false
		}
		return b, true
	}
	integer := func(name string, dst *int) {
		if v, ok := get(name); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				*errs = append(*errs, fmt.Sprintf("%s: %q is not an integer", name, v))
				return
			}
			*dst = n
		}
	}
	// pem reads the PEM text in dataVar, or the file pathVar names; not
	// both.
	pem := func(dataVar, pathVar string) []byte {
		data, hasData := get(dataVar)
		path, hasPath := get(pathVar)
		switch {
		case hasData && hasPath:
			*errs = append(*errs, fmt.Sprintf("%s, %s: set one, not both", dataVar, pathVar))
		case hasData:
			return []byte(data)
		case hasPath:
			b, err := os.ReadFile(path)
			if err != nil {
				*errs = append(*errs, fmt.Sprintf("%s: %v", pathVar, err))
				return nil
			}
			return b
		}
		return nil
	}

	t := &o.Temporal
	t.APIKey, _ = get("TEMPORAL_API_KEY")
	if b, ok := boolean("TEMPORAL_TLS"); ok {
		t.TLS = &b
	}
	t.ClientCert = pem("TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_CERT_PATH")
	t.ClientKey = pem("TEMPORAL_TLS_CLIENT_KEY_DATA", "TEMPORAL_TLS_CLIENT_KEY_PATH")
	t.ServerCA = pem("TEMPORAL_TLS_SERVER_CA_CERT_DATA", "TEMPORAL_TLS_SERVER_CA_CERT_PATH")
	t.ServerName, _ = get("TEMPORAL_TLS_SERVER_NAME")
	t.DisableHostVerification, _ = boolean("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION")

	if v, ok := get("SWITCHBOARD_WORKER_HTTP_ADDR"); ok {
		o.Worker.HTTPAddr = v
	}
	integer("SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES", &o.Worker.MaxConcurrentActivities)
	integer("SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS", &o.Worker.MaxConcurrentWorkflowTasks)
	integer("SWITCHBOARD_WORKER_STICKY_CACHE_SIZE", &o.Worker.StickyCacheSize)
	integer("SWITCHBOARD_WORKER_POLLERS", &o.Worker.Pollers)
	if v, ok := get("SWITCHBOARD_WORKER_STOP_TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("SWITCHBOARD_WORKER_STOP_TIMEOUT: %q is not a duration like 30s", v))
		}
		o.Worker.StopTimeout = d
	}
	o.SkipSearchAttributes, _ = boolean("SWITCHBOARD_SKIP_SEARCH_ATTRIBUTES")
	if v, ok := get("SWITCHBOARD_LOG_FORMAT"); ok {
		o.LogFormat = v
	}
	if v, ok := get("SWITCHBOARD_WIDGET_ORIGINS"); ok {
		for _, origin := range strings.Split(v, ",") {
			if origin = strings.TrimSpace(origin); origin != "" {
				o.WidgetOrigins = append(o.WidgetOrigins, origin)
			}
		}
	}
}

// validate checks Operations and names the first bad variable.
func (o Operations) validate() error {
	t := o.Temporal
	if (len(t.ClientCert) > 0) != (len(t.ClientKey) > 0) {
		return fmt.Errorf("TEMPORAL_TLS_CLIENT_CERT_*, TEMPORAL_TLS_CLIENT_KEY_*: set both or neither")
	}
	if t.TLS != nil && !*t.TLS && (t.APIKey != "" || len(t.ClientCert) > 0) {
		// Temporal Cloud refuses both over plain text; a self-hosted
		// frontend behind a TLS-terminating proxy is the exception, but
		// then the proxy, not Switchboard, holds the certificate.
		return fmt.Errorf("TEMPORAL_TLS: false, but TEMPORAL_API_KEY or a client certificate is set, which would be sent in plain text")
	}
	if _, err := t.TLSConfig(); err != nil {
		return err
	}
	if o.Worker.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(o.Worker.HTTPAddr); err != nil {
			return fmt.Errorf("SWITCHBOARD_WORKER_HTTP_ADDR: %q is not host:port", o.Worker.HTTPAddr)
		}
	}
	for name, n := range map[string]int{
		"SWITCHBOARD_WORKER_MAX_CONCURRENT_ACTIVITIES":     o.Worker.MaxConcurrentActivities,
		"SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS": o.Worker.MaxConcurrentWorkflowTasks,
		"SWITCHBOARD_WORKER_STICKY_CACHE_SIZE":             o.Worker.StickyCacheSize,
	} {
		if n < 0 || n > 100_000 {
			return fmt.Errorf("%s: %d is not between 0 (the SDK's default) and 100000", name, n)
		}
	}
	if p := o.Worker.Pollers; p == 1 || p < 0 || p > 1000 {
		// The SDK needs two workflow task pollers: one for the sticky queue.
		return fmt.Errorf("SWITCHBOARD_WORKER_POLLERS: %d is not 0 (as many as needed) or between 2 and 1000", p)
	}
	if o.Worker.MaxConcurrentWorkflowTasks == 1 {
		// The SDK needs two pollers' worth of slots for workflow tasks.
		return fmt.Errorf("SWITCHBOARD_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2")
	}
	if o.Worker.StopTimeout < 0 {
		return fmt.Errorf("SWITCHBOARD_WORKER_STOP_TIMEOUT: must not be negative")
	}
	if o.LogFormat != "text" && o.LogFormat != "json" {
		return fmt.Errorf("SWITCHBOARD_LOG_FORMAT: %q is not text or json", o.LogFormat)
	}
	for _, origin := range o.WidgetOrigins {
		if origin == "*" {
			continue
		}
		if !IsOrigin(origin) {
			return fmt.Errorf("SWITCHBOARD_WIDGET_ORIGINS: %q is not an origin like https://shop.example (scheme, host and port, no path or trailing slash), nor *", origin)
		}
	}
	return nil
}

// IsOrigin reports whether s is a browser origin: http or https, a host,
// an optional port, and nothing else.
func IsOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" &&
		u.RawQuery == "" && u.Fragment == "" && u.User == nil && !strings.HasSuffix(s, "/")
}
