package server

import (
	"embed"
	"io/fs"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
)

// static holds the admin pages (the dashboard, the rules editor, the agent,
// content, channels and people, customers and orders): their pages, their
// scripts, admin.js which they share, and their styles. Nothing is loaded
// from elsewhere; a page asks for an API key and calls the API with it.
//
//go:embed static/*.html static/*.js static/*.css
var static embed.FS

// dashboardCSP lets the page run only its own script and styles and talk
// only to this server.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// adminPage serves an admin page, e.g. GET /admin/rules with rules.html.
// The pages are public; what they read needs an admin or auditor key, what
// they change an admin key.
func (s *Server) adminPage(file string) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.serveStatic(c, file, "text/html; charset=utf-8")
	}
}

// staticTypes are the types of the files /admin/static/ serves, by
// extension: the pages' scripts and styles.
var staticTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// dashboardFile: GET /admin/static/{file}.
func (s *Server) dashboardFile(c *gin.Context) {
	name := c.Param("file")
	contentType, ok := staticTypes[path.Ext(name)]
	if _, err := fs.Stat(static, "static/"+name); !ok || err != nil {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no file %q", name))
		return
	}
	s.serveStatic(c, name, contentType)
}

func (s *Server) serveStatic(c *gin.Context, name, contentType string) {
	s.serveEmbedded(c, static, "static/"+name, contentType, dashboardCSP)
}

// serveEmbedded serves one embedded file of a page with its content security
// policy and headers that keep it from being sniffed, framed or cached stale.
func (s *Server) serveEmbedded(c *gin.Context, files embed.FS, path, contentType, csp string) {
	body, err := files.ReadFile(path)
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	c.Data(http.StatusOK, contentType, body)
}
