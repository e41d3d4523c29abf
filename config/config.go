// Package config holds Switchboard's one configuration struct: defaults in code,
// overridden by environment variables, checked by Validate. It reads the
// environment and nothing else.
package config

import (
	"encoding/base64"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the server, the worker and the dev stack. Each
// field names the environment variable that sets it; the README lists them all.
type Config struct {
	// HTTPAddr is where the API listens (SWITCHBOARD_HTTP_ADDR).
	HTTPAddr string
	// DataDir holds the dev stack's files: SQLite databases, Weaviate data,
	// logs and demo.json (SWITCHBOARD_DATA_DIR).
	DataDir string
	// DatabaseURL is a PostgreSQL URL or DSN, or sqlite:PATH (DATABASE_URL).
	// Empty means the embedded SQLite database in DataDir, which only the dev
	// command accepts.
	DatabaseURL string
	// TemporalAddress is the Temporal frontend host:port (TEMPORAL_ADDRESS).
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace (TEMPORAL_NAMESPACE).
	TemporalNamespace string
	// TaskQueue is the Temporal task queue the worker polls (SWITCHBOARD_TASK_QUEUE).
	TaskQueue string
	// WeaviateURL is the Weaviate base URL, e.g. http://127.0.0.1:8080 (WEAVIATE_URL).
	WeaviateURL string
	// WeaviateGRPCAddress is Weaviate's gRPC host:port, which searches use;
	// empty means WEAVIATE_URL's host on port 50051 (WEAVIATE_GRPC_ADDRESS).
	WeaviateGRPCAddress string
	// WeaviateAPIKey authenticates to Weaviate when set (WEAVIATE_API_KEY).
	WeaviateAPIKey string
	// LLMBaseURL is an OpenAI-compatible API base URL, e.g.
	// http://127.0.0.1:11434/v1 for Ollama (LLM_BASE_URL). Empty means the
	// offline extractive answerer.
	LLMBaseURL string
	// LLMAPIKey is sent as the bearer token to the LLM (LLM_API_KEY).
	LLMAPIKey string
	// LLMModel is the chat model name (LLM_MODEL).
	LLMModel string
	// LLMTimeout bounds one LLM call (LLM_TIMEOUT, a Go duration).
	LLMTimeout time.Duration
	// MaxBodyBytes caps request bodies; larger ones get 413 (SWITCHBOARD_MAX_BODY_BYTES).
	MaxBodyBytes int64
	// LogLevel is debug, info, warn or error (SWITCHBOARD_LOG_LEVEL).
	LogLevel string
	// Ops are the settings of running in production: a secured Temporal,
	// the worker's tuning and health port, the logs' format, the widget's
	// allowed sites (TEMPORAL_TLS_*, SWITCHBOARD_WORKER_*, …).
	Ops Operations
	// Limits are the API's abuse limits (SWITCHBOARD_LIMIT_* and
	// SWITCHBOARD_TRUSTED_PROXIES).
	Limits Limits

	// SourceMaxBytes caps a content source's downloaded page or uploaded
	// file, and an issue-type import (SWITCHBOARD_SOURCE_MAX_BYTES).
	SourceMaxBytes int64
	// FetchTimeout bounds one download of a url or site source
	// (SWITCHBOARD_FETCH_TIMEOUT, a Go duration).
	FetchTimeout time.Duration
	// FetchPrivate lets url and site sources reach loopback, private and
	// link-local addresses (SWITCHBOARD_FETCH_PRIVATE, true or false). Off
	// by default, so an admin's URL cannot probe the internal network.
	FetchPrivate bool
	// EmbeddingsBaseURL is an OpenAI-compatible embeddings API, e.g.
	// http://127.0.0.1:11434/v1 (EMBEDDINGS_BASE_URL). Empty means BM25
	// search only; set, chunks get vectors and searches are hybrid.
	EmbeddingsBaseURL string
	// EmbeddingsAPIKey is sent as the bearer token (EMBEDDINGS_API_KEY).
	EmbeddingsAPIKey string
	// EmbeddingsModel is the embedding model's name (EMBEDDINGS_MODEL).
	EmbeddingsModel string
	// HybridAlpha weighs vectors against BM25 in hybrid search, 0..1
	// (SEARCH_HYBRID_ALPHA; 0 is BM25 only, 1 vectors only).
	HybridAlpha float64

	// CodecKeys encrypt every payload Switchboard writes to Temporal
	// histories (package codec): SWITCHBOARD_CODEC_KEYS, comma-separated
	// id:base64 pairs of 32-byte AES-256 keys, e.g. "k1:" followed by the
	// output of `openssl rand -base64 32`. Empty leaves histories in plain
	// text. Keep a key listed for as long as histories it encrypted are kept.
	CodecKeys []CodecKey
	// CodecKeyID is the ID of the key that encrypts new payloads
	// (SWITCHBOARD_CODEC_KEY_ID); the other keys only decrypt. Empty means
	// the only key of CodecKeys.
	CodecKeyID string
	// CodecOrigins are the browser origins allowed to call the codec server
	// at /codec: the Temporal UI's, scheme://host:port without a path
	// (SWITCHBOARD_CODEC_ORIGINS, comma-separated).
	CodecOrigins []string
	// SecretsKeys seal the secrets Switchboard stores in its database, such
	// as an action's secret headers (package sealed):
	// SWITCHBOARD_SECRETS_KEYS, in CodecKeys' format. Empty means no secret
	// can be stored: a request that sets one is refused.
	SecretsKeys []CodecKey
	// SecretsKeyID is the ID of the key that seals new secrets
	// (SWITCHBOARD_SECRETS_KEY_ID); empty means the only key of SecretsKeys.
	SecretsKeyID string
	// Delivery configures how the outbox is delivered: SMTP, the WhatsApp
	// Cloud API, the dispatcher's poll interval.
	Delivery Delivery

	// ToolsDir caches the pinned Temporal CLI and weaviate-server builds
	// (SWITCHBOARD_TOOLS_DIR, default $XDG_CACHE_HOME/switchboard/bin).
	ToolsDir string
	// DevTemporalPort is the dev Temporal server's frontend port (SWITCHBOARD_DEV_TEMPORAL_PORT).
	DevTemporalPort int
	// DevTemporalUIPort is the dev Temporal Web UI port (SWITCHBOARD_DEV_TEMPORAL_UI_PORT).
	DevTemporalUIPort int
	// DevWeaviatePort is the dev Weaviate HTTP port; the five ports after it
	// serve its gRPC, gossip, data and Raft traffic (SWITCHBOARD_DEV_WEAVIATE_PORT).
	DevWeaviatePort int

	// set records which variables the environment set, so the dev command
	// knows whether to start its own Temporal and Weaviate.
	set map[string]bool
}

// CodecKey is one key of CodecKeys.
type CodecKey struct {
	// ID is written into every payload the key encrypts.
	ID string
	// Secret is the AES-256 key.
	Secret []byte
}

// CurrentCodecKeyID is the ID of the key that encrypts new payloads:
// CodecKeyID, or the only key's. Empty when no key is configured.
func (c Config) CurrentCodecKeyID() string {
	if c.CodecKeyID == "" && len(c.CodecKeys) == 1 {
		return c.CodecKeys[0].ID
	}
	return c.CodecKeyID
}

// Default returns the configuration with every default applied.
func Default() Config {
	return Config{
		HTTPAddr:          "127.0.0.1:8088",
		DataDir:           ".switchboard",
		TemporalAddress:   "127.0.0.1:7233",
		TemporalNamespace: "default",
		TaskQueue:         "switchboard",
		WeaviateURL:       "http://127.0.0.1:8080",
		LLMModel:          "gpt-4o-mini",
		LLMTimeout:        60 * time.Second,
		MaxBodyBytes:      1 << 20,
		LogLevel:          "info",
		Ops:               defaultOperations(),
		Limits:            DefaultLimits(),
		SourceMaxBytes:    10 << 20,
		FetchTimeout:      30 * time.Second,
		EmbeddingsModel:   "text-embedding-3-small",
		HybridAlpha:       0.5,
		ToolsDir:          defaultToolsDir(),
		DevTemporalPort:   7233,
		DevTemporalUIPort: 8233,
		DevWeaviatePort:   8080,
		CodecOrigins:      []string{"http://localhost:8233", "http://127.0.0.1:8233"},
		Delivery:          defaultDelivery(),
		set:               map[string]bool{},
	}
}

func defaultToolsDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "switchboard", "bin")
	}
	return filepath.Join(os.TempDir(), "switchboard", "bin")
}

