package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/internal/testenv"
	"github.com/switchboardhq/switchboard/models"
)

func TestMigrateIsIdempotentAndRowsRoundTrip(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		require.NoError(t, models.Migrate(db), "migrating twice changes nothing")
		now := time.Now().UTC().Truncate(time.Second)
		delivered := now.Add(-48 * time.Hour)
		c := models.Contact{ID: "c1", WorkspaceID: "w", Email: "a@example.com", Tier: "premium",
			Properties: models.NewJSON(map[string]any{"plan": "gold", "seats": 3.0})}
		require.NoError(t, db.Create(&c).Error)
		o := models.Order{ID: "o1", WorkspaceID: "w", ContactID: "c1", Number: "SP-1", Status: models.OrderDelivered,
			TotalCents: 1234, PlacedAt: now, DeliveredAt: &delivered,
			Items: models.NewJSON([]models.OrderItem{{SKU: "A", Name: "a", Quantity: 2}})}
		require.NoError(t, db.Create(&o).Error)

		var gotC models.Contact
		require.NoError(t, db.Take(&gotC, "id = ?", "c1").Error)
		require.Equal(t, map[string]any{"plan": "gold", "seats": 3.0}, gotC.Properties.V)
		var gotO models.Order
		require.NoError(t, db.Take(&gotO, "id = ?", "o1").Error)
		require.Equal(t, []models.OrderItem{{SKU: "A", Name: "a", Quantity: 2}}, gotO.Items.V)
		require.True(t, gotO.DeliveredAt.Equal(delivered))
	})
}

func TestUniqueConstraints(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		require.NoError(t, db.Create(&models.Contact{ID: "c1", WorkspaceID: "w", Email: "a@example.com", Tier: "standard"}).Error)
		require.Error(t, db.Create(&models.Contact{ID: "c2", WorkspaceID: "w", Email: "a@example.com", Tier: "standard"}).Error)
		require.NoError(t, db.Create(&models.Contact{ID: "c3", WorkspaceID: "other", Email: "a@example.com", Tier: "standard"}).Error)

		require.NoError(t, db.Create(&models.CreditEntry{ID: "e1", WorkspaceID: "w", Amount: 1, Reason: "resolved", IdempotencyKey: "k"}).Error)
		require.Error(t, db.Create(&models.CreditEntry{ID: "e2", WorkspaceID: "w", Amount: 1, Reason: "resolved", IdempotencyKey: "k"}).Error)
	})
}

func TestFailedTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&models.Workspace{ID: "w1", Name: "W"}).Error; err != nil {
				return err
			}
			// Same primary key: fails, and the workspace above is rolled back.
			return tx.Create(&models.Workspace{ID: "w1", Name: "W again"}).Error
		})
		require.Error(t, err)
		var n int64
		require.NoError(t, db.Model(&models.Workspace{}).Count(&n).Error)
		require.Zero(t, n)
	})
}

