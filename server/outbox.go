package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// outboxJSON is an outbox message as staff see it: where it went and how
// its delivery is going.
type outboxJSON struct {
	ID                string     `json:"id"`
	Kind              string     `json:"kind"`
	Recipient         string     `json:"recipient"`
	Subject           string     `json:"subject,omitempty"`
	Status            string     `json:"status"`
	Attempts          int        `json:"attempts"`
	LastError         string     `json:"last_error,omitempty"`
	ProviderMessageID string     `json:"provider_message_id,omitempty"`
	ProviderStatus    string     `json:"provider_status,omitempty"`
	ChannelID         string     `json:"channel_id,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	SentAt            *time.Time `json:"sent_at,omitempty"`
}

// outboxRow is an outbox message with its channel, when it has one.
type outboxRow struct {
	models.OutboxMessage
	ChannelID string
}

func (r outboxRow) json() outboxJSON {
	return outboxJSON{
		ID: r.ID, Kind: r.Kind, Recipient: r.Recipient, Subject: r.Subject, Status: r.Status, Attempts: r.Attempts,
		LastError: r.LastError, ProviderMessageID: r.ProviderMessageID, ProviderStatus: r.ProviderStatus,
		ChannelID: r.ChannelID, CreatedAt: r.CreatedAt, SentAt: r.SentAt,
	}
}

// outboxQuery selects outbox messages with their channel.
func outboxQuery(db *gorm.DB) *gorm.DB {
	return db.Table("outbox_messages").
		Select("outbox_messages.*, channel_deliveries.channel_id AS channel_id").
		Joins("LEFT JOIN channel_deliveries ON channel_deliveries.outbox_message_id = outbox_messages.id")
}

var outboxStatuses = []string{models.OutboxQueued, models.OutboxSending, models.OutboxSent, models.OutboxFailed}

// listOutbox: GET /v1/outbox?status=&kind=&limit=. The workspace's outbox,
// newest first (at most limit, default 50, up to 500).
func (s *Server) listOutbox(c *gin.Context) {
	p := principal(c)
	q := outboxQuery(s.DB.WithContext(c.Request.Context())).Where("outbox_messages.workspace_id = ?", p.WorkspaceID)
	if status := c.Query("status"); status != "" {
		if !slices.Contains(outboxStatuses, status) {
			s.fail(c, apperr.Invalid("status", fmt.Sprintf("%q is not one of queued, sending, sent, failed", status)))
			return
		}
		q = q.Where("outbox_messages.status = ?", status)
	}
	if kind := c.Query("kind"); kind != "" {
		if len(kind) > 32 {
			s.fail(c, apperr.Invalid("kind", "longer than 32 characters"))
			return
		}
		q = q.Where("outbox_messages.kind = ?", kind)
	}
	limit := 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.fail(c, apperr.Invalid("limit", fmt.Sprintf("%q is not a number from 1 to 500", v)))
			return
		}
		limit = n
	}
	var rows []outboxRow
	if err := q.Order("outbox_messages.created_at DESC").Limit(limit).Scan(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	out := []outboxJSON{}
	for _, r := range rows {
		out = append(out, r.json())
	}
	c.JSON(http.StatusOK, gin.H{"messages": out})
}

// conversationDeliveries are the outbox messages sent to a conversation's
// customer (replies by email or whatsapp), oldest first.
func (s *Server) conversationDeliveries(ctx context.Context, convRowID string) ([]outboxJSON, error) {
	var rows []outboxRow
	if err := outboxQuery(s.DB.WithContext(ctx)).Where("channel_deliveries.conversation_id = ?", convRowID).
		Order("outbox_messages.created_at").Scan(&rows).Error; err != nil {
		return nil, err
	}
	var out []outboxJSON
	for _, r := range rows {
		out = append(out, r.json())
	}
	return out, nil
}
