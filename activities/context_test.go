package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/activities"
	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestLoadContextFollowsConfigChangesBetweenTurns(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		require.NoError(t, db.Create(&models.Workspace{ID: "ws-1", Name: "Shop"}).Error)
		require.NoError(t, db.Create(&models.AgentSettings{WorkspaceID: "ws-1", AgentName: "Sam", Tone: "warm",
			ConfidenceThreshold: 0.6}).Error)
		require.NoError(t, db.Create(&models.Team{ID: "t-1", WorkspaceID: "ws-1", Key: "support", Name: "Support"}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c-1", WorkspaceID: "ws-1", Email: "ada@example.com", Tier: "premium",
			Properties: models.NewJSON(map[string]any{"plan": "gold"})}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c-2", WorkspaceID: "ws-1", Email: "bob@example.com", Tier: "standard"}).Error)
		for i, o := range []models.Order{
			{ID: "o-1", Number: "SP-1001", ContactID: "c-1", Status: models.OrderShipped},
			{ID: "o-2", Number: "SP-1002", ContactID: "c-1", Status: models.OrderDelivered},
			{ID: "o-3", Number: "SP-1003", ContactID: "c-2", Status: models.OrderProcessing},
		} {
			o.WorkspaceID, o.PlacedAt = "ws-1", now.Add(-time.Duration(i)*time.Hour)
			require.NoError(t, db.Create(&o).Error)
		}
		require.NoError(t, db.Create(&models.Ticket{ID: "k-1", WorkspaceID: "ws-1", ContactID: "c-1", IssueType: "billing",
			CreatedAt: now.Add(-2 * time.Hour)}).Error)
		require.NoError(t, db.Create(&models.Ticket{ID: "k-2", WorkspaceID: "ws-1", ContactID: "c-1", IssueType: "shipping",
			CreatedAt: now.Add(-time.Hour)}).Error)

		a := &activities.Activities{DB: db, Generator: answer.Extractive{}}
		in := activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
			VerifiedEmail: "Ada@example.com", Text: "Where is order SP-1003?"}
		load := func() activities.LoadContextResult {
			t.Helper()
			out, err := a.LoadContext(ctx, in)
			require.NoError(t, err)
			return out
		}

		out := load()
		require.Equal(t, 0.6, out.Settings.ConfidenceThreshold)
		require.Contains(t, out.Teams, "support")
		require.False(t, out.HasIssueTypes)
		require.Equal(t, &decide.Contact{ID: "c-1", Email: "ada@example.com", Tier: "premium", Properties: map[string]any{"plan": "gold"},
			OpenOrders: 1, LastTicketIssueType: "shipping"}, out.Contact)
		require.Equal(t, "shipping", out.IssueType, "from the latest ticket")
		require.NotNil(t, out.Order)
		require.Equal(t, "SP-1003", out.Order.Number)
		require.Equal(t, "bob@example.com", out.Order.ContactEmail, "the order's own contact, for the identity check")

		// Each change made between two turns is in the next turn's context.
		require.NoError(t, db.Model(&models.AgentSettings{}).Where("workspace_id = ?", "ws-1").
			Update("confidence_threshold", 0.7).Error)
		require.Equal(t, 0.7, load().Settings.ConfidenceThreshold)

		require.NoError(t, db.Create(&models.Action{WorkspaceID: "ws-1", Name: decide.ActionOrderStatus, Kind: models.ActionBuiltin,
			Enabled: true, Protection: "verified"}).Error)
		got := load().Settings.Actions
		require.Len(t, got, 1)
		require.Equal(t, "verified", got[decide.ActionOrderStatus].Protection)
		require.Equal(t, "builtin", got[decide.ActionOrderStatus].Kind)

		require.NoError(t, db.Create(&models.Team{ID: "t-2", WorkspaceID: "ws-1", Key: "billing", Name: "Billing"}).Error)
		require.NoError(t, db.Delete(&models.Team{}, "id = ?", "t-1").Error)
		out = load()
		require.Contains(t, out.Teams, "billing")
		require.NotContains(t, out.Teams, "support")

		require.NoError(t, db.Create(&models.IssueType{ID: "i-1", WorkspaceID: "ws-1", Name: "billing"}).Error)
		require.True(t, load().HasIssueTypes)

		require.NoError(t, db.Create(&models.LeadSettings{WorkspaceID: "ws-1", Enabled: true, Threshold: 50, Team: "sales",
			Questions: models.NewJSON([]models.LeadQuestion{{Property: "employees", Question: "How many?", Kind: "number"}})}).Error)
		require.Equal(t, "sales", load().Lead.Team)

		// The contact is read on every turn.
		require.NoError(t, db.Model(&models.Contact{}).Where("id = ?", "c-1").Update("tier", "vip").Error)
		require.Equal(t, "vip", load().Contact.Tier)

		// So is the workspace's default language, as a language the agent
		// speaks or none.
		require.Equal(t, "en", load().DefaultLanguage, "the column's default")
		for tag, want := range map[string]string{"de-AT": "de", "pt-BR": "pt", "ja": ""} {
			require.NoError(t, db.Model(&models.Workspace{}).Where("id = ?", "ws-1").Update("default_language", tag).Error)
			require.Equal(t, want, load().DefaultLanguage, tag)
		}
	})
}

