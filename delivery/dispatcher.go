package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/models"
)

// DefaultMaxAge is how long a message may wait in the queue: one queued
// longer (a verification code from yesterday) fails instead of going out
// late.
const DefaultMaxAge = 24 * time.Hour

// Dispatcher starts a DeliverOutboxWorkflow for each queued outbox message
// it can deliver. Several may run (one per worker): a message's workflow ID
// is derived from its ID, so it starts once.
type Dispatcher struct {
	DB        *gorm.DB
	Temporal  client.Client
	TaskQueue string
	// Emails: an SMTP server is configured, so emails are delivered;
	// otherwise only those whose channel (or, for emails without one, whose
	// workspace's email channel) has its own SMTP server, and the others
	// stay queued for another mailer. Whatsapp replies are delivered when
	// their channel has Cloud API settings.
	Emails bool
	// Interval is the time between two looks at the queue (2 s when 0).
	Interval time.Duration
	// MaxAge is DefaultMaxAge when 0.
	MaxAge time.Duration
	// FirstRetry and MaxAttempts go to each workflow (DeliverInput).
	FirstRetry  time.Duration
	MaxAttempts int
	Log         *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// batchSize bounds the messages one look at the queue dispatches.
const batchSize = 100

// Run dispatches until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	interval := d.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.DispatchOnce(ctx); err != nil && ctx.Err() == nil && d.Log != nil {
			d.Log.Warn("outbox dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DispatchOnce starts the workflows of the queued messages and returns how
// many it started.
func (d *Dispatcher) DispatchOnce(ctx context.Context) (int, error) {
	now := time.Now().UTC()
	if d.Now != nil {
		now = d.Now().UTC()
	}
	maxAge := d.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	db := d.DB.WithContext(ctx)
	// What can be delivered: whatsapp replies of channels with Cloud API
	// settings; emails when an SMTP server is configured, or their
	// channel (for emails without one: their workspace's email channel)
	// has its own.
	byChannel := func(cond string) *gorm.DB {
		return db.Table("channel_deliveries AS cd").Select("cd.outbox_message_id").
			Joins("JOIN channel_providers AS cp ON cp.channel_id = cd.channel_id").Where(cond)
	}
	deliverable := db.Where("kind = ? AND id IN (?)", models.OutboxWhatsAppReply, byChannel("cp.whatsapp_phone_number_id <> ''"))
	if d.Emails {
		deliverable = deliverable.Or("kind <> ?", models.OutboxWhatsAppReply)
	} else {
		deliverable = deliverable.
			Or("kind <> ? AND id IN (?)", models.OutboxWhatsAppReply, byChannel("cp.smtp_addr <> ''")).
			Or("kind <> ? AND id NOT IN (?) AND workspace_id IN (?)", models.OutboxWhatsAppReply,
				db.Table("channel_deliveries").Select("outbox_message_id"),
				db.Table("channel_providers").Select("workspace_id").Where("smtp_addr <> ''"))
	}
	q := db.Where("status = ?", models.OutboxQueued).Where(deliverable)
	var rows []models.OutboxMessage
	if err := q.Order("created_at").Limit(batchSize).Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("find queued outbox messages: %w", err)
	}
	started := 0
	for _, row := range rows {
		if now.Sub(row.CreatedAt) > maxAge {
			err := db.Model(&models.OutboxMessage{}).Where("id = ? AND status = ?", row.ID, models.OutboxQueued).
				Updates(map[string]any{"status": models.OutboxFailed, "last_error": fmt.Sprintf("not delivered: queued more than %s ago", maxAge)}).Error
			if err != nil {
				return started, fmt.Errorf("expire outbox message: %w", err)
			}
			continue
		}
		_, err := d.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:        WorkflowID(row.ID),
			TaskQueue: d.TaskQueue,
			// A message's workflow runs once: a second dispatch finds the
			// running one, or is refused once it has closed.
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, DeliverOutboxWorkflow, DeliverInput{OutboxID: row.ID, FirstRetry: d.FirstRetry, MaxAttempts: d.MaxAttempts})
		var already *serviceerror.WorkflowExecutionAlreadyStarted
		if err != nil && !errors.As(err, &already) {
			return started, fmt.Errorf("start delivery of %s: %w", row.ID, err)
		}
		// The workflow has it: the next look at the queue passes it by. A
		// workflow that finished first has moved it on already.
		if err := db.Model(&models.OutboxMessage{}).Where("id = ? AND status = ?", row.ID, models.OutboxQueued).
			Update("status", models.OutboxSending).Error; err != nil {
			return started, fmt.Errorf("mark outbox message dispatched: %w", err)
		}
		started++
	}
	return started, nil
}
