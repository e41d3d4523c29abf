package server

import (
	"embed"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
)

// web holds the pages for people: the customer chat widget, the rep inbox
// and the admin test sandbox, with their scripts and styles. Nothing is
// loaded from elsewhere; each page asks for an API key of its role and calls
// the API with it.
//
//go:embed web
var web embed.FS

// webFiles are the files /web/ serves, with their types.
var webFiles = map[string]string{
	"pages.css":  "text/css; charset=utf-8",
	"common.js":  "text/javascript; charset=utf-8",
	"chat.js":    "text/javascript; charset=utf-8",
	"rep.js":     "text/javascript; charset=utf-8",
	"sandbox.js": "text/javascript; charset=utf-8",
	"embed.js":   "text/javascript; charset=utf-8",
}

// pageCSP lets a page run only its own scripts and styles and talk only to
// this server; links to sources open elsewhere, which a CSP does not limit.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// chatPage: GET /chat/{channelID}#key=<widget key>. The key stays in the
// fragment, which the browser never sends to a server.
func (s *Server) chatPage(c *gin.Context) {
	if err := validID("channelID", c.Param("channelID")); err != nil {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no such page"))
		return
	}
	// Sites allowed for the channel may show the chat in a frame.
	csp, err := s.chatFrameCSP(c, c.Param("channelID"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveEmbedded(c, web, "web/chat.html", "text/html; charset=utf-8", csp)
}

// repPage: GET /rep, the rep inbox (a rep key).
func (s *Server) repPage(c *gin.Context) {
	s.serveWeb(c, "rep.html", "text/html; charset=utf-8")
}

// sandboxPage: GET /sandbox, the admin test sandbox (an admin key).
func (s *Server) sandboxPage(c *gin.Context) {
	s.serveWeb(c, "sandbox.html", "text/html; charset=utf-8")
}

// webFile: GET /web/{file}.
func (s *Server) webFile(c *gin.Context) {
	name := c.Param("file")
	contentType, ok := webFiles[name]
	if !ok {
		s.fail(c, apperr.Errorf(apperr.ENOTFOUND, "no file %q", name))
		return
	}
	s.serveWeb(c, name, contentType)
}

func (s *Server) serveWeb(c *gin.Context, name, contentType string) {
	s.serveEmbedded(c, web, "web/"+name, contentType, pageCSP)
}
