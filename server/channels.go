package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/rules"
)

// The channel settings API: admins create, edit and delete the ways
// customers reach the agent and set how the agent works on each; auditors
// read them. Email and whatsapp channels receive messages by signed webhook
// (webhooks.go).

// Bounds of a channel's inactivity timeout.
const (
	minInactivity = time.Minute
	maxInactivity = 30 * 24 * time.Hour
)

var (
	channelTypes    = []string{models.ChannelChat, models.ChannelEmail, models.ChannelWhatsApp}
	mandatoryFields = []string{models.FieldEmail, models.FieldName, models.FieldPhone}
)

type agentHoursJSON struct {
	Mode     string `json:"mode"`
	Schedule string `json:"schedule,omitempty"`
	Team     string `json:"team,omitempty"`
}

type inactivityJSON struct {
	// After is a Go duration ("2h", "30m"); "" is the workspace's timeout.
	After  string `json:"after"`
	Action string `json:"action"`
}

// channelRequest creates (POST) or replaces (PUT) a channel. Omitted
// settings take their defaults.
type channelRequest struct {
	Type             string          `json:"type"`
	Name             string          `json:"name"`
	Team             string          `json:"team"`
	MandatoryFields  []string        `json:"mandatory_fields"`
	AgentHours       *agentHoursJSON `json:"agent_hours"`
	Inactivity       *inactivityJSON `json:"inactivity"`
	AgentShare       *int            `json:"agent_share"`
	ReplySuggestions *bool           `json:"reply_suggestions"`
}

type webhookJSON struct {
	// URL is the path the provider posts to, on this server.
	URL string `json:"url"`
	// Secret is shown only when it is created or rotated.
	Secret          string     `json:"secret,omitempty"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at,omitempty"`
}

