package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// Service reads and writes a workspace's CRM records.
type Service struct {
	DB *gorm.DB
}

// Bounds of an import.
const (
	// BatchSize is how many rows one statement writes.
	BatchSize = 500
	// MaxImportRows bounds the rows of one import (one transaction).
	MaxImportRows = 1_000_000
)

// ImportResult counts an import's records.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// numbered is a valid record and the row it came from (0: not an import).
type numbered[R any] struct {
	row int
	rec R
}

// rowError names the row (when there is one) before a field's error.
func rowError(row int, field, reason string) error {
	if row == 0 {
		return apperr.Invalid(field, reason)
	}
	return apperr.Invalid(fmt.Sprintf("row %d: %s", row, field), reason)
}

// atRow prefixes a record's validation error with its row.
func atRow(row int, err error) error {
	var app *apperr.Error
	if row == 0 || !errors.As(err, &app) || app.Code != apperr.EINVALID {
		return err
	}
	return apperr.Invalid(fmt.Sprintf("row %d", row), app.Message)
}

// Columns of each kind's records, and those a CSV cell holds as JSON.
var (
	contactColumns = []string{"external_id", "email", "name", "phone", "tier", "lifecycle_stage", "company", "company_size", "properties"}
	contactRaw     = []string{"company_size", "properties"}
	orderColumns   = []string{"external_id", "number", "contact", "status", "currency", "total_cents", "items", "placed_at", "shipped_at", "delivered_at", "tracking"}
	orderRaw       = []string{"total_cents", "items", "tracking"}
	productColumns = []string{"external_id", "name", "sku", "price_cents", "currency", "availability", "variants"}
	productRaw     = []string{"price_cents", "variants"}
)

// ImportContacts upserts the contacts body holds, by external ID.
func (s *Service) ImportContacts(ctx context.Context, workspaceID string, format Format, body io.Reader) (ImportResult, error) {
	return importRows(ctx, s.DB, workspaceID, format, body, contactColumns, contactRaw, (*ContactRecord).normalize, upsertContacts)
}

// ImportOrders upserts the orders body holds, by external ID; an order
// names its contact by the contact's external ID.
func (s *Service) ImportOrders(ctx context.Context, workspaceID string, format Format, body io.Reader) (ImportResult, error) {
	return importRows(ctx, s.DB, workspaceID, format, body, orderColumns, orderRaw, (*OrderRecord).normalize, upsertOrders)
}

// ImportProducts upserts the products body holds, by external ID.
func (s *Service) ImportProducts(ctx context.Context, workspaceID string, format Format, body io.Reader) (ImportResult, error) {
	return importRows(ctx, s.DB, workspaceID, format, body, productColumns, productRaw, (*ProductRecord).normalize, upsertProducts)
}

// importRows reads body a row at a time, validates each and writes them in
// batches, all in one transaction: a bad row rolls back every batch.
func importRows[R any](ctx context.Context, db *gorm.DB, workspaceID string, format Format, body io.Reader,
	columns, raw []string, normalize func(*R) error,
	upsert func(tx *gorm.DB, workspaceID string, batch []numbered[R], now time.Time) (ImportResult, error),
) (ImportResult, error) {
	rows, err := newRowReader(format, body, columns, raw)
	if err != nil {
		return ImportResult{}, err
	}
	var total ImportResult
	now := time.Now().UTC()
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		batch := make([]numbered[R], 0, BatchSize)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			res, err := upsert(tx, workspaceID, batch, now)
			if err != nil {
				return err
			}
			total.Created += res.Created
			total.Updated += res.Updated
			batch = batch[:0]
			return nil
		}
		count := 0
		for {
			row, data, err := rows.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if count++; count > MaxImportRows {
				return rowError(row, "row", fmt.Sprintf("an import holds at most %d rows", MaxImportRows))
			}
			var rec R
			if err := decodeRow(data, &rec); err != nil {
				return atRow(row, err)
			}
			if err := normalize(&rec); err != nil {
				return atRow(row, err)
			}
			batch = append(batch, numbered[R]{row: row, rec: rec})
			if len(batch) == BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if count == 0 {
			return apperr.Invalid("body", "holds no rows")
		}
		return flush()
	})
	if err != nil {
		return ImportResult{}, err
	}
	return total, nil
}

