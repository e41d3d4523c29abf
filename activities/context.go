package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/actions"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/understand"
)

// PreviousConversation is a resolved conversation of the same contact about
// the same issue, recent enough to be reopened.
type PreviousConversation struct {
	RowID      string
	ExternalID string
	EndedAt    time.Time
}

// LoadContextInput asks for what one turn needs to know.
type LoadContextInput struct {
	WorkspaceID    string
	ConversationID string
	WorkflowID     string
	// ChannelID is the conversation's channel; its settings apply on the
	// first turn.
	ChannelID string
	// VerifiedEmail is the email the customer proved (see
	// workflows.Identity); the contact is loaded by it alone, so an email
	// someone only typed unlocks no tier, order or account data.
	VerifiedEmail string
	Text          string
	// First is true on the conversation's first turn: the result then also
	// carries the published rule set versions, the credit balance and any
	// conversation to reopen.
	First bool
	// IssueType is the issue type known so far.
	IssueType string
	// ConfigDigest is the digest of the workspace configuration the
	// conversation holds from an earlier turn ("" for none): when the
	// configuration is still the same, the result leaves it out.
	ConfigDigest string
	// Rehearsal, in a rehearsal's test conversation, is the rehearsal
	// whose configuration drafts (agent settings, issue types) replace the
	// workspace's.
	Rehearsal string `json:",omitempty"`
	// Classify asks for the message's issue type too, when the workspace
	// has issue types (Issue): classified alongside the reads, the turn
	// waits for one step instead of two.
	Classify bool `json:",omitempty"`
	// ConversationOrder is the order the conversation is about, the last
	// one a message named: a message asking for an action on an order
	// ("can I return it?") that names none is about that one.
	ConversationOrder string `json:",omitempty"`
}

// WorkspaceConfig is the part of a turn's context that an admin sets and
// that seldom changes.
type WorkspaceConfig struct {
	Settings decide.Settings
	Teams    map[string]decide.Team
	// Lead is how sales inquiries are qualified; nil when disabled.
	Lead *decide.LeadConfig
	// HasIssueTypes is set when the workspace defined issue types: the turn
	// then classifies the message.
	HasIssueTypes bool
}

// LoadContextResult is the turn's context.
type LoadContextResult struct {
	Contact  *decide.Contact
	Order    *decide.Order
	Analysis understand.Analysis
	// OrderFromConversation is set when the message names no order but
	// asks for an action on one: Analysis.OrderNumber and Order are then
	// the conversation's (LoadContextInput.ConversationOrder).
	OrderFromConversation bool `json:",omitempty"`
	// DefaultLanguage is the workspace's default language when the agent
	// speaks it ("de" for "de-AT"; understand.Spoken), "" otherwise: the
	// conversation's language until a message's says otherwise.
	DefaultLanguage string `json:",omitempty"`
	// IssueType comes from the CRM (the contact's latest ticket) until issue
	// detection lands; empty when unknown.
	IssueType string
	// WorkspaceConfig is embedded: its fields cross Temporal at the top
	// level, as histories recorded before it was a type of its own.
	WorkspaceConfig
	// LocalGeneration is set when answers are generated in-process without
	// a network call (the extractive answerer): the workflow then runs
	// Generate as a local activity and saves a round trip.
	LocalGeneration bool
	// ModelAgent is set when a model that calls tools runs the turn
	// (AgentStep); unset, the agent works offline.
	ModelAgent bool `json:",omitempty"`
	// ConfigDigest identifies the WorkspaceConfig; empty on the first turn,
	// whose settings carry the channel's inactivity. ConfigOmitted is set
	// when the WorkspaceConfig was left out (zero) because the input's
	// ConfigDigest matched: the conversation
	// uses the configuration it holds. The result is recorded in the
	// conversation's history on every turn, and the configuration seldom
	// changes.
	ConfigDigest  string `json:",omitempty"`
	ConfigOmitted bool   `json:",omitempty"`

	// First turn only.
	HandoffVersion int
	RoutingVersion int
	CreditBalance  int
	Previous       *PreviousConversation
	// Issue is the message's issue type, when Classify asked for it and
	// the workspace has issue types (nil otherwise).
	Issue *ClassifyIssueResult `json:",omitempty"`

	// Channel is what the channel's settings decided (whether the agent
	// takes the conversation, what inactivity does); nil when the channel
	// has none, which keeps the behaviour from before channel settings.
	// Settings.Inactivity already holds the channel's timeout, if it sets one.
	Channel *decide.ChannelPolicy
}