type channelJSON struct {
	ID               string         `json:"id"`
	Type             string         `json:"type"`
	Name             string         `json:"name"`
	Team             string         `json:"team"`
	MandatoryFields  []string       `json:"mandatory_fields"`
	AgentHours       agentHoursJSON `json:"agent_hours"`
	Inactivity       inactivityJSON `json:"inactivity"`
	AgentShare       int            `json:"agent_share"`
	ReplySuggestions bool           `json:"reply_suggestions"`
	Webhook          *webhookJSON   `json:"webhook,omitempty"`
	// IdentityVerification says whether a chat channel verifies its
	// customers' identity tokens (see identity.go); the secret is shown only
	// when it is created or rotated.
	IdentityVerification    bool       `json:"identity_verification"`
	IdentitySecretRotatedAt *time.Time `json:"identity_secret_rotated_at,omitempty"`
	// WidgetKey is a new chat channel's widget key, shown once.
	WidgetKey string     `json:"widget_key,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// defaultChannelSettings are the settings of a channel that has no row: the
// behaviour from before channel settings existed.
func defaultChannelSettings(ch models.Channel) models.ChannelSettings {
	return models.ChannelSettings{
		ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID, AgentHoursMode: models.AgentHoursAlways,
		InactivityAction: models.InactivityClose, AgentShare: 100,
	}
}

// channelOut is a channel as the API shows it (never its secret).
func channelOut(ch models.Channel, st models.ChannelSettings, hasRow bool) channelJSON {
	out := channelJSON{
		ID: ch.ID, Type: ch.Type, Name: ch.Name, Team: st.Team, MandatoryFields: orEmpty(st.MandatoryFields.V),
		AgentHours: agentHoursJSON{Mode: st.AgentHoursMode, Schedule: st.AgentHoursSchedule, Team: st.AgentHoursTeam},
		Inactivity: inactivityJSON{Action: st.InactivityAction}, AgentShare: st.AgentShare,
		ReplySuggestions: !st.ReplySuggestionsOff, CreatedAt: ch.CreatedAt,
		IdentityVerification: st.IdentitySecret != "", IdentitySecretRotatedAt: st.IdentitySecretRotatedAt,
	}
	if out.AgentHours.Mode == "" {
		out.AgentHours.Mode = models.AgentHoursAlways
	}
	if out.Inactivity.Action == "" {
		out.Inactivity.Action = models.InactivityClose
	}
	if st.InactivitySeconds > 0 {
		out.Inactivity.After = (time.Duration(st.InactivitySeconds) * time.Second).String()
	}
	if hasRow {
		out.UpdatedAt = &st.UpdatedAt
	}
	if isWebhookChannel(ch.Type) {
		out.Webhook = &webhookJSON{URL: "/v1/webhooks/" + ch.ID, SecretRotatedAt: st.SecretRotatedAt}
	}
	return out
}

func isWebhookChannel(channelType string) bool {
	return channelType == models.ChannelEmail || channelType == models.ChannelWhatsApp
}

// validateChannel checks a request and returns the channel's new name, type
// and settings. current is the channel being replaced (nil when creating).
func (s *Server) validateChannel(ctx context.Context, workspaceID string, req channelRequest, current *models.Channel) (models.Channel, models.ChannelSettings, error) {
	ch := models.Channel{WorkspaceID: workspaceID, Type: req.Type, Name: strings.TrimSpace(req.Name)}
	if current != nil {
		ch.ID, ch.CreatedAt = current.ID, current.CreatedAt
		switch {
		case req.Type == "":
			ch.Type = current.Type
		case req.Type != current.Type:
			return ch, models.ChannelSettings{}, apperr.Invalid("type", fmt.Sprintf("cannot change from %q to %q; create a new channel instead", current.Type, req.Type))
		}
	}
	st := models.ChannelSettings{
		ChannelID: ch.ID, WorkspaceID: workspaceID, Team: req.Team, AgentShare: 100,
		AgentHoursMode: models.AgentHoursAlways, InactivityAction: models.InactivityClose,
	}
	switch {
	case ch.Type == "":
		return ch, st, apperr.Invalid("type", `must be "chat", "email" or "whatsapp"`)
	case !slices.Contains(channelTypes, ch.Type):
		return ch, st, apperr.Invalid("type", fmt.Sprintf(`%q is not a channel type: use "chat", "email" or "whatsapp"`, ch.Type))
	case ch.Name == "":
		return ch, st, apperr.Invalid("name", "must not be empty")
	case utf8.RuneCountInString(ch.Name) > 200:
		return ch, st, apperr.Invalid("name", "longer than 200 characters")
	}
	if req.Team != "" {
		if _, err := s.teamHours(ctx, workspaceID, "team", req.Team); err != nil {
			return ch, st, err
		}
	}

	seen := map[string]bool{}
	for i, f := range req.MandatoryFields {
		field := fmt.Sprintf("mandatory_fields[%d]", i)
		switch {
		case !slices.Contains(mandatoryFields, f):
			return ch, st, apperr.Invalid(field, fmt.Sprintf(`%q is not a field a chat can ask for: use "email", "name" or "phone"`, f))
		case seen[f]:
			return ch, st, apperr.Invalid(field, fmt.Sprintf("%q is listed twice", f))
		case ch.Type != models.ChannelChat:
			return ch, st, apperr.Invalid("mandatory_fields", "only a chat channel asks for fields before it starts (an email or whatsapp message names its sender)")
		}
		seen[f] = true
	}
	st.MandatoryFields = models.NewJSON(req.MandatoryFields)

	if h := req.AgentHours; h != nil {
		if err := s.validateAgentHours(ctx, workspaceID, *h); err != nil {
			return ch, st, err
		}
		if h.Mode != "" {
			st.AgentHoursMode = h.Mode
		}
		st.AgentHoursSchedule, st.AgentHoursTeam = strings.TrimSpace(h.Schedule), h.Team
	}

	if in := req.Inactivity; in != nil {
		if in.After != "" {
			d, err := time.ParseDuration(in.After)
			if err != nil {
				return ch, st, apperr.Invalid("inactivity.after", fmt.Sprintf("%q is not a duration like \"2h\" or \"30m\"", in.After))
			}
			if d < minInactivity || d > maxInactivity {
				return ch, st, apperr.Invalid("inactivity.after", fmt.Sprintf("must be between %s and %s (or \"\" for the workspace's timeout), got %s", minInactivity, maxInactivity, d))
			}
			st.InactivitySeconds = int(d / time.Second)
		}
		switch in.Action {
		case "", models.InactivityClose:
		case models.InactivityHandoff:
			st.InactivityAction = models.InactivityHandoff
		default:
			return ch, st, apperr.Invalid("inactivity.action", fmt.Sprintf(`%q is not an action: use "close" or "handoff" (to the channel's team)`, in.Action))
		}
	}

	if req.AgentShare != nil {
		if *req.AgentShare < 0 || *req.AgentShare > 100 {
			return ch, st, apperr.Invalid("agent_share", fmt.Sprintf("must be between 0 and 100, got %d", *req.AgentShare))
		}
		st.AgentShare = *req.AgentShare
	}
	st.ReplySuggestionsOff = req.ReplySuggestions != nil && !*req.ReplySuggestions
	return ch, st, nil
}