func TestConfigChangesRaiseTheWorkspaceConfigVersion(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		// The server and the worker both migrate when they start.
		var g errgroup.Group
		for range 4 {
			g.Go(func() error { return models.Migrate(db) })
		}
		require.NoError(t, g.Wait(), "migrating again, several at once")
		for _, id := range []string{"w1", "w2"} {
			require.NoError(t, db.Create(&models.Workspace{ID: id, Name: id}).Error)
		}
		version := func(id string) int64 {
			var ws models.Workspace
			require.NoError(t, db.Take(&ws, "id = ?", id).Error)
			return ws.ConfigVersion
		}
		changes := []struct {
			what   string
			change func(tx *gorm.DB) error
		}{
			{"agent settings created", func(tx *gorm.DB) error {
				return tx.Create(&models.AgentSettings{WorkspaceID: "w1", AgentName: "A", Tone: "plain"}).Error
			}},
			{"agent settings updated", func(tx *gorm.DB) error {
				return tx.Model(&models.AgentSettings{}).Where("workspace_id = ?", "w1").Update("tone", "warm").Error
			}},
			{"action enabled", func(tx *gorm.DB) error {
				return tx.Create(&models.Action{WorkspaceID: "w1", Name: "order_status", Enabled: true}).Error
			}},
			{"team created", func(tx *gorm.DB) error {
				return tx.Create(&models.Team{ID: "t1", WorkspaceID: "w1", Key: "support", Name: "Support"}).Error
			}},
			{"lead settings created", func(tx *gorm.DB) error {
				return tx.Create(&models.LeadSettings{WorkspaceID: "w1", Enabled: true}).Error
			}},
			{"issue type created", func(tx *gorm.DB) error {
				return tx.Create(&models.IssueType{ID: "i1", WorkspaceID: "w1", Name: "billing"}).Error
			}},
			{"issue type threshold set", func(tx *gorm.DB) error {
				return tx.Create(&models.IssueTypeSettings{WorkspaceID: "w1", Threshold: 0.5}).Error
			}},
			{"issue type threshold changed", func(tx *gorm.DB) error {
				return tx.Model(&models.IssueTypeSettings{}).Where("workspace_id = ?", "w1").Update("threshold", 0.6).Error
			}},
			{"team deleted", func(tx *gorm.DB) error {
				return tx.Delete(&models.Team{}, "id = ?", "t1").Error
			}},
		}
		for _, c := range changes {
			before, other := version("w1"), version("w2")
			require.NoError(t, c.change(db), c.what)
			require.Greater(t, version("w1"), before, c.what)
			require.Equal(t, other, version("w2"), "%s: another workspace's version stays", c.what)
		}

		// A change rolled back leaves the version as it was.
		before := version("w1")
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&models.AgentSettings{}).Where("workspace_id = ?", "w1").Update("tone", "curt").Error; err != nil {
				return err
			}
			return errors.New("abandon")
		})
		require.EqualError(t, err, "abandon")
		require.Equal(t, before, version("w1"))
	})
}

// A workspace's CreditBalance is the sum of its ledger whatever writes it,
// and a database migrated before the balance was kept gets it computed.
func TestCreditBalanceFollowsTheLedger(t *testing.T) {
	t.Parallel()
	testenv.EachDatabase(t, func(t *testing.T, db *gorm.DB) {
		for _, id := range []string{"w1", "w2"} {
			require.NoError(t, db.Create(&models.Workspace{ID: id, Name: id}).Error)
		}
		entry := func(id, ws string, amount int) {
			t.Helper()
			require.NoError(t, db.Create(&models.CreditEntry{ID: id, WorkspaceID: ws, Amount: amount,
				Reason: "grant", IdempotencyKey: id}).Error)
		}
		balance := func(ws string) int64 {
			t.Helper()
			var w models.Workspace
			require.NoError(t, db.Where("id = ?", ws).Take(&w).Error)
			return w.CreditBalance
		}

		entry("e1", "w1", 100)
		entry("e2", "w1", -30)
		entry("e3", "w2", 7)
		require.EqualValues(t, 70, balance("w1"))
		require.EqualValues(t, 7, balance("w2"))
		require.NoError(t, db.Model(&models.CreditEntry{}).Where("id = ?", "e2").Update("amount", -40).Error)
		require.EqualValues(t, 60, balance("w1"))
		require.NoError(t, db.Model(&models.CreditEntry{}).Where("id = ?", "e3").Update("workspace_id", "w1").Error)
		require.EqualValues(t, 67, balance("w1"), "an entry moved to another workspace")
		require.EqualValues(t, 0, balance("w2"))
		require.NoError(t, db.Delete(&models.CreditEntry{}, "id = ?", "e1").Error)
		require.EqualValues(t, -33, balance("w1"))
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&models.CreditEntry{ID: "e4", WorkspaceID: "w1", Amount: 500, Reason: "grant", IdempotencyKey: "e4"}).Error; err != nil {
				return err
			}
			return errors.New("rolled back")
		})
		require.Error(t, err)
		require.EqualValues(t, -33, balance("w1"), "a rolled-back entry counts for nothing")

		// Migrated before the balance was kept: entries written then are
		// summed when the triggers are created.
		require.NoError(t, models.DropCreditTriggers(db))
		entry("e5", "w2", 500)
		require.NoError(t, db.Model(&models.Workspace{}).Where("1 = 1").Update("credit_balance", 0).Error)
		require.NoError(t, models.Migrate(db))
		require.EqualValues(t, -33, balance("w1"))
		require.EqualValues(t, 500, balance("w2"))
		require.NoError(t, models.Migrate(db), "migrating again changes nothing")
		entry("e6", "w2", 1)
		require.EqualValues(t, 501, balance("w2"), "counted once")
	})
}
