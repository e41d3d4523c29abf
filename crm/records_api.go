package crm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/decide"
	"github.com/switchboardhq/switchboard/models"
)

// Bounds of a page of records.
const (
	DefaultListLimit = 100
	MaxListLimit     = 500
)

// ListQuery asks for a page of a workspace's records of one kind, in the
// order of their row IDs (stable while records come and go).
type ListQuery struct {
	// Filters keep the records whose column equals the value; the List
	// methods say which they take.
	Filters map[string]string
	// Limit is the page's size, 1 to MaxListLimit (0: DefaultListLimit).
	Limit int
	// PageToken is the NextPageToken of the page before ("": the first).
	PageToken string
}

// pageToken is the row ID the page before ended at.
type pageToken struct {
	ID string `json:"id"`
}

// page applies q to db: its filters (of those allowed, column by name),
// its token and its limit plus one, to tell whether a next page exists.
func (q ListQuery) page(db *gorm.DB, allowed map[string]string) (*gorm.DB, int, error) {
	limit := q.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	if limit < 1 || limit > MaxListLimit {
		return nil, 0, apperr.Invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxListLimit))
	}
	for name, v := range q.Filters {
		column, ok := allowed[name]
		if !ok {
			return nil, 0, apperr.Invalid(name, "is not a filter of this listing")
		}
		db = db.Where(column+" = ?", v)
	}
	if q.PageToken != "" {
		var after pageToken
		raw, err := base64.RawURLEncoding.DecodeString(q.PageToken)
		if err == nil {
			err = json.Unmarshal(raw, &after)
		}
		if err != nil || after.ID == "" {
			return nil, 0, apperr.Invalid("page_token", "is not a next_page_token this listing returned")
		}
		db = db.Where("id > ?", after.ID)
	}
	return db.Order("id").Limit(limit + 1), limit, nil
}

// nextToken cuts rows to the limit and returns the next page's token.
func nextToken[M any](rows []M, limit int, id func(M) string) ([]M, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	raw, _ := json.Marshal(pageToken{ID: id(rows[limit-1])})
	return rows[:limit], base64.RawURLEncoding.EncodeToString(raw)
}

func notFound(kind, externalID string) error {
	return apperr.Errorf(apperr.ENOTFOUND, "%s %q not found", kind, externalID)
}

func take(db *gorm.DB, dst any, kind, workspaceID, externalID string) error {
	err := db.Where("workspace_id = ? AND external_id = ?", workspaceID, externalID).Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound(kind, externalID)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", kind, err)
	}
	return nil
}

// put validates rec, whose external ID is the path's (or empty), and
// upserts it as an import of one record; created reports a new record.
func put[R any](ctx context.Context, db *gorm.DB, workspaceID, externalID string, rec *R, idOf func(*R) *string,
	normalize func(*R) error, upsert func(*gorm.DB, string, []numbered[R], time.Time) (ImportResult, error),
) (bool, error) {
	if err := ValidExternalID("external_id", externalID); err != nil {
		return false, err
	}
	id := idOf(rec)
	if *id != "" && *id != externalID {
		return false, apperr.Invalid("external_id", fmt.Sprintf("%q is not the %q of the path", *id, externalID))
	}
	*id = externalID
	if err := normalize(rec); err != nil {
		return false, err
	}
	var res ImportResult
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		res, err = upsert(tx, workspaceID, []numbered[R]{{rec: *rec}}, time.Now().UTC())
		return err
	})
	return res.Created == 1, err
}

// GetContact returns the contact with the external ID.
func (s *Service) GetContact(ctx context.Context, workspaceID, externalID string) (ContactRecord, error) {
	var c models.Contact
	if err := take(s.DB.WithContext(ctx), &c, "contact", workspaceID, externalID); err != nil {
		return ContactRecord{}, err
	}
	return ContactOut(c), nil
}

// PutContact creates or replaces the contact with the external ID.
func (s *Service) PutContact(ctx context.Context, workspaceID, externalID string, rec ContactRecord) (ContactRecord, bool, error) {
	created, err := put(ctx, s.DB, workspaceID, externalID, &rec, func(r *ContactRecord) *string { return &r.ExternalID },
		(*ContactRecord).normalize, upsertContacts)
	return rec, created, err
}