func (s *Server) validateAgentHours(ctx context.Context, workspaceID string, h agentHoursJSON) error {
	switch h.Mode {
	case "", models.AgentHoursAlways:
		if h.Schedule != "" {
			return apperr.Invalid("agent_hours.schedule", `only with mode "inside" or "outside"`)
		}
		if h.Team != "" {
			return apperr.Invalid("agent_hours.team", `only with mode "inside" or "outside"`)
		}
		return nil
	case models.AgentHoursInside, models.AgentHoursOutside:
	default:
		return apperr.Invalid("agent_hours.mode", fmt.Sprintf(`%q is not a mode: use "always", "inside" or "outside"`, h.Mode))
	}
	switch {
	case strings.TrimSpace(h.Schedule) == "" && h.Team == "":
		return apperr.Invalid("agent_hours", fmt.Sprintf("mode %q needs a schedule (\"mon-fri 09:00-17:00 Europe/Berlin\") or a team whose working hours to use", h.Mode))
	case h.Schedule != "" && h.Team != "":
		return apperr.Invalid("agent_hours.team", "give a schedule or a team, not both")
	case h.Team != "":
		hours, err := s.teamHours(ctx, workspaceID, "agent_hours.team", h.Team)
		if err != nil {
			return err
		}
		if hours == "" {
			return apperr.Invalid("agent_hours.team", fmt.Sprintf("team %q has no working hours", h.Team))
		}
		return nil
	}
	if err := rules.ValidateSchedule(h.Schedule); err != nil {
		return apperr.Invalid("agent_hours.schedule", err.Error())
	}
	return nil
}

// teamHours returns a team's working hours; an unknown team is an error
// naming the field.
func (s *Server) teamHours(ctx context.Context, workspaceID, field, key string) (string, error) {
	var team models.Team
	if err := s.DB.WithContext(ctx).Where("workspace_id = ? AND key = ?", workspaceID, key).Limit(1).Find(&team).Error; err != nil {
		return "", err
	}
	if team.ID == "" {
		return "", apperr.Invalid(field, fmt.Sprintf("no team %q in this workspace", key))
	}
	return team.WorkingHours, nil
}

// newWebhookSecret returns a random secret for a channel's inbound webhooks.
func newWebhookSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "whsec_" + hex.EncodeToString(b)
}

// loadChannel returns a channel of the workspace and its settings (the
// defaults when it has no row; hasRow says which).
func loadChannel(db *gorm.DB, workspaceID, id string) (ch models.Channel, st models.ChannelSettings, hasRow bool, err error) {
	err = db.Where("id = ? AND workspace_id = ?", id, workspaceID).Take(&ch).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ch, st, false, apperr.Errorf(apperr.ENOTFOUND, "channel not found")
	}
	if err != nil {
		return ch, st, false, err
	}
	if err := db.Where("channel_id = ?", ch.ID).Limit(1).Find(&st).Error; err != nil {
		return ch, st, false, err
	}
	if st.ChannelID == "" {
		return ch, defaultChannelSettings(ch), false, nil
	}
	return ch, st, true, nil
}

