package models

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// ConfigTables hold a workspace's agent configuration as a conversation
// turn reads it: the agent settings, the enabled actions, the teams, lead
// qualification, the issue types and their threshold. A change to any of
// their rows raises the workspace's ConfigVersion.
var ConfigTables = []string{"agent_settings", "action_settings", "teams", "lead_settings", "issue_types", "issue_type_settings"}

// MaxConfigAge is how long a process uses what it cached under a
// workspace's ConfigVersion before it reads it again, whatever the version
// says: a bound on what a version that did not move could hide (a database
// restored from a backup, a trigger dropped by hand).
const MaxConfigAge = time.Minute

// configLock serializes createConfigTriggers across processes that migrate
// at once (the server and the worker both do when they start).
const configLock = 7_406_013_555

// createConfigTriggers installs the triggers that raise
// Workspace.ConfigVersion. They run inside the writing transaction, so a
// reader that sees the new rows also sees the new version.
func createConfigTriggers(db *gorm.DB) error {
	if db.Dialector.Name() == "sqlite" {
		return db.Transaction(func(tx *gorm.DB) error {
			for _, table := range ConfigTables {
				for _, t := range []struct{ op, ids string }{
					{"INSERT", "NEW.workspace_id"},
					{"UPDATE", "NEW.workspace_id, OLD.workspace_id"},
					{"DELETE", "OLD.workspace_id"},
				} {
					sql := fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS switchboard_config_version_%s_%s AFTER %s ON %s
BEGIN UPDATE workspaces SET config_version = config_version + 1 WHERE id IN (%s); END`, table, t.op, t.op, table, t.ids)
					if err := tx.Exec(sql).Error; err != nil {
						return fmt.Errorf("config version trigger on %s: %w", table, err)
					}
				}
			}
			return nil
		})
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", configLock).Error; err != nil {
			return err
		}
		// In an INSERT trigger OLD is NULL, in a DELETE trigger NEW is, and
		// "id IN (x, NULL)" matches x only.
		err := tx.Exec(`CREATE OR REPLACE FUNCTION switchboard_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE workspaces SET config_version = config_version + 1 WHERE id IN (NEW.workspace_id, OLD.workspace_id);
  RETURN NULL;
END $$`).Error
		if err != nil {
			return fmt.Errorf("config version function: %w", err)
		}
		// Only the missing triggers are created: creating one locks its
		// table, and every server and worker migrates when it starts.
		var present []string
		err = tx.Raw(`SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'switchboard_config_version' AND c.relnamespace = to_regnamespace(current_schema())`).Scan(&present).Error
		if err != nil {
			return fmt.Errorf("config version triggers: %w", err)
		}
		for _, table := range ConfigTables {
			if slices.Contains(present, table) {
				continue
			}
			sql := fmt.Sprintf(`CREATE TRIGGER switchboard_config_version AFTER INSERT OR UPDATE OR DELETE ON %s
FOR EACH ROW EXECUTE FUNCTION switchboard_bump_config_version()`, table)
			if err := tx.Exec(sql).Error; err != nil {
				return fmt.Errorf("config version trigger on %s: %w", table, err)
			}
		}
		return nil
	})
}
