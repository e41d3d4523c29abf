package models

import (
	"fmt"

	"gorm.io/gorm"
)

// creditLock serializes createCreditTriggers across processes that migrate
// at once.
const creditLock = 7_406_013_556

// backfillCreditBalances sets every workspace's CreditBalance to the sum of
// its ledger.
const backfillCreditBalances = `UPDATE workspaces SET credit_balance =
COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.workspace_id = workspaces.id), 0)`

// createCreditTriggers installs the triggers that keep
// Workspace.CreditBalance the sum of the workspace's credit entries, in the
// transaction that writes an entry. Where they are missing (a database
// migrated before them) the balances are computed from the ledger in the
// same transaction: creating a trigger on credit_entries holds back writes
// to it until then, so no entry is counted twice or missed.
func createCreditTriggers(db *gorm.DB) error {
	if db.Dialector.Name() == "sqlite" {
		return db.Transaction(func(tx *gorm.DB) error {
			var present int64
			if err := tx.Raw(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'switchboard_credit_balance_%'`).
				Scan(&present).Error; err != nil {
				return fmt.Errorf("credit balance triggers: %w", err)
			}
			if present == 3 {
				return nil
			}
			for _, t := range []struct{ op, body string }{
				{"INSERT", "UPDATE workspaces SET credit_balance = credit_balance + NEW.amount WHERE id = NEW.workspace_id;"},
				{"UPDATE", "UPDATE workspaces SET credit_balance = credit_balance - OLD.amount WHERE id = OLD.workspace_id; " +
					"UPDATE workspaces SET credit_balance = credit_balance + NEW.amount WHERE id = NEW.workspace_id;"},
				{"DELETE", "UPDATE workspaces SET credit_balance = credit_balance - OLD.amount WHERE id = OLD.workspace_id;"},
			} {
				sql := fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS switchboard_credit_balance_%s AFTER %s ON credit_entries BEGIN %s END",
					t.op, t.op, t.body)
				if err := tx.Exec(sql).Error; err != nil {
					return fmt.Errorf("credit balance trigger: %w", err)
				}
			}
			return tx.Exec(backfillCreditBalances).Error
		})
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", creditLock).Error; err != nil {
			return err
		}
		err := tx.Exec(`CREATE OR REPLACE FUNCTION switchboard_credit_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE workspaces SET credit_balance = credit_balance - OLD.amount WHERE id = OLD.workspace_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE workspaces SET credit_balance = credit_balance + NEW.amount WHERE id = NEW.workspace_id;
  END IF;
  RETURN NULL;
END $$`).Error
		if err != nil {
			return fmt.Errorf("credit balance function: %w", err)
		}
		var present int64
		err = tx.Raw(`SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'switchboard_credit_balance' AND c.relname = 'credit_entries'
AND c.relnamespace = to_regnamespace(current_schema())`).Scan(&present).Error
		if err != nil {
			return fmt.Errorf("credit balance trigger: %w", err)
		}
		if present > 0 {
			return nil
		}
		if err := tx.Exec(`CREATE TRIGGER switchboard_credit_balance AFTER INSERT OR UPDATE OR DELETE ON credit_entries
FOR EACH ROW EXECUTE FUNCTION switchboard_credit_balance()`).Error; err != nil {
			return fmt.Errorf("credit balance trigger: %w", err)
		}
		return tx.Exec(backfillCreditBalances).Error
	})
}