// channelSettings returns the settings of a channel of the workspace; a
// channel without a row (or the sandbox's) gets the defaults.
func (s *Server) channelSettings(ctx context.Context, workspaceID, channelID string) (models.ChannelSettings, error) {
	var st models.ChannelSettings
	err := s.DB.WithContext(ctx).Where("channel_id = ? AND workspace_id = ?", channelID, workspaceID).Limit(1).Find(&st).Error
	if err != nil || st.ChannelID != "" {
		return st, err
	}
	return defaultChannelSettings(models.Channel{ID: channelID, WorkspaceID: workspaceID}), nil
}

func channelParam(c *gin.Context) (string, error) {
	id := c.Param("channelID")
	return id, validID("channelID", id)
}

// listChannels lists the workspace's channels, oldest first.
func (s *Server) listChannels(c *gin.Context) {
	p := principal(c)
	db := s.DB.WithContext(c.Request.Context())
	var channels []models.Channel
	if err := db.Where("workspace_id = ?", p.WorkspaceID).Order("created_at, id").Find(&channels).Error; err != nil {
		s.fail(c, err)
		return
	}
	var rows []models.ChannelSettings
	if err := db.Where("workspace_id = ?", p.WorkspaceID).Find(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	settings := map[string]models.ChannelSettings{}
	for _, r := range rows {
		settings[r.ChannelID] = r
	}
	out := make([]channelJSON, 0, len(channels))
	for _, ch := range channels {
		st, ok := settings[ch.ID]
		if !ok {
			st = defaultChannelSettings(ch)
		}
		out = append(out, channelOut(ch, st, ok))
	}
	c.JSON(http.StatusOK, gin.H{"channels": out})
}

// getChannel returns one channel.
func (s *Server) getChannel(c *gin.Context) {
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ch, st, hasRow, err := loadChannel(s.DB.WithContext(c.Request.Context()), principal(c).WorkspaceID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, channelOut(ch, st, hasRow))
}

// createChannel adds a channel → 201. An email or whatsapp channel gets its
// webhook secret, a chat channel a widget key: each is shown only now.
func (s *Server) createChannel(c *gin.Context) {
	p := principal(c)
	var req channelRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	ch, st, err := s.validateChannel(c.Request.Context(), p.WorkspaceID, req, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	now := time.Now().UTC()
	ch.ID, ch.CreatedAt = uuid.NewString(), now
	st.ChannelID, st.UpdatedAt = ch.ID, now
	secret, widgetKey := "", ""
	if isWebhookChannel(ch.Type) {
		secret = newWebhookSecret()
		st.WebhookSecret, st.SecretRotatedAt = secret, &now
	}
	err = s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&ch).Error; err != nil {
			return fmt.Errorf("create channel: %w", err)
		}
		if err := tx.Create(&st).Error; err != nil {
			return fmt.Errorf("create channel settings: %w", err)
		}
		if ch.Type != models.ChannelChat {
			return nil
		}
		key, prefix := NewKey(models.RoleWidget)
		row := models.APIKey{
			ID: uuid.NewString(), WorkspaceID: p.WorkspaceID, Name: "widget: " + ch.Name, Role: models.RoleWidget,
			ChannelID: ch.ID, Prefix: prefix, Hash: HashKey(key), CreatedAt: now,
		}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("create widget key: %w", err)
		}
		widgetKey = key
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := channelOut(ch, st, true)
	out.WidgetKey = widgetKey
	if out.Webhook != nil {
		out.Webhook.Secret = secret
	}
	c.Header("Location", "/v1/channels/"+ch.ID)
	c.JSON(http.StatusCreated, out)
}

