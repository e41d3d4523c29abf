package codec

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"go.temporal.io/sdk/converter"
)

// MaxRequestBytes caps a request to the codec server. Temporal refuses a
// payload over 2 MiB by default; the UI sends a few payloads at a time.
const MaxRequestBytes = 8 << 20

// SessionCookie holds a browser's API key for the codec server: the Temporal
// UI cannot send an Authorization header of its own, but sends cookies when
// its codec setting "Include cross-origin credentials" is on.
const SessionCookie = "switchboard_codec"

// SessionTTL is how long a browser stays signed in to the codec server.
const SessionTTL = 8 * time.Hour

// The sign-in page, for the auditor's browser.
//
//go:embed signin.html signin.js
var pages embed.FS

// pageCSP lets the sign-in page run only its own script and talk only to
// this server.
const pageCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// ServerOptions configure NewServer.
type ServerOptions struct {
	// AllowOrigins are the browser origins allowed to call the codec server
	// (the Temporal UI's, e.g. http://localhost:8233), exactly as a browser
	// sends them: scheme, host and port, no path or trailing slash.
	AllowOrigins []string
}

// Server is the codec server, mounted by the API under a path such as
// /codec, which Temporal's UI and CLI take as the codec endpoint:
//
//	POST /codec/encode, /codec/decode   Temporal's remote codec protocol: {"payloads": [...]} in and out
//	OPTIONS /codec/encode, /codec/decode  the CORS preflight of the Temporal UI
//	GET /codec                          the sign-in page, which sets the session cookie
//	POST /codec/session                 sets the session cookie to the request's API key
//	DELETE /codec/session               clears it
//
// Server checks no key itself: the API authenticates the POST routes
// (after Admit) and lets only auditors and admins through.
type Server struct {
	origins  map[string]bool
	protocol http.Handler
}

// NewServer returns the codec server for c.
func NewServer(c *Codec, o ServerOptions) *Server {
	s := &Server{origins: map[string]bool{}, protocol: converter.NewPayloadCodecHTTPHandler(c)}
	for _, origin := range o.AllowOrigins {
		s.origins[origin] = true
	}
	return s
}

// Admit prepares a request before the API checks its key. For an allowed
// origin it sets the CORS headers the Temporal UI needs (with credentials,
// and the X-Namespace header the UI sends); and a request without an
// Authorization header gets the API key of its session cookie as one.
func (s *Server) Admit(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); s.origins[origin] {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		h.Set("Access-Control-Max-Age", "600")
	}
	if r.Header.Get("Authorization") == "" {
		if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
			r.Header.Set("Authorization", "Bearer "+ck.Value)
		}
	}
}

// ServeHTTP answers the routes listed on Server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := path.Base(r.URL.Path)
	switch {
	case r.Method == http.MethodOptions && (op == "encode" || op == "decode"):
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && (op == "encode" || op == "decode"):
		s.serveProtocol(w, r)
	case r.Method == http.MethodGet && op == "signin.js":
		servePage(w, "signin.js", "text/javascript; charset=utf-8")
	case r.Method == http.MethodGet:
		servePage(w, "signin.html", "text/html; charset=utf-8")
	case r.Method == http.MethodPost && op == "session":
		key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.setSession(w, r, strings.TrimSpace(key), int(SessionTTL.Seconds()))
	case r.Method == http.MethodDelete && op == "session":
		s.setSession(w, r, "", -1)
	default:
		http.NotFound(w, r)
	}
}

// serveProtocol runs the SDK's codec HTTP handler on a body of at most
// MaxRequestBytes.
func (s *Server) serveProtocol(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			http.Error(w, "request body is larger than the codec server's limit", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.protocol.ServeHTTP(w, r)
}

// setSession sets (or, with maxAge -1, clears) the session cookie, scoped to
// the codec server's path and unreadable by scripts. SameSite=Strict: it
// travels only with requests from the same site, such as a Temporal UI on
// another port of the same host name.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, key string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: key, Path: path.Dir(r.URL.Path), MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
	})
	w.WriteHeader(http.StatusNoContent)
}

func servePage(w http.ResponseWriter, name, contentType string) {
	b, err := pages.ReadFile(name)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