// lastByExternalID keeps the last row of each external ID (a later row of
// an import replaces an earlier one).
func lastByExternalID[R any](batch []numbered[R], key func(R) string) []numbered[R] {
	at := map[string]int{}
	out := make([]numbered[R], 0, len(batch))
	for _, n := range batch {
		if i, ok := at[key(n.rec)]; ok {
			out[i] = n
			continue
		}
		at[key(n.rec)] = len(out)
		out = append(out, n)
	}
	return out
}

// existingRow is a stored row's identity, by external ID.
type existingRow struct {
	ID         string
	ExternalID string
}

// existing finds the rows of table whose external IDs are ids.
func existing(tx *gorm.DB, table, workspaceID string, ids []string) (map[string]existingRow, error) {
	var rows []existingRow
	q := tx.Table(table).Select("id, external_id").Where("workspace_id = ? AND external_id IN ?", workspaceID, ids)
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("find %s: %w", table, err)
	}
	out := make(map[string]existingRow, len(rows))
	for _, r := range rows {
		out[r.ExternalID] = r
	}
	return out, nil
}

func upsertContacts(tx *gorm.DB, workspaceID string, batch []numbered[ContactRecord], now time.Time) (ImportResult, error) {
	batch = lastByExternalID(batch, func(r ContactRecord) string { return r.ExternalID })
	ids, emails := make([]string, len(batch)), make([]string, len(batch))
	for i, n := range batch {
		ids[i], emails[i] = n.rec.ExternalID, n.rec.Email
	}
	found, err := existing(tx, "contacts", workspaceID, ids)
	if err != nil {
		return ImportResult{}, err
	}
	// An email belongs to one contact. A contact the agent created (a lead,
	// no external ID) is claimed by the record with its email.
	var byEmail []struct{ ID, ExternalID, Email string }
	if err := tx.Table("contacts").Select("id, external_id, email").
		Where("workspace_id = ? AND email IN ?", workspaceID, emails).Find(&byEmail).Error; err != nil {
		return ImportResult{}, fmt.Errorf("find contacts by email: %w", err)
	}
	owner := map[string]string{}
	for _, c := range byEmail {
		owner[c.Email] = c.ExternalID
		if _, ok := found[c.ExternalID]; c.ExternalID == "" && !ok {
			found["\x00"+c.Email] = existingRow{ID: c.ID}
		}
	}
	inBatch := map[string]int{}
	var res ImportResult
	rows := make([]models.Contact, 0, len(batch))
	for _, n := range batch {
		r := n.rec
		if other, ok := owner[r.Email]; ok && other != "" && other != r.ExternalID {
			return res, rowError(n.row, "email", fmt.Sprintf("%s is already the email of contact %q", r.Email, other))
		}
		if row, ok := inBatch[r.Email]; ok {
			return res, rowError(n.row, "email", fmt.Sprintf("%s is also the email of row %d", r.Email, row))
		}
		inBatch[r.Email] = n.row
		row := models.Contact{
			WorkspaceID: workspaceID, ExternalID: r.ExternalID, Email: r.Email, Name: r.Name, Phone: r.Phone,
			Tier: r.Tier, LifecycleStage: r.LifecycleStage, Company: r.Company, CompanySize: r.CompanySize,
			Properties: models.NewJSON(r.Properties), CreatedAt: now, UpdatedAt: now,
		}
		if ex, ok := found[r.ExternalID]; ok {
			row.ID = ex.ID
			res.Updated++
		} else if ex, ok := found["\x00"+r.Email]; ok {
			row.ID = ex.ID
			res.Updated++
		} else {
			row.ID = uuid.NewString()
			res.Created++
		}
		rows = append(rows, row)
	}
	err = tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"external_id", "email", "name", "phone", "tier", "lifecycle_stage",
			"company", "company_size", "properties", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return ImportResult{}, fmt.Errorf("write contacts: %w", err)
	}
	return res, nil
}