func TestLoadContextLeavesOutTheConfigurationTheTurnHolds(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		require.NoError(t, db.Create(&models.Workspace{ID: "ws-1", Name: "Shop"}).Error)
		require.NoError(t, db.Create(&models.AgentSettings{WorkspaceID: "ws-1", ConfidenceThreshold: 0.6}).Error)
		require.NoError(t, db.Create(&models.Team{ID: "t-1", WorkspaceID: "ws-1", Key: "support", Name: "Support"}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c-1", WorkspaceID: "ws-1", Email: "ada@example.com", Tier: "premium"}).Error)
		a := &activities.Activities{DB: db, Generator: answer.Extractive{}}
		load := func(first bool, digest string) activities.LoadContextResult {
			t.Helper()
			out, err := a.LoadContext(ctx, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
				VerifiedEmail: "ada@example.com", Text: "Hello", First: first, ConfigDigest: digest})
			require.NoError(t, err)
			require.Equal(t, "premium", out.Contact.Tier, "the contact is read on every turn")
			return out
		}

		full := load(false, "")
		require.False(t, full.ConfigOmitted)
		require.NotEmpty(t, full.ConfigDigest)
		require.Equal(t, 0.6, full.Settings.ConfidenceThreshold)
		require.Contains(t, full.Teams, "support")

		same := load(false, full.ConfigDigest)
		require.True(t, same.ConfigOmitted)
		require.Equal(t, full.ConfigDigest, same.ConfigDigest)
		require.Zero(t, same.Settings.ConfidenceThreshold)
		require.Nil(t, same.Teams)

		// A first turn's configuration is never left out; its digest lets
		// the second turn leave it out.
		first := load(true, full.ConfigDigest)
		require.False(t, first.ConfigOmitted)
		require.Equal(t, full.ConfigDigest, first.ConfigDigest)
		require.Equal(t, 0.6, first.Settings.ConfidenceThreshold)
		require.True(t, load(false, first.ConfigDigest).ConfigOmitted)

		// A first turn reads the credit balance with the configuration's
		// version, as it is now, though the configuration is cached.
		require.Zero(t, first.CreditBalance)
		require.NoError(t, db.Create(&models.CreditEntry{ID: "e-1", WorkspaceID: "ws-1", Amount: 5, Reason: "grant", IdempotencyKey: "e-1"}).Error)
		granted := load(true, "")
		require.Equal(t, 5, granted.CreditBalance)
		require.Equal(t, full.ConfigDigest, granted.ConfigDigest, "the configuration did not change")

		// A channel that sets its own inactivity changes the first turn's
		// settings: they are not to be held, and carry no digest.
		require.NoError(t, db.Create(&models.Channel{ID: "ch-1", WorkspaceID: "ws-1", Type: "chat", Name: "Chat"}).Error)
		require.NoError(t, db.Create(&models.ChannelSettings{ChannelID: "ch-1", WorkspaceID: "ws-1", InactivitySeconds: 600}).Error)
		onChannel, err := a.LoadContext(ctx, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
			ChannelID: "ch-1", Text: "Hello", First: true})
		require.NoError(t, err)
		require.Equal(t, 10*time.Minute, onChannel.Settings.Inactivity)
		require.Empty(t, onChannel.ConfigDigest)

		require.NoError(t, db.Model(&models.AgentSettings{}).Where("workspace_id = ?", "ws-1").
			Update("confidence_threshold", 0.7).Error)
		changed := load(false, full.ConfigDigest)
		require.False(t, changed.ConfigOmitted)
		require.NotEqual(t, full.ConfigDigest, changed.ConfigDigest)
		require.Equal(t, 0.7, changed.Settings.ConfidenceThreshold)
		require.True(t, load(false, changed.ConfigDigest).ConfigOmitted)
	})
}

// A message asking for an action on an order without naming one is about
// the conversation's order; one that names an order, or asks for no such
// action, is not.
func TestLoadContextReadsTheConversationsOrder(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		require.NoError(t, db.Create(&models.Workspace{ID: "ws-1", Name: "Shop"}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c-1", WorkspaceID: "ws-1", Email: "ada@example.com"}).Error)
		for _, o := range []models.Order{
			{ID: "o-1", Number: "SP-1001", ContactID: "c-1", Status: models.OrderShipped},
			{ID: "o-2", Number: "SP-1002", ContactID: "c-1", Status: models.OrderDelivered},
		} {
			o.WorkspaceID, o.PlacedAt = "ws-1", time.Now().UTC()
			require.NoError(t, db.Create(&o).Error)
		}
		a := &activities.Activities{DB: db, Generator: answer.Extractive{}}
		load := func(text string) activities.LoadContextResult {
			t.Helper()
			out, err := a.LoadContext(ctx, activities.LoadContextInput{WorkspaceID: "ws-1", ConversationID: "c", WorkflowID: "w",
				Text: text, ConversationOrder: "SP-1002"})
			require.NoError(t, err)
			return out
		}

		for _, text := range []string{"Can I return it?", "Is it shipped yet?", "Where is it now?"} {
			out := load(text)
			require.True(t, out.OrderFromConversation, text)
			require.Equal(t, "SP-1002", out.Analysis.OrderNumber, text)
			require.NotNil(t, out.Order, text)
			require.Equal(t, "SP-1002", out.Order.Number, text)
			require.Equal(t, "ada@example.com", out.Order.ContactEmail, "the order's own contact, for the identity check")
		}

		named := load("Can I return SP-1001?")
		require.False(t, named.OrderFromConversation)
		require.Equal(t, "SP-1001", named.Order.Number, "the order the message names")

		other := load("How long does shipping take?")
		require.False(t, other.OrderFromConversation)
		require.Empty(t, other.Analysis.OrderNumber)
		require.Nil(t, other.Order, "a message about no order action reads no order")
	})
}