// FromEnv returns the defaults overridden by the environment. A variable that
// cannot be parsed is an error naming it.
func FromEnv() (Config, error) {
	return fromLookup(os.LookupEnv)
}

func fromLookup(lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok && v != "" {
			*dst = v
			c.set[name] = true
		}
	}
	var errs []string
	integer := func(name string, dst *int) {
		if v, ok := lookup(name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not an integer", name, v))
				return
			}
			*dst = n
			c.set[name] = true
		}
	}
	str("SWITCHBOARD_HTTP_ADDR", &c.HTTPAddr)
	str("SWITCHBOARD_DATA_DIR", &c.DataDir)
	str("DATABASE_URL", &c.DatabaseURL)
	str("TEMPORAL_ADDRESS", &c.TemporalAddress)
	str("TEMPORAL_NAMESPACE", &c.TemporalNamespace)
	str("SWITCHBOARD_TASK_QUEUE", &c.TaskQueue)
	str("WEAVIATE_URL", &c.WeaviateURL)
	str("WEAVIATE_GRPC_ADDRESS", &c.WeaviateGRPCAddress)
	str("WEAVIATE_API_KEY", &c.WeaviateAPIKey)
	str("LLM_BASE_URL", &c.LLMBaseURL)
	str("LLM_API_KEY", &c.LLMAPIKey)
	str("LLM_MODEL", &c.LLMModel)
	str("SWITCHBOARD_LOG_LEVEL", &c.LogLevel)
	str("SWITCHBOARD_TOOLS_DIR", &c.ToolsDir)
	integer("SWITCHBOARD_DEV_TEMPORAL_PORT", &c.DevTemporalPort)
	integer("SWITCHBOARD_DEV_TEMPORAL_UI_PORT", &c.DevTemporalUIPort)
	integer("SWITCHBOARD_DEV_WEAVIATE_PORT", &c.DevWeaviatePort)
	integer("SWITCHBOARD_LIMIT_KEY_MESSAGES", &c.Limits.KeyMessages)
	integer("SWITCHBOARD_LIMIT_KEY_CONVERSATIONS", &c.Limits.KeyConversations)
	integer("SWITCHBOARD_LIMIT_ADDRESS_MESSAGES", &c.Limits.AddressMessages)
	integer("SWITCHBOARD_LIMIT_ADDRESS_CONVERSATIONS", &c.Limits.AddressConversations)
	integer("SWITCHBOARD_LIMIT_CONVERSATION_MESSAGES", &c.Limits.ConversationMessages)
	integer("SWITCHBOARD_LIMIT_EVENT_STREAMS", &c.Limits.EventStreams)
	if v, ok := lookup("SWITCHBOARD_TRUSTED_PROXIES"); ok && v != "" {
		c.Limits.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.Limits.TrustedProxies = append(c.Limits.TrustedProxies, p)
			}
		}
	}
	if v, ok := lookup("LLM_TIMEOUT"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("LLM_TIMEOUT: %q is not a duration like 30s", v))
		}
		c.LLMTimeout = d
	}
	if v, ok := lookup("SWITCHBOARD_MAX_BODY_BYTES"); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SWITCHBOARD_MAX_BODY_BYTES: %q is not an integer", v))
		}
		c.MaxBodyBytes = n
	}
	if v, ok := lookup("SWITCHBOARD_SOURCE_MAX_BYTES"); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SWITCHBOARD_SOURCE_MAX_BYTES: %q is not an integer", v))
		}
		c.SourceMaxBytes = n
	}
	if v, ok := lookup("SWITCHBOARD_FETCH_TIMEOUT"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SWITCHBOARD_FETCH_TIMEOUT: %q is not a duration like 30s", v))
		}
		c.FetchTimeout = d
	}
	if v, ok := lookup("SWITCHBOARD_FETCH_PRIVATE"); ok && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SWITCHBOARD_FETCH_PRIVATE: %q is not true or false", v))
		}
		c.FetchPrivate = b
	}
	str("EMBEDDINGS_BASE_URL", &c.EmbeddingsBaseURL)
	str("EMBEDDINGS_API_KEY", &c.EmbeddingsAPIKey)
	str("EMBEDDINGS_MODEL", &c.EmbeddingsModel)
	if v, ok := lookup("SEARCH_HYBRID_ALPHA"); ok && v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SEARCH_HYBRID_ALPHA: %q is not a number", v))
		}
		c.HybridAlpha = f
	}
	if v, ok := lookup("SWITCHBOARD_CODEC_KEYS"); ok && v != "" {
		keys, err := parseCodecKeys(v)
		if err != nil {
			errs = append(errs, "SWITCHBOARD_CODEC_KEYS: "+err.Error())
		}
		c.CodecKeys = keys
	}
	str("SWITCHBOARD_CODEC_KEY_ID", &c.CodecKeyID)
	if v, ok := lookup("SWITCHBOARD_SECRETS_KEYS"); ok && v != "" {
		keys, err := parseCodecKeys(v)
		if err != nil {
			errs = append(errs, "SWITCHBOARD_SECRETS_KEYS: "+err.Error())
		}
		c.SecretsKeys = keys
	}
	str("SWITCHBOARD_SECRETS_KEY_ID", &c.SecretsKeyID)
	readDelivery(lookup, &c.Delivery, c.set, &errs)
	if v, ok := lookup("SWITCHBOARD_CODEC_ORIGINS"); ok && v != "" {
		c.CodecOrigins = nil
		for _, origin := range strings.Split(v, ",") {
			if origin = strings.TrimSpace(origin); origin != "" {
				c.CodecOrigins = append(c.CodecOrigins, origin)
			}
		}
	}
	readOperations(lookup, &c.Ops, c.set, &errs)
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// parseCodecKeys reads "id:base64,id:base64". Its errors never quote a
// key.
func parseCodecKeys(v string) ([]CodecKey, error) {
	var keys []CodecKey
	for i, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		id, b64, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("entry %d is not id:base64key", i+1)
		}
		secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("key %q is not standard base64", strings.TrimSpace(id))
		}
		keys = append(keys, CodecKey{ID: strings.TrimSpace(id), Secret: secret})
	}
	return keys, nil
}

