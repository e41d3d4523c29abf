// Package models holds Switchboard's database rows (GORM models), how to open
// the database (PostgreSQL, or embedded SQLite for the dev stack) and the
// migrations. It holds nothing else: no business logic, and its types never
// cross Temporal — workflows and activities have their own payload types.
package models