// ListContacts returns a page of contacts; filters: tier, lifecycle_stage,
// email, company.
func (s *Service) ListContacts(ctx context.Context, workspaceID string, q ListQuery) ([]ContactRecord, string, error) {
	db, limit, err := q.page(s.DB.WithContext(ctx).Where("workspace_id = ?", workspaceID), map[string]string{
		"tier": "tier", "lifecycle_stage": "lifecycle_stage", "email": "email", "company": "company",
	})
	if err != nil {
		return nil, "", err
	}
	var rows []models.Contact
	if err := db.Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("list contacts: %w", err)
	}
	rows, next := nextToken(rows, limit, func(c models.Contact) string { return c.ID })
	out := make([]ContactRecord, 0, len(rows))
	for _, c := range rows {
		out = append(out, ContactOut(c))
	}
	return out, next, nil
}

// GetProduct returns the product with the external ID.
func (s *Service) GetProduct(ctx context.Context, workspaceID, externalID string) (ProductRecord, error) {
	var p models.Product
	if err := take(s.DB.WithContext(ctx), &p, "product", workspaceID, externalID); err != nil {
		return ProductRecord{}, err
	}
	return ProductOut(p), nil
}

// PutProduct creates or replaces the product with the external ID.
func (s *Service) PutProduct(ctx context.Context, workspaceID, externalID string, rec ProductRecord) (ProductRecord, bool, error) {
	created, err := put(ctx, s.DB, workspaceID, externalID, &rec, func(r *ProductRecord) *string { return &r.ExternalID },
		(*ProductRecord).normalize, upsertProducts)
	return rec, created, err
}

// DeleteProduct deletes the product with the external ID.
func (s *Service) DeleteProduct(ctx context.Context, workspaceID, externalID string) error {
	res := s.DB.WithContext(ctx).Where("workspace_id = ? AND external_id = ?", workspaceID, externalID).Delete(&models.Product{})
	if res.Error != nil {
		return fmt.Errorf("delete product: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return notFound("product", externalID)
	}
	return nil
}

// ListProducts returns a page of products; filters: sku, availability.
func (s *Service) ListProducts(ctx context.Context, workspaceID string, q ListQuery) ([]ProductRecord, string, error) {
	db, limit, err := q.page(s.DB.WithContext(ctx).Where("workspace_id = ?", workspaceID), map[string]string{
		"sku": "sku", "availability": "availability",
	})
	if err != nil {
		return nil, "", err
	}
	var rows []models.Product
	if err := db.Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("list products: %w", err)
	}
	rows, next := nextToken(rows, limit, func(p models.Product) string { return p.ID })
	out := make([]ProductRecord, 0, len(rows))
	for _, p := range rows {
		out = append(out, ProductOut(p))
	}
	return out, next, nil
}

// OrderDetail is an order with what the agent did about it.
type OrderDetail struct {
	OrderRecord
	Returns []ReturnRecord `json:"returns"`
	Actions []ActionRecord `json:"actions"`
}

