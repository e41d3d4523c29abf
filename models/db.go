package models

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/switchboardhq/switchboard/config"
)

// PostgresMaxConns bounds each process's connections to PostgreSQL, all of
// which may stay open while idle (for a minute).
const PostgresMaxConns = 16

// Open connects to the database a DATABASE_URL names (see
// config.ParseDatabaseURL). SQLite files get WAL mode, a busy timeout and
// foreign keys, and one connection, so writers queue instead of failing.
func Open(databaseURL string) (*gorm.DB, error) {
	kind, dsn, err := config.ParseDatabaseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	gcfg := &gorm.Config{
		Logger:  logger.Default.LogMode(logger.Silent),
		NowFunc: func() time.Time { return time.Now().UTC() },
	}
	var db *gorm.DB
	switch kind {
	case config.DatabasePostgres:
		db, err = gorm.Open(postgres.Open(dsn), gcfg)
		if err == nil {
			sqlDB, dbErr := db.DB()
			if dbErr != nil {
				return nil, dbErr
			}
			// database/sql keeps only two idle connections by default: under
			// concurrent turns every other query paid for a new PostgreSQL
			// backend (a fork), which cost more than the queries.
			sqlDB.SetMaxOpenConns(PostgresMaxConns)
			sqlDB.SetMaxIdleConns(PostgresMaxConns)
			sqlDB.SetConnMaxIdleTime(time.Minute)
		}
	case config.DatabaseSQLite:
		if dir := filepath.Dir(dsn); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
		db, err = gorm.Open(sqlite.Open(dsn), gcfg)
		if err == nil {
			sqlDB, dbErr := db.DB()
			if dbErr != nil {
				return nil, dbErr
			}
			sqlDB.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	return db, nil
}

// Migrate creates or updates every table.
func Migrate(db *gorm.DB) error {
	backfill := needExternalIDs(db)
	if err := db.AutoMigrate(All()...); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := backfill.run(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := createConfigTriggers(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := createCreditTriggers(db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// "match_email" trusted an email the customer typed; such actions now
	// need a verified customer.
	if err := db.Model(&Action{}).Where("protection = ?", "match_email").
		Update("protection", ProtectionVerified).Error; err != nil {
		return fmt.Errorf("migrate: protection levels: %w", err)
	}
	return nil
}
