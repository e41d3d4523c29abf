package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/issuetypes"
	"github.com/switchboardhq/switchboard/knowledge"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/server"
)

// WorkspaceName is the demo workspace's name.
const WorkspaceName = "Sprocket Supply Co."

// Keys are the demo workspace's API keys, one per role. They exist in clear
// only here: the database keeps their hashes.
type Keys struct {
	Admin   string `json:"admin"`
	Rep     string `json:"rep"`
	Auditor string `json:"auditor"`
	Widget  string `json:"widget"`
}

// Seeded describes the demo workspace.
type Seeded struct {
	WorkspaceID string
	// ChannelID is the website chat's channel.
	ChannelID string
	// Webhooks are the email and whatsapp channels and the secrets their
	// inbound webhooks are signed with (none in a demo workspace seeded
	// before channels had settings).
	Webhooks []WebhookChannel
	// Created is true when this call created the workspace.
	Created bool
}

// WebhookChannel is a demo channel that receives messages by webhook.
type WebhookChannel struct {
	ChannelID string `json:"channel_id"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Secret    string `json:"secret"`
}

// Find returns the demo workspace if one exists.
func Find(ctx context.Context, db *gorm.DB) (Seeded, bool, error) {
	var ws models.Workspace
	err := db.WithContext(ctx).Where("demo = ?", true).Order("created_at").Take(&ws).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Seeded{}, false, nil
	}
	if err != nil {
		return Seeded{}, false, fmt.Errorf("find demo workspace: %w", err)
	}
	var ch models.Channel
	if err := db.WithContext(ctx).Where("workspace_id = ? AND type = ?", ws.ID, models.ChannelChat).
		Order("created_at").Take(&ch).Error; err != nil {
		return Seeded{}, false, fmt.Errorf("find demo channel: %w", err)
	}
	webhooks, err := findWebhooks(db.WithContext(ctx), ws.ID)
	if err != nil {
		return Seeded{}, false, err
	}
	return Seeded{WorkspaceID: ws.ID, ChannelID: ch.ID, Webhooks: webhooks}, true, nil
}

// findWebhooks lists the workspace's channels that receive webhooks, with
// their secrets.
func findWebhooks(db *gorm.DB, workspaceID string) ([]WebhookChannel, error) {
	var out []WebhookChannel
	err := db.Table("channels").
		Select("channels.id AS channel_id, channels.type, channels.name, channel_settings.webhook_secret AS secret").
		Joins("JOIN channel_settings ON channel_settings.channel_id = channels.id").
		Where("channels.workspace_id = ? AND channel_settings.webhook_secret <> ''", workspaceID).
		Order("channels.created_at, channels.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find demo webhook channels: %w", err)
	}
	return out, nil
}

// Seed creates the demo workspace in one transaction, unless one exists, and
// returns it with fresh API keys when it created it.
func Seed(ctx context.Context, db *gorm.DB, now time.Time) (Seeded, Keys, error) {
	if s, ok, err := Find(ctx, db); err != nil || ok {
		return s, Keys{}, err
	}
	wsID := uuid.NewString()
	chID := uuid.NewString()
	webhooks := []WebhookChannel{
		{ChannelID: uuid.NewString(), Type: models.ChannelEmail, Name: "Support email", Secret: webhookSecret()},
		{ChannelID: uuid.NewString(), Type: models.ChannelWhatsApp, Name: "WhatsApp", Secret: webhookSecret()},
	}
	var keys Keys
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows := []any{
			&models.Workspace{ID: wsID, Name: WorkspaceName, Demo: true, CreatedAt: now},
			&models.Channel{ID: chID, WorkspaceID: wsID, Type: "chat", Name: "Website chat", CreatedAt: now},
			&models.AgentSettings{
				WorkspaceID: wsID, AgentName: "Sprocket", Tone: "friendly, plain and brief",
				Guidelines: "Answer from our help articles only. Never promise delivery dates we have not published. " +
					"Do not discuss competitors' products.",
				TopicsToAvoid: models.NewJSON([]string{"competitor prices"}),
				ReusableResponses: models.NewJSON([]models.ReusableResponse{{
					Name:     "Opening hours",
					Triggers: []string{"opening hours", "when are you open"},
					Response: "Our online store is open around the clock. Our support team answers Monday to Friday, 9:00–17:00 Pacific time.",
				}}),
				ConfidenceThreshold: 0.5, DefaultTeam: "support",
				// The store's published return policy: 30 days, 14 for
				// wholesale orders.
				ReturnWindowDays: models.NewJSON(map[string]int{"default": 30, "wholesale": 14}),
				UpdatedAt:        now,
			},
			&models.Team{ID: uuid.NewString(), WorkspaceID: wsID, Key: "support", Name: "Customer support",
				WorkingHours: "mon-fri 09:00-17:00 America/Los_Angeles", AcceptSeconds: 300,
				FallbackMessage: "Our team is busy right now. Someone will follow up with you by email within one business day.",
				CreatedAt:       now},
			&models.Team{ID: uuid.NewString(), WorkspaceID: wsID, Key: "accounts", Name: "Account management",
				WorkingHours: "mon-fri 08:00-18:00 America/Los_Angeles", AcceptSeconds: 900, CreatedAt: now},
			&models.Team{ID: uuid.NewString(), WorkspaceID: wsID, Key: "sales", Name: "Sales",
				WorkingHours: "mon-fri 08:00-18:00 America/Los_Angeles", AcceptSeconds: 900, CreatedAt: now},
			&models.LeadSettings{WorkspaceID: wsID, Enabled: true, Questions: models.NewJSON(leadQuestions),
				ScoreExpression: leadScore, Threshold: 60, Team: "sales", UpdatedAt: now},
			&models.CreditEntry{ID: uuid.NewString(), WorkspaceID: wsID, Amount: 1000, Reason: "grant",
				IdempotencyKey: "grant:demo:" + wsID, CreatedAt: now},
		}
		rows = append(rows, channelRows(wsID, chID, webhooks, now)...)
		for _, r := range rows {
			if err := tx.Create(r).Error; err != nil {
				return err
			}
		}
		for _, b := range actions.Builtins() {
			row := models.Action{WorkspaceID: wsID, Name: b.Name, Kind: actions.KindBuiltin, Enabled: true, Protection: models.ProtectionVerified,
				Options: models.NewJSON(builtinOptions[b.Name])}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		var err error
		if keys, err = CreateKeys(tx, wsID, chID, now); err != nil {
			return err
		}
		for _, a := range articles {
			src := models.ContentSource{
				ID: uuid.NewString(), WorkspaceID: wsID, Kind: models.SourceKBArticle,
				Title: a.Title, URL: ArticleURLPrefix + a.Slug,
				Body: a.Body, Status: models.SourcePending, Bytes: len(a.Body), CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.Create(&src).Error; err != nil {
				return err
			}
		}
		contactIDs := map[string]string{}
		for _, c := range contacts {
			row := models.Contact{
				ID: uuid.NewString(), WorkspaceID: wsID, ExternalID: c.Email, Email: c.Email, Name: c.Name, Tier: c.Tier,
				LifecycleStage: c.Stage, CompanySize: c.CompanySize, EmailVerified: c.Verified,
				Properties: models.NewJSON(map[string]any{}), CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			contactIDs[c.Email] = row.ID
		}
		day := 24 * time.Hour
		for _, o := range orders {
			row := models.Order{
				ID: uuid.NewString(), WorkspaceID: wsID, ExternalID: o.Number, ContactID: contactIDs[o.Email], Number: o.Number,
				Status: o.Status, TotalCents: o.TotalCents, Currency: "USD",
				PlacedAt: now.Add(-time.Duration(o.PlacedDaysAgo) * day), UpdatedAt: now,
			}
			for _, it := range o.Items {
				row.Items.V = append(row.Items.V, models.OrderItem{SKU: it.SKU, Name: it.Name, Quantity: it.Qty})
			}
			if o.ShippedDaysAgo > 0 {
				t := now.Add(-time.Duration(o.ShippedDaysAgo) * day)
				row.ShippedAt = &t
			}
			if o.DeliveredDaysAgo > 0 {
				t := now.Add(-time.Duration(o.DeliveredDaysAgo) * day)
				row.DeliveredAt = &t
			}
			if t, ok := tracking[o.Number]; ok {
				row.Tracking = models.NewJSON(&t)
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		for _, p := range products {
			row := models.Product{
				ID: uuid.NewString(), WorkspaceID: wsID, ExternalID: p.SKU, Name: p.Name, SKU: p.SKU,
				PriceCents: p.PriceCents, Currency: "USD", Availability: p.Availability, CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		for _, it := range issueTypes {
			row := models.IssueType{ID: uuid.NewString(), WorkspaceID: wsID, Name: it.Name, Description: it.Description,
				CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			for _, text := range it.Examples {
				ex := models.IssueExample{ID: issuetypes.ExampleID(wsID, it.Name, text), WorkspaceID: wsID,
					IssueTypeID: row.ID, Text: text, CreatedAt: now}
				if err := tx.Create(&ex).Error; err != nil {
					return err
				}
			}
		}
		set := models.RuleSetVersion{
			ID: uuid.NewString(), WorkspaceID: wsID, Kind: "handoff", Version: 1,
			State: models.RuleSetPublished, PublishedAt: &now, CreatedAt: now,
		}
		for i, r := range handoffRules {
			set.Rules = append(set.Rules, models.Rule{
				ID: uuid.NewString(), Name: r.Name, Priority: (i + 1) * 10, Enabled: true,
				Condition: r.Condition, Mode: r.Mode, Team: r.Team, Message: r.Message,
			})
		}
		return tx.Create(&set).Error
	})
	if err != nil {
		return Seeded{}, Keys{}, fmt.Errorf("seed demo workspace: %w", err)
	}
	return Seeded{WorkspaceID: wsID, ChannelID: chID, Webhooks: webhooks, Created: true}, keys, nil
}

// CreateKeys creates one API key per role for the workspace (the widget key
// posts to channelID) and returns them in clear.
func CreateKeys(tx *gorm.DB, workspaceID, channelID string, now time.Time) (Keys, error) {
	var keys Keys
	for _, k := range []struct {
		role string
		dst  *string
	}{
		{models.RoleAdmin, &keys.Admin}, {models.RoleRep, &keys.Rep},
		{models.RoleAuditor, &keys.Auditor}, {models.RoleWidget, &keys.Widget},
	} {
		key, prefix := server.NewKey(k.role)
		row := models.APIKey{
			ID: uuid.NewString(), WorkspaceID: workspaceID, Name: "demo " + k.role,
			Role: k.role, Prefix: prefix, Hash: server.HashKey(key), CreatedAt: now,
		}
		if k.role == models.RoleWidget {
			row.ChannelID = channelID
		}
		if err := tx.Create(&row).Error; err != nil {
			return Keys{}, fmt.Errorf("create %s key: %w", k.role, err)
		}
		*k.dst = key
	}
	return keys, nil
}

// Index (re)indexes the workspace's knowledge-base articles in Weaviate and
// records each source's status and chunk count.
// Indexing is idempotent.
func Index(ctx context.Context, db *gorm.DB, store *knowledge.Store, workspaceID string) error {
	var sources []models.ContentSource
	if err := db.WithContext(ctx).Where("workspace_id = ? AND kind = ?", workspaceID, models.SourceKBArticle).
		Order("created_at, id").Find(&sources).Error; err != nil {
		return fmt.Errorf("load sources: %w", err)
	}
	for _, src := range sources {
		chunks := knowledge.SplitMarkdown(src.ID, src.Title, src.URL, src.Body)
		if err := store.ReplaceSource(ctx, workspaceID, src.ID, chunks); err != nil {
			db.WithContext(ctx).Model(&src).Updates(map[string]any{"status": models.SourceFailed, "status_reason": err.Error()})
			return fmt.Errorf("index %q: %w", src.Title, err)
		}
		now := time.Now().UTC()
		err := db.WithContext(ctx).Model(&src).Updates(map[string]any{
			"status": models.SourceReady, "status_reason": "", "chunks": len(chunks),
			"bytes": len(src.Body), "last_synced_at": now,
		}).Error
		if err != nil {
			return fmt.Errorf("record sync of %q: %w", src.Title, err)
		}
	}
	return nil
}
