package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// JSON stores a value as JSON: jsonb on PostgreSQL, text on SQLite.
type JSON[T any] struct {
	V T
}

// NewJSON wraps v.
func NewJSON[T any](v T) JSON[T] { return JSON[T]{V: v} }

// Value implements driver.Valuer.
func (j JSON[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (j *JSON[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		var zero T
		j.V = zero
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("models: cannot scan %T into JSON", src)
	}
	return json.Unmarshal(b, &j.V)
}

// GormDBDataType picks the column type per database.
func (JSON[T]) GormDBDataType(db *gorm.DB, _ *schema.Field) string {
	if db.Dialector.Name() == "postgres" {
		return "jsonb"
	}
	return "text"
}

// GormValue casts the value for PostgreSQL's jsonb.
func (j JSON[T]) GormValue(_ context.Context, db *gorm.DB) clause.Expr {
	v, err := j.Value()
	if err != nil {
		_ = db.AddError(err)
	}
	if db.Dialector.Name() == "postgres" {
		return clause.Expr{SQL: "?::jsonb", Vars: []any{v}}
	}
	return clause.Expr{SQL: "?", Vars: []any{v}}
}
