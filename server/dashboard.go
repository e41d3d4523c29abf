package server

import (
	"embed"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
)

// static holds the admin pages, the dashboard and the rules editor: their
// pages, scripts and the styles they share. Nothing is loaded from
// elsewhere; a page asks for an API key and calls the API with it.
//
//go:embed static/dashboard.html static/dashboard.js static/dashboard.css static/rules.html static/rules.js static/agent.html static/agent.js static/content.html static/content.js static/channels.html static/channels.js static/crm.html static/crm.js static/admin.js
var static embed.FS

// dashboardFiles are the files /admin/static/ serves, with their types.
var dashboardFiles = map[string]string{
	"dashboard.js":  "text/javascript; charset=utf-8",
	"dashboard.css": "text/css; charset=utf-8",
	"rules.js":      "text/javascript; charset=utf-8",
	"agent.js":      "text/javascript; charset=utf-8",
	"content.js":    "text/javascript; charset=utf-8",
	"channels.js":   "text/javascript; charset=utf-8",
	"crm.js":        "text/javascript; charset=utf-8",
	"admin.js":      "text/javascript; charset=utf-8",
}

// dashboardCSP lets the page run only its own script and styles and talk
// only to this server.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// dashboardPage: GET /admin/dashboard. The page is public; its data needs an
// admin or auditor key.
func (s *Server) dashboardPage(c *gin.Context) {
	s.serveStatic(c, "dashboard.html", "text/html; charset=utf-8")
}

// rulesPage: GET /admin/rules. The page is public; reading the rules needs
// an admin or auditor key, changing them an admin key.
func (s *Server) rulesPage(c *gin.Context) {
	s.serveStatic(c, "rules.html", "text/html; charset=utf-8")
}

// agentPage: GET /admin/agent, the agent's settings and actions. The page
// is public; reading needs an admin or auditor key, saving an admin key.
func (s *Server) agentPage(c *gin.Context) {
	s.serveStatic(c, "agent.html", "text/html; charset=utf-8")
}

// contentPage: GET /admin/content, the content sources. The page is
// public; reading needs an admin or auditor key, changing an admin key.
func (s *Server) contentPage(c *gin.Context) {
	s.serveStatic(c, "content.html", "text/html; charset=utf-8")
}

// channelsPage: GET /admin/channels, the channels, the people's keys and
// the teams. The page is public; reading needs an admin or auditor key,
// changing an admin key.
func (s *Server) channelsPage(c *gin.Context) {
	s.serveStatic(c, "channels.html", "text/html; charset=utf-8")
}

// crmPage: GET /admin/crm, the company's contacts, orders and products:
// imported from a file, looked up. The page is public; reading needs an
// admin or auditor key, importing an admin key.
func (s *Server) crmPage(c *gin.Context) {
	s.serveStatic(c, "crm.html", "text/html; charset=utf-8")
}

// dashboardFile: GET /admin/static/{file}.
func (s *Server) dashboardFile(c *gin.Context) {
	name := c.Param("file")
	contentType, ok := dashboardFiles[name]
	if !ok {
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