// IsSet reports whether the environment set the named variable.
func (c Config) IsSet(name string) bool { return c.set[name] }

// Validate checks every field and names the first bad one with its variable.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return fmt.Errorf("SWITCHBOARD_HTTP_ADDR: %q is not host:port", c.HTTPAddr)
	}
	if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
		return fmt.Errorf("TEMPORAL_ADDRESS: %q is not host:port", c.TemporalAddress)
	}
	if c.TemporalNamespace == "" {
		return fmt.Errorf("TEMPORAL_NAMESPACE: must not be empty")
	}
	if c.TaskQueue == "" {
		return fmt.Errorf("SWITCHBOARD_TASK_QUEUE: must not be empty")
	}
	if u, err := url.Parse(c.WeaviateURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("WEAVIATE_URL: %q is not an http(s) URL", c.WeaviateURL)
	}
	if c.WeaviateGRPCAddress != "" {
		if _, _, err := net.SplitHostPort(c.WeaviateGRPCAddress); err != nil {
			return fmt.Errorf("WEAVIATE_GRPC_ADDRESS: %q is not host:port", c.WeaviateGRPCAddress)
		}
	}
	if c.LLMBaseURL != "" {
		if u, err := url.Parse(c.LLMBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("LLM_BASE_URL: %q is not an http(s) URL", c.LLMBaseURL)
		}
		if c.LLMModel == "" {
			return fmt.Errorf("LLM_MODEL: must be set when LLM_BASE_URL is")
		}
	}
	if c.LLMTimeout <= 0 {
		return fmt.Errorf("LLM_TIMEOUT: must be positive")
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("SWITCHBOARD_MAX_BODY_BYTES: must be at least 1024")
	}
	if err := c.Limits.validate(); err != nil {
		return err
	}
	if c.SourceMaxBytes < 1024 {
		return fmt.Errorf("SWITCHBOARD_SOURCE_MAX_BYTES: must be at least 1024")
	}
	if c.FetchTimeout <= 0 {
		return fmt.Errorf("SWITCHBOARD_FETCH_TIMEOUT: must be positive")
	}
	if c.EmbeddingsBaseURL != "" {
		if u, err := url.Parse(c.EmbeddingsBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("EMBEDDINGS_BASE_URL: %q is not an http(s) URL", c.EmbeddingsBaseURL)
		}
		if c.EmbeddingsModel == "" {
			return fmt.Errorf("EMBEDDINGS_MODEL: must be set when EMBEDDINGS_BASE_URL is")
		}
	}
	if math.IsNaN(c.HybridAlpha) || c.HybridAlpha < 0 || c.HybridAlpha > 1 {
		return fmt.Errorf("SEARCH_HYBRID_ALPHA: %v is not between 0 and 1", c.HybridAlpha)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("SWITCHBOARD_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if err := c.Ops.validate(); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		if _, _, err := ParseDatabaseURL(c.DatabaseURL); err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
	}
	if err := c.validateCodec(); err != nil {
		return err
	}
	if err := c.Delivery.validate(); err != nil {
		return err
	}
	for name, port := range map[string]int{
		"SWITCHBOARD_DEV_TEMPORAL_PORT":    c.DevTemporalPort,
		"SWITCHBOARD_DEV_TEMPORAL_UI_PORT": c.DevTemporalUIPort,
		"SWITCHBOARD_DEV_WEAVIATE_PORT":    c.DevWeaviatePort,
	} {
		if port < 1 || port > 65535-5 {
			return fmt.Errorf("%s: %d is not a usable port", name, port)
		}
	}
	return nil
}

