package models

import "gorm.io/gorm"

// DropCreditTriggers removes the credit balance triggers, as in a database
// migrated before them.
func DropCreditTriggers(db *gorm.DB) error {
	if db.Dialector.Name() == "sqlite" {
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			if err := db.Exec("DROP TRIGGER IF EXISTS switchboard_credit_balance_" + op).Error; err != nil {
				return err
			}
		}
		return nil
	}
	return db.Exec("DROP TRIGGER IF EXISTS switchboard_credit_balance ON credit_entries").Error
}