// updateChannel replaces a channel's name and settings (not its type, nor
// its webhook or identity secret: see rotate-secret and identity-secret).
func (s *Server) updateChannel(c *gin.Context) {
	p := principal(c)
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req channelRequest
	if err := s.readJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	current, old, _, err := loadChannel(s.DB.WithContext(c.Request.Context()), p.WorkspaceID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	ch, st, err := s.validateChannel(c.Request.Context(), p.WorkspaceID, req, &current)
	if err != nil {
		s.fail(c, err)
		return
	}
	st.WebhookSecret, st.SecretRotatedAt, st.UpdatedAt = old.WebhookSecret, old.SecretRotatedAt, time.Now().UTC()
	st.IdentitySecret, st.IdentitySecretRotatedAt = old.IdentitySecret, old.IdentitySecretRotatedAt
	err = s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.Channel{}).Where("id = ?", ch.ID).Update("name", ch.Name).Error; err != nil {
			return fmt.Errorf("rename channel: %w", err)
		}
		// Save writes every column, zero values included (a share of 0 %).
		if err := tx.Save(&st).Error; err != nil {
			return fmt.Errorf("save channel settings: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, channelOut(ch, st, true))
}

// deleteChannel deletes a channel and its settings and revokes its widget
// keys → 204. Its conversations stay readable.
func (s *Server) deleteChannel(c *gin.Context) {
	p := principal(c)
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if _, _, _, err := loadChannel(tx, p.WorkspaceID, id); err != nil {
			return err
		}
		now := time.Now().UTC()
		if err := tx.Model(&models.APIKey{}).Where("channel_id = ? AND workspace_id = ? AND revoked_at IS NULL", id, p.WorkspaceID).
			Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("revoke widget keys: %w", err)
		}
		if err := tx.Where("channel_id = ?", id).Delete(&models.ChannelSettings{}).Error; err != nil {
			return fmt.Errorf("delete channel settings: %w", err)
		}
		if err := tx.Where("channel_id = ?", id).Delete(&models.WidgetOrigins{}).Error; err != nil {
			return fmt.Errorf("delete widget origins: %w", err)
		}
		if err := tx.Where("id = ? AND workspace_id = ?", id, p.WorkspaceID).Delete(&models.Channel{}).Error; err != nil {
			return fmt.Errorf("delete channel: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// rotateChannelSecret replaces an email or whatsapp channel's webhook
// secret and shows the new one, once. The old secret stops working at once.
func (s *Server) rotateChannelSecret(c *gin.Context) {
	p := principal(c)
	id, err := channelParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var ch models.Channel
	var st models.ChannelSettings
	secret := newWebhookSecret()
	err = s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		var err error
		if ch, st, _, err = loadChannel(tx, p.WorkspaceID, id); err != nil {
			return err
		}
		if !isWebhookChannel(ch.Type) {
			return apperr.Errorf(apperr.ECONFLICT, "a %s channel receives no webhooks, so it has no secret", ch.Type)
		}
		now := time.Now().UTC()
		st.WebhookSecret, st.SecretRotatedAt, st.UpdatedAt = secret, &now, now
		if err := tx.Save(&st).Error; err != nil {
			return fmt.Errorf("save webhook secret: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := channelOut(ch, st, true)
	out.Webhook.Secret = secret
	c.JSON(http.StatusOK, out)
}

type widgetChannelJSON struct {
	ID              string   `json:"id"`
	Type            string   `json:"type"`
	Name            string   `json:"name"`
	MandatoryFields []string `json:"mandatory_fields"`
}

// widgetChannel tells the chat widget what its channel asks before a chat
// starts.
func (s *Server) widgetChannel(c *gin.Context) {
	p := principal(c)
	ch, st, _, err := loadChannel(s.DB.WithContext(c.Request.Context()), p.WorkspaceID, p.ChannelID)
	if apperr.Code(err) == apperr.ENOTFOUND {
		err = apperr.Errorf(apperr.EFORBIDDEN, "this widget key's channel no longer exists")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, widgetChannelJSON{ID: ch.ID, Type: ch.Type, Name: ch.Name, MandatoryFields: orEmpty(st.MandatoryFields.V)})
}
