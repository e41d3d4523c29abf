package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/models"
)

// The chat on a customer's site: the sites (origins) allowed to embed a
// channel's chat page in a frame (CSP frame-ancestors) and to call the
// widget's routes from their own scripts (CORS). A site is allowed for a
// channel when SWITCHBOARD_WIDGET_ORIGINS (Server.WidgetOrigins) or the
// channel's own list (PUT /v1/channels/{id}/widget-origins) names it.

// maxWidgetOrigins bounds a channel's list: a CSP header carries it.
const maxWidgetOrigins = 20

// widgetPaths are the routes a widget key calls, which answer CORS.
var widgetPaths = []string{
	"/v1/conversations/:conversationID/messages",
	"/v1/conversations/:conversationID/feedback",
	"/v1/conversations/:conversationID",
	"/v1/widget/channel",
}

// channelOrigins is the channel's own list (none when it has no row).
func (s *Server) channelOrigins(c *gin.Context, channelID string) ([]string, error) {
	var row models.WidgetOrigins
	err := s.DB.WithContext(c.Request.Context()).Where("channel_id = ?", channelID).Limit(1).Find(&row).Error
	return row.Origins.V, err
}

// originAllowed reports whether origin may embed the channel: the
// server's list, then the channel's.
func (s *Server) originAllowed(c *gin.Context, channelID, origin string) (bool, error) {
	if slices.Contains(s.WidgetOrigins, "*") || slices.Contains(s.WidgetOrigins, origin) {
		return true, nil
	}
	own, err := s.channelOrigins(c, channelID)
	return slices.Contains(own, origin), err
}

// chatFrameCSP is the chat page's policy: pageCSP with the sites that may
// frame it.
func (s *Server) chatFrameCSP(c *gin.Context, channelID string) (string, error) {
	ancestors := []string{"'self'"}
	if slices.Contains(s.WidgetOrigins, "*") {
		ancestors = []string{"*"}
	} else {
		own, err := s.channelOrigins(c, channelID)
		if err != nil {
			return "", err
		}
		for _, o := range slices.Concat(s.WidgetOrigins, own) {
			if !slices.Contains(ancestors, o) {
				ancestors = append(ancestors, o)
			}
		}
	}
	csp, _ := strings.CutSuffix(pageCSP, "frame-ancestors 'none'")
	return csp + "frame-ancestors " + strings.Join(ancestors, " "), nil
}

// widgetPreflight answers a browser's CORS preflight for a widget route.
// It carries no key, so it cannot tell the channel: it admits an origin
// that the server's list or any channel's list names, and the request
// itself is checked against its key's channel (allowWidgetOrigin).
func (s *Server) widgetPreflight(c *gin.Context) {
	origin := c.GetHeader("Origin")
	allowed := origin != "" && (slices.Contains(s.WidgetOrigins, "*") || slices.Contains(s.WidgetOrigins, origin))
	if !allowed && config.IsOrigin(origin) {
		var n int64
		// Origins are stored as a JSON array of strings: the quoted origin
		// is a whole element.
		err := s.DB.WithContext(c.Request.Context()).Model(&models.WidgetOrigins{}).
			Where("CAST(origins AS TEXT) LIKE ?", "%"+jsonString(origin)+"%").Count(&n).Error
		if err != nil {
			s.fail(c, err)
			return
		}
		allowed = n > 0
	}
	c.Header("Vary", "Origin")
	if !allowed {
		c.Status(http.StatusForbidden)
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
	h.Set("Access-Control-Max-Age", "600")
	c.Status(http.StatusNoContent)
}

// allowWidgetOrigin lets the calling site read the answer to a widget
// key's request when the key's channel allows the site. Without the
// header the browser withholds the answer from the site's script.
func (s *Server) allowWidgetOrigin(c *gin.Context, channelID string) {
	origin := c.GetHeader("Origin")
	if origin == "" {
		return
	}
	c.Writer.Header().Add("Vary", "Origin")
	ok, err := s.originAllowed(c, channelID, origin)
	if err != nil || !ok {
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-ID")
}

// jsonString is s as a JSON string literal, quotes included.
func jsonString(s string) string { return fmt.Sprintf("%q", s) }

type widgetOriginsJSON struct {
	Origins   []string   `json:"origins"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// getWidgetOrigins: GET /v1/channels/{id}/widget-origins.
func (s *Server) getWidgetOrigins(c *gin.Context) {
	id, err := s.widgetChannelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var row models.WidgetOrigins
	if err := s.DB.WithContext(c.Request.Context()).Where("channel_id = ?", id).Limit(1).Find(&row).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := widgetOriginsJSON{Origins: row.Origins.V}
	if out.Origins == nil {
		out.Origins = []string{}
	}
	if row.ChannelID != "" {
		out.UpdatedAt = &row.UpdatedAt
	}
	c.JSON(http.StatusOK, out)
}

// putWidgetOrigins: PUT /v1/channels/{id}/widget-origins {"origins": [...]}
// replaces the channel's list.
func (s *Server) putWidgetOrigins(c *gin.Context) {
	id, err := s.widgetChannelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req struct {
		Origins []string `json:"origins"`
	}
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if len(req.Origins) > maxWidgetOrigins {
		s.fail(c, apperr.Invalid("origins", fmt.Sprintf("at most %d origins", maxWidgetOrigins)))
		return
	}
	origins := []string{}
	for i, o := range req.Origins {
		if !config.IsOrigin(o) {
			s.fail(c, apperr.Invalid(fmt.Sprintf("origins[%d]", i),
				fmt.Sprintf("%q is not an origin like https://shop.example (scheme, host and port; no path, no trailing slash)", o)))
			return
		}
		if !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	row := models.WidgetOrigins{
		ChannelID: id, WorkspaceID: principal(c).WorkspaceID, Origins: models.NewJSON(origins), UpdatedAt: time.Now().UTC(),
	}
	err = s.DB.WithContext(c.Request.Context()).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "channel_id"}}, DoUpdates: clause.AssignmentColumns([]string{"origins", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, widgetOriginsJSON{Origins: origins, UpdatedAt: &row.UpdatedAt})
}

// widgetChannelParam is the route's channel, which must be a chat channel
// of the key's workspace.
func (s *Server) widgetChannelParam(c *gin.Context) (string, error) {
	id, err := channelParam(c)
	if err != nil {
		return "", err
	}
	ch, _, _, err := loadChannel(s.DB.WithContext(c.Request.Context()), principal(c).WorkspaceID, id)
	if err != nil {
		return "", err
	}
	if ch.Type != models.ChannelChat {
		return "", apperr.Invalid("channelID", "widget origins are for chat channels; this one is "+ch.Type)
	}
	return ch.ID, nil
}
