package server

import (
	"errors"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workspaces"
)

const (
	roleAdmin   = models.RoleAdmin
	roleRep     = models.RoleRep
	roleAuditor = models.RoleAuditor
	roleWidget  = models.RoleWidget
)

// Principal is who a request's API key belongs to.
type Principal struct {
	KeyID       string
	WorkspaceID string
	Role        string
	// ChannelID is set for widget keys: the one channel they post to.
	ChannelID string
	// Team is set for rep keys that serve one team.
	Team string
}

const principalKey = "switchboard.principal"

// eventStreamPath is the one route that accepts its API key as ?key=.
const eventStreamPath = "/v1/rep/events"

// auth authenticates the bearer key and allows only the given roles: no or
// unknown key → 401, another role → 403.
func (s *Server) auth(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		header := c.GetHeader("Authorization")
		// A browser's EventSource cannot send headers: the rep event stream
		// also takes the key from ?key= (and only that route does).
		if header == "" && c.FullPath() == eventStreamPath && c.Query("key") != "" {
			header = "Bearer " + c.Query("key")
		}
		token, ok := strings.CutPrefix(header, "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			s.fail(c, apperr.Errorf(apperr.EUNAUTHORIZED, "Authorization: expected \"Bearer <api key>\""))
			return
		}
		var key models.APIKey
		err := s.DB.WithContext(c.Request.Context()).
			Where("hash = ? AND revoked_at IS NULL", workspaces.HashKey(strings.TrimSpace(token))).
			Take(&key).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			s.fail(c, apperr.Errorf(apperr.EUNAUTHORIZED, "Authorization: unknown or revoked API key"))
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		if !slices.Contains(roles, key.Role) {
			s.fail(c, apperr.Errorf(apperr.EFORBIDDEN, "a %s key may not %s %s", key.Role, c.Request.Method, c.FullPath()))
			return
		}
		c.Set(principalKey, Principal{KeyID: key.ID, WorkspaceID: key.WorkspaceID, Role: key.Role, ChannelID: key.ChannelID, Team: key.Team})
		if key.Role == roleWidget {
			s.allowWidgetOrigin(c, key.ChannelID)
		}
		c.Next()
	}
}

func principal(c *gin.Context) Principal {
	return c.MustGet(principalKey).(Principal)
}

// HashKey is how API keys are stored (workspaces.HashKey).
func HashKey(key string) string { return workspaces.HashKey(key) }

// NewKey returns a new random API key for a role and its display prefix
// (workspaces.NewKey).
func NewKey(role string) (key, prefix string) { return workspaces.NewKey(role) }