// codecKeyID is what a codec key ID may be (codec.New checks the same).
var codecKeyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// validateCodec checks the codec's keys and origins.
func (c Config) validateCodec() error {
	seen := map[string]bool{}
	for _, k := range c.CodecKeys {
		if !codecKeyID.MatchString(k.ID) {
			return fmt.Errorf("SWITCHBOARD_CODEC_KEYS: key ID %q: use 1 to 64 letters, digits, '.', '_' or '-'", k.ID)
		}
		if seen[k.ID] {
			return fmt.Errorf("SWITCHBOARD_CODEC_KEYS: key ID %q is listed twice", k.ID)
		}
		seen[k.ID] = true
		if len(k.Secret) != 32 {
			return fmt.Errorf("SWITCHBOARD_CODEC_KEYS: key %q is %d bytes; AES-256 needs 32 (openssl rand -base64 32)", k.ID, len(k.Secret))
		}
	}
	switch {
	case len(c.CodecKeys) == 0 && c.CodecKeyID != "":
		return fmt.Errorf("SWITCHBOARD_CODEC_KEY_ID: set, but SWITCHBOARD_CODEC_KEYS lists no key")
	case len(c.CodecKeys) > 1 && c.CodecKeyID == "":
		return fmt.Errorf("SWITCHBOARD_CODEC_KEY_ID: must name the key that encrypts when SWITCHBOARD_CODEC_KEYS lists several")
	case c.CodecKeyID != "" && !seen[c.CodecKeyID]:
		return fmt.Errorf("SWITCHBOARD_CODEC_KEY_ID: %q is not a key ID of SWITCHBOARD_CODEC_KEYS", c.CodecKeyID)
	}
	for _, origin := range c.CodecOrigins {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("SWITCHBOARD_CODEC_ORIGINS: %q is not an origin like http://localhost:8233 (scheme, host and port, no path or trailing slash)", origin)
		}
	}
	return nil
}