func upsertOrders(tx *gorm.DB, workspaceID string, batch []numbered[OrderRecord], now time.Time) (ImportResult, error) {
	batch = lastByExternalID(batch, func(r OrderRecord) string { return r.ExternalID })
	ids, numbers, contactIDs := make([]string, len(batch)), make([]string, len(batch)), make([]string, 0, len(batch))
	for i, n := range batch {
		ids[i], numbers[i] = n.rec.ExternalID, n.rec.Number
		contactIDs = append(contactIDs, n.rec.Contact)
	}
	found, err := existing(tx, "orders", workspaceID, ids)
	if err != nil {
		return ImportResult{}, err
	}
	contacts, err := existing(tx, "contacts", workspaceID, contactIDs)
	if err != nil {
		return ImportResult{}, err
	}
	var byNumber []struct{ ExternalID, Number string }
	if err := tx.Table("orders").Select("external_id, number").
		Where("workspace_id = ? AND number IN ?", workspaceID, numbers).Find(&byNumber).Error; err != nil {
		return ImportResult{}, fmt.Errorf("find orders by number: %w", err)
	}
	owner := map[string]string{}
	for _, o := range byNumber {
		owner[o.Number] = o.ExternalID
	}
	inBatch := map[string]int{}
	var res ImportResult
	rows := make([]models.Order, 0, len(batch))
	for _, n := range batch {
		r := n.rec
		contact, ok := contacts[r.Contact]
		if !ok {
			return res, rowError(n.row, "contact", fmt.Sprintf("no contact has the external id %q (import contacts first)", r.Contact))
		}
		if other, ok := owner[r.Number]; ok && other != r.ExternalID {
			return res, rowError(n.row, "number", fmt.Sprintf("%s is already the number of order %q", r.Number, other))
		}
		if row, ok := inBatch[r.Number]; ok {
			return res, rowError(n.row, "number", fmt.Sprintf("%s is also the number of row %d", r.Number, row))
		}
		inBatch[r.Number] = n.row
		row := models.Order{
			WorkspaceID: workspaceID, ExternalID: r.ExternalID, ContactID: contact.ID, Number: r.Number,
			Status: r.Status, TotalCents: r.TotalCents, Currency: r.Currency, Items: models.NewJSON(r.Items),
			Tracking: models.NewJSON(r.Tracking), PlacedAt: *r.PlacedAt, ShippedAt: r.ShippedAt,
			DeliveredAt: r.DeliveredAt, UpdatedAt: now,
		}
		if ex, ok := found[r.ExternalID]; ok {
			row.ID = ex.ID
			res.Updated++
		} else {
			row.ID = uuid.NewString()
			res.Created++
		}
		rows = append(rows, row)
	}
	err = tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"external_id", "contact_id", "number", "status", "total_cents",
			"currency", "items", "tracking", "placed_at", "shipped_at", "delivered_at", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return ImportResult{}, fmt.Errorf("write orders: %w", err)
	}
	return res, nil
}

func upsertProducts(tx *gorm.DB, workspaceID string, batch []numbered[ProductRecord], now time.Time) (ImportResult, error) {
	batch = lastByExternalID(batch, func(r ProductRecord) string { return r.ExternalID })
	ids := make([]string, len(batch))
	for i, n := range batch {
		ids[i] = n.rec.ExternalID
	}
	found, err := existing(tx, "products", workspaceID, ids)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	rows := make([]models.Product, 0, len(batch))
	for _, n := range batch {
		r := n.rec
		row := models.Product{
			WorkspaceID: workspaceID, ExternalID: r.ExternalID, Name: r.Name, SKU: r.SKU, PriceCents: r.PriceCents,
			Currency: r.Currency, Availability: r.Availability, Variants: models.NewJSON(r.Variants),
			CreatedAt: now, UpdatedAt: now,
		}
		if ex, ok := found[r.ExternalID]; ok {
			row.ID = ex.ID
			res.Updated++
		} else {
			row.ID = uuid.NewString()
			res.Created++
		}
		rows = append(rows, row)
	}
	err = tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"external_id", "name", "sku", "price_cents", "currency",
			"availability", "variants", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return ImportResult{}, fmt.Errorf("write products: %w", err)
	}
	return res, nil
}