// LoadContext reads the contact, the order in question, the agent settings,
// the teams and (on the first turn) the published rule versions, the credit
// balance and the channel's settings, and analyses the message. It only
// reads: run it as a local activity.
func (a *Activities) LoadContext(ctx context.Context, in LoadContextInput) (LoadContextResult, error) {
	db := a.DB.WithContext(ctx)
	var out LoadContextResult
	out.LocalGeneration = a.localGeneration()
	out.ModelAgent = a.Agent != nil

	// The workspace's configuration (cached between turns while its
	// version stays) is read side by side with what depends on the
	// message: the contact, and the order it names.
	var cfg *workspaceConfig
	var ws models.Workspace // its balance and language, read with the configuration's version
	// The issue type, alongside the rest. It is classified only for a
	// workspace with issue types, which the configuration says; the
	// configuration's version says whether the examples changed.
	var classified errgroup.Group
	var issue *ClassifyIssueResult
	classify := func(configVersion int64) {
		classified.Go(func() error {
			res, err := a.classifyIssue(ctx, ClassifyIssueInput{
				WorkspaceID: in.WorkspaceID, Text: in.Text, Rehearsal: in.Rehearsal,
			}, configVersion)
			issue = &res
			return err
		})
	}
	defer classified.Wait() // on an early return
	var g errgroup.Group
	g.Go(func() (err error) {
		cfg, ws, err = a.configs.load(db, in.WorkspaceID)
		if err == nil && in.Classify && in.Rehearsal == "" && cfg.config.HasIssueTypes {
			classify(cfg.version)
		}
		return err
	})
	if in.VerifiedEmail != "" {
		g.Go(func() (err error) {
			out.Contact, err = loadContact(db, in.WorkspaceID, in.VerifiedEmail)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return out, err
	}
	if in.Rehearsal != "" {
		version := cfg.version
		var err error
		if cfg, err = rehearsedConfig(db, in.WorkspaceID, in.Rehearsal, cfg); err != nil {
			return out, err
		}
		if in.Classify && cfg.config.HasIssueTypes {
			classify(version)
		}
	}
	if err := a.loadCustomer(db, in, cfg.orderPrefixes, &out); err != nil {
		return out, err
	}
	out.WorkspaceConfig = cfg.config
	out.DefaultLanguage = understand.Spoken(ws.DefaultLanguage)
	out.IssueType = in.IssueType
	if out.IssueType == "" && out.Contact != nil {
		out.IssueType = out.Contact.LastTicketIssueType
	}

	if !in.First {
		out.ConfigDigest = cfg.digest
		if in.ConfigDigest == cfg.digest {
			out.ConfigOmitted = true
			out.WorkspaceConfig = WorkspaceConfig{}
		}
		err := classified.Wait()
		if cfg.config.HasIssueTypes {
			out.Issue = issue
		}
		return out, err
	}
	// The first turn's own reads, side by side too.
	var (
		first           errgroup.Group
		handoff, route  int
		previous        *PreviousConversation
		policy          *decide.ChannelPolicy
		channelSettings *models.ChannelSettings
	)
	first.Go(func() (err error) {
		handoff, route, err = publishedVersions(db, in.WorkspaceID)
		return err
	})
	sofar := out
	first.Go(func() (err error) {
		previous, err = a.reopenable(db, in, sofar)
		return err
	})
	if in.ChannelID != "" {
		first.Go(func() (err error) {
			policy, channelSettings, err = loadChannelPolicy(db, in, sofar.Teams, time.Now())
			return err
		})
	}
	if err := first.Wait(); err != nil {
		return out, err
	}
	if err := classified.Wait(); err != nil {
		return out, err
	}
	if cfg.config.HasIssueTypes {
		out.Issue = issue
	}
	out.HandoffVersion, out.RoutingVersion, out.CreditBalance, out.Previous = handoff, route, int(ws.CreditBalance), previous
	out.Channel = policy
	if channelSettings != nil && channelSettings.InactivitySeconds > 0 {
		out.Settings.Inactivity = time.Duration(channelSettings.InactivitySeconds) * time.Second
	} else {
		// The configuration as read, which the conversation may hold: its
		// second turn then leaves it out too.
		out.ConfigDigest = cfg.digest
	}
	return out, nil
}

// loadCustomer analyses the message and reads the order it is about, if
// any: the one it names, or the conversation's when it asks for an action
// on an order without naming one. The contact is read by the verified email
// alone (LoadContext), never by an email the message contains.
func (a *Activities) loadCustomer(db *gorm.DB, in LoadContextInput, prefixes []string, out *LoadContextResult) error {
	out.Analysis = understand.Analyze(in.Text, understand.Options{OrderPrefixes: prefixes})
	intent := actions.Spec{Kind: actions.KindBuiltin, Name: string(out.Analysis.Intent)}
	if out.Analysis.OrderNumber == "" && in.ConversationOrder != "" && actions.NeedsOrder(intent) {
		out.Analysis.OrderNumber, out.OrderFromConversation = in.ConversationOrder, true
	}
	if out.Analysis.OrderNumber != "" {
		var o struct {
			models.Order
			OwnerEmail string
		}
		res := db.Model(&models.Order{}).
			Select("orders.*, COALESCE(contacts.email, '') AS owner_email").
			Joins("LEFT JOIN contacts ON contacts.id = orders.contact_id").
			Where("orders.workspace_id = ? AND orders.number = ?", in.WorkspaceID, out.Analysis.OrderNumber).
			Limit(1).Scan(&o)
		if res.Error != nil {
			return fmt.Errorf("load order: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			out.Order = &decide.Order{
				ID: o.ID, Number: o.Number, Status: o.Status, TotalCents: o.TotalCents, Currency: o.Currency,
				PlacedAt: o.PlacedAt, ShippedAt: o.ShippedAt, DeliveredAt: o.DeliveredAt, ContactEmail: o.OwnerEmail,
			}
		}
	}
	return nil
}

// loadContact reads the workspace's contact with this email, its number of
// open orders and the issue type of its latest ticket, in one query; nil
// when there is none.
func loadContact(db *gorm.DB, workspaceID, email string) (*decide.Contact, error) {
	var c struct {
		models.Contact
		OpenOrders          int
		LastTicketIssueType string
	}
	res := db.Model(&models.Contact{}).
		Select(`contacts.*,
			(SELECT COUNT(*) FROM orders WHERE orders.contact_id = contacts.id AND orders.status IN ?) AS open_orders,
			COALESCE((SELECT tickets.issue_type FROM tickets WHERE tickets.contact_id = contacts.id
				ORDER BY tickets.created_at DESC LIMIT 1), '') AS last_ticket_issue_type`,
			[]string{models.OrderProcessing, models.OrderShipped, models.OrderDelayed}).
		Where("contacts.workspace_id = ? AND contacts.email = ?", workspaceID, strings.ToLower(email)).
		Limit(1).Scan(&c)
	if res.Error != nil {
		return nil, fmt.Errorf("load contact: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, nil
	}
	return &decide.Contact{
		ID: c.ID, Email: c.Email, Tier: c.Tier, LifecycleStage: c.LifecycleStage,
		CompanySize: c.CompanySize, EmailVerified: c.EmailVerified, Properties: c.Properties.V,
		OpenOrders: c.OpenOrders, LastTicketIssueType: c.LastTicketIssueType,
	}, nil
}

// reopenable finds the resolved conversation this one reopens: the same
// conversation ID (an earlier run) or the same contact about the same issue,
// ended within the reopen window.
func (a *Activities) reopenable(db *gorm.DB, in LoadContextInput, ctx LoadContextResult) (*PreviousConversation, error) {
	since := time.Now().UTC().Add(-ctx.Settings.ReopenWindow)
	q := db.Model(&models.Conversation{}).
		Where("workspace_id = ? AND resolved = ? AND reopened = ? AND ended_at >= ?", in.WorkspaceID, true, false, since)
	switch {
	case ctx.Contact != nil && ctx.IssueType != "":
		q = q.Where("external_id = ? OR (contact_id = ? AND issue_type = ?)", in.ConversationID, ctx.Contact.ID, ctx.IssueType)
	default:
		q = q.Where("external_id = ?", in.ConversationID)
	}
	var prev models.Conversation
	err := q.Order("ended_at DESC").Limit(1).Find(&prev).Error
	if err != nil {
		return nil, fmt.Errorf("find conversation to reopen: %w", err)
	}
	if prev.ID == "" || prev.EndedAt == nil {
		return nil, nil
	}
	return &PreviousConversation{RowID: prev.ID, ExternalID: prev.ExternalID, EndedAt: *prev.EndedAt}, nil
}

// publishedVersions reads the published hand-off and routing rule set
// versions (0 for none) in one query.
func publishedVersions(db *gorm.DB, workspaceID string) (handoff, routing int, err error) {
	var vs []models.RuleSetVersion
	err = db.Select("kind", "version").Where("workspace_id = ? AND kind IN ? AND state = ?", workspaceID,
		[]string{"handoff", "routing"}, models.RuleSetPublished).Find(&vs).Error
	if err != nil {
		return 0, 0, fmt.Errorf("published rules: %w", err)
	}
	for _, v := range vs {
		switch v.Kind {
		case "handoff":
			handoff = v.Version
		case "routing":
			routing = v.Version
		}
	}
	return handoff, routing, nil
}

// orderPrefixes are the workspace's order-number prefixes ("SP" of "SP-1001").
func orderPrefixes(db *gorm.DB, workspaceID string) ([]string, error) {
	var numbers []string
	if err := db.Model(&models.Order{}).Where("workspace_id = ?", workspaceID).Limit(50).Pluck("number", &numbers).Error; err != nil {
		return nil, fmt.Errorf("order prefixes: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range numbers {
		if p, _, ok := strings.Cut(n, "-"); ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}