// ValidateProduction is Validate plus what the server and worker need beyond
// the dev command: a PostgreSQL database shared by every instance.
func (c Config) ValidateProduction() error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL: must be set for the server and the worker (a PostgreSQL URL, or sqlite:PATH for a single machine)")
	}
	return nil
}

// Database kinds returned by ParseDatabaseURL.
const (
	DatabasePostgres = "postgres"
	DatabaseSQLite   = "sqlite"
)

// ParseDatabaseURL splits a DATABASE_URL into its kind and the DSN its driver
// takes: postgres:// and postgresql:// URLs and key=value DSNs are PostgreSQL,
// sqlite:PATH (or sqlite://PATH) is the embedded database.
func ParseDatabaseURL(raw string) (kind, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "sqlite://"):
		dsn = strings.TrimPrefix(raw, "sqlite://")
	case strings.HasPrefix(raw, "sqlite:"):
		dsn = strings.TrimPrefix(raw, "sqlite:")
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"), strings.Contains(raw, "="):
		return DatabasePostgres, raw, nil
	default:
		return "", "", fmt.Errorf("%q is neither a postgres:// URL, a key=value DSN nor sqlite:PATH", raw)
	}
	if dsn == "" {
		return "", "", fmt.Errorf("sqlite: needs a file path")
	}
	return DatabaseSQLite, dsn, nil
}