// ReturnRecord is a return the agent started for an order.
type ReturnRecord struct {
	ID string `json:"id"`
	// Conversation is the conversation ID the client chose.
	Conversation string    `json:"conversation"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ActionRecord is an action decision the agent took about an order: a
// decision of kind "action" whose detail's "order" is the order's number.
type ActionRecord struct {
	Conversation string         `json:"conversation"`
	Summary      string         `json:"summary"`
	Detail       map[string]any `json:"detail"`
	CreatedAt    time.Time      `json:"created_at"`
}

// GetOrder returns the order with the external ID, its returns and the
// actions the agent took about it, oldest first.
func (s *Service) GetOrder(ctx context.Context, workspaceID, externalID string) (OrderDetail, error) {
	db := s.DB.WithContext(ctx)
	var o models.Order
	if err := take(db, &o, "order", workspaceID, externalID); err != nil {
		return OrderDetail{}, err
	}
	var contact string
	if err := db.Model(&models.Contact{}).Where("id = ?", o.ContactID).Limit(1).Pluck("external_id", &contact).Error; err != nil {
		return OrderDetail{}, fmt.Errorf("read order's contact: %w", err)
	}
	out := OrderDetail{OrderRecord: orderOut(o, contact), Returns: []ReturnRecord{}, Actions: []ActionRecord{}}
	var returns []struct {
		models.Return
		Conversation string
	}
	if err := db.Table("returns").Select("returns.*, conversations.external_id AS conversation").
		Joins("LEFT JOIN conversations ON conversations.id = returns.conversation_id").
		Where("returns.workspace_id = ? AND returns.order_id = ?", workspaceID, o.ID).
		Order("returns.created_at, returns.id").Find(&returns).Error; err != nil {
		return OrderDetail{}, fmt.Errorf("read order's returns: %w", err)
	}
	for _, r := range returns {
		out.Returns = append(out.Returns, ReturnRecord{ID: r.ID, Conversation: r.Conversation, Status: r.Status,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
	}
	orderOf := "decisions.detail->>'order'"
	if db.Dialector.Name() != "postgres" {
		orderOf = "json_extract(decisions.detail, '$.order')"
	}
	var actions []struct {
		models.Decision
		Conversation string
	}
	if err := db.Table("decisions").Select("decisions.*, conversations.external_id AS conversation").
		Joins("JOIN conversations ON conversations.id = decisions.conversation_id").
		Where("conversations.workspace_id = ? AND decisions.kind = ? AND "+orderOf+" = ?", workspaceID, string(decide.KindAction), o.Number).
		Order("decisions.created_at, decisions.id").Find(&actions).Error; err != nil {
		return OrderDetail{}, fmt.Errorf("read order's actions: %w", err)
	}
	for _, a := range actions {
		out.Actions = append(out.Actions, ActionRecord{Conversation: a.Conversation, Summary: a.Summary,
			Detail: a.Detail.V, CreatedAt: a.CreatedAt})
	}
	return out, nil
}

// PutOrder creates or replaces the order with the external ID.
func (s *Service) PutOrder(ctx context.Context, workspaceID, externalID string, rec OrderRecord) (OrderRecord, bool, error) {
	created, err := put(ctx, s.DB, workspaceID, externalID, &rec, func(r *OrderRecord) *string { return &r.ExternalID },
		(*OrderRecord).normalize, upsertOrders)
	return rec, created, err
}

// DeleteOrder deletes the order with the external ID and its returns.
func (s *Service) DeleteOrder(ctx context.Context, workspaceID, externalID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var o models.Order
		if err := take(tx, &o, "order", workspaceID, externalID); err != nil {
			return err
		}
		if err := tx.Where("workspace_id = ? AND order_id = ?", workspaceID, o.ID).Delete(&models.Return{}).Error; err != nil {
			return fmt.Errorf("delete order's returns: %w", err)
		}
		if err := tx.Delete(&o).Error; err != nil {
			return fmt.Errorf("delete order: %w", err)
		}
		return nil
	})
}

// ListOrders returns a page of orders; filters: status, number and
// contact (the contact's external ID).
func (s *Service) ListOrders(ctx context.Context, workspaceID string, q ListQuery) ([]OrderRecord, string, error) {
	db := s.DB.WithContext(ctx)
	filters := map[string]string{}
	for k, v := range q.Filters {
		filters[k] = v
	}
	if contact, ok := filters["contact"]; ok {
		var id string
		if err := db.Model(&models.Contact{}).Where("workspace_id = ? AND external_id = ?", workspaceID, contact).
			Limit(1).Pluck("id", &id).Error; err != nil {
			return nil, "", fmt.Errorf("list orders: %w", err)
		}
		if id == "" {
			id = "\x00none"
		}
		filters["contact"] = id
	}
	q.Filters = filters
	list, limit, err := q.page(db.Where("workspace_id = ?", workspaceID), map[string]string{
		"status": "status", "number": "number", "contact": "contact_id",
	})
	if err != nil {
		return nil, "", err
	}
	var rows []models.Order
	if err := list.Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("list orders: %w", err)
	}
	rows, next := nextToken(rows, limit, func(o models.Order) string { return o.ID })
	contactIDs := make([]string, 0, len(rows))
	for _, o := range rows {
		contactIDs = append(contactIDs, o.ContactID)
	}
	var contacts []struct{ ID, ExternalID string }
	if len(contactIDs) > 0 {
		if err := db.Table("contacts").Select("id, external_id").Where("id IN ?", contactIDs).Find(&contacts).Error; err != nil {
			return nil, "", fmt.Errorf("list orders' contacts: %w", err)
		}
	}
	external := map[string]string{}
	for _, c := range contacts {
		external[c.ID] = c.ExternalID
	}
	out := make([]OrderRecord, 0, len(rows))
	for _, o := range rows {
		out = append(out, orderOut(o, external[o.ContactID]))
	}
	return out, next, nil
}