// EffectiveDatabaseURL is DatabaseURL, or the embedded SQLite file in DataDir.
func (c Config) EffectiveDatabaseURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "switchboard.db")
}

// Limits are the API's abuse limits. Each rate is a token bucket kept in the
// database, so it holds across every API server: it holds a minute's worth
// of tokens, which a client may spend at once, and refills evenly over the
// minute. A refused request gets 429 with Retry-After.
type Limits struct {
	// KeyMessages is how many customer messages a minute one API key (a
	// widget key, or an admin's sandbox) or one webhook channel may send
	// (SWITCHBOARD_LIMIT_KEY_MESSAGES).
	KeyMessages int
	// KeyConversations is how many new conversations a minute one API key
	// or webhook channel may start (SWITCHBOARD_LIMIT_KEY_CONVERSATIONS).
	KeyConversations int
	// AddressMessages is how many customer messages a minute one client
	// address may send to a workspace (SWITCHBOARD_LIMIT_ADDRESS_MESSAGES).
	AddressMessages int
	// AddressConversations is how many new conversations a minute one
	// client address may start in a workspace
	// (SWITCHBOARD_LIMIT_ADDRESS_CONVERSATIONS).
	AddressConversations int
	// ConversationMessages is how many customer messages a minute one
	// conversation takes (SWITCHBOARD_LIMIT_CONVERSATION_MESSAGES).
	ConversationMessages int
	// EventStreams is how many rep event streams one API key may hold open
	// at once, over every API server (SWITCHBOARD_LIMIT_EVENT_STREAMS).
	EventStreams int
	// TrustedProxies are the load balancers (IP addresses or CIDR ranges)
	// whose X-Forwarded-For or X-Real-IP header names the client's address
	// (SWITCHBOARD_TRUSTED_PROXIES, comma-separated). Empty: the address a
	// request comes from is the client's, so a client cannot choose its
	// address by sending the header.
	TrustedProxies []string
}

// DefaultLimits are the limits a deployment gets without setting any: room
// for a busy site's widget (10 messages a second) and for a person typing,
// while one address or one script cannot start more than a few dozen
// conversations a minute.
func DefaultLimits() Limits {
	return Limits{
		KeyMessages:          600,
		KeyConversations:     120,
		AddressMessages:      60,
		AddressConversations: 20,
		ConversationMessages: 20,
		EventStreams:         10,
	}
}

// maxLimit bounds every limit: beyond it, a limit would be no limit.
const maxLimit = 1_000_000

func (l Limits) validate() error {
	for _, f := range []struct {
		name  string
		value int
	}{
		{"SWITCHBOARD_LIMIT_KEY_MESSAGES", l.KeyMessages},
		{"SWITCHBOARD_LIMIT_KEY_CONVERSATIONS", l.KeyConversations},
		{"SWITCHBOARD_LIMIT_ADDRESS_MESSAGES", l.AddressMessages},
		{"SWITCHBOARD_LIMIT_ADDRESS_CONVERSATIONS", l.AddressConversations},
		{"SWITCHBOARD_LIMIT_CONVERSATION_MESSAGES", l.ConversationMessages},
		{"SWITCHBOARD_LIMIT_EVENT_STREAMS", l.EventStreams},
	} {
		if f.value < 1 || f.value > maxLimit {
			return fmt.Errorf("%s: %d is not between 1 and %d", f.name, f.value, maxLimit)
		}
	}
	for _, p := range l.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("SWITCHBOARD_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	return nil
}
