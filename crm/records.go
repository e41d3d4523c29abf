package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// ContactRecord is a contact as the company sends it and the API shows it.
type ContactRecord struct {
	ExternalID     string         `json:"external_id"`
	Email          string         `json:"email"`
	Name           string         `json:"name"`
	Phone          string         `json:"phone"`
	Tier           string         `json:"tier"`
	LifecycleStage string         `json:"lifecycle_stage"`
	Company        string         `json:"company"`
	CompanySize    int            `json:"company_size"`
	Properties     map[string]any `json:"properties"`
}

// OrderRecord is an order as the company sends it and the API shows it.
// Contact is the external ID of the order's contact.
type OrderRecord struct {
	ExternalID  string                `json:"external_id"`
	Number      string                `json:"number"`
	Contact     string                `json:"contact"`
	Status      string                `json:"status"`
	Currency    string                `json:"currency"`
	TotalCents  int64                 `json:"total_cents"`
	Items       []models.OrderItem    `json:"items"`
	PlacedAt    *time.Time            `json:"placed_at"`
	ShippedAt   *time.Time            `json:"shipped_at"`
	DeliveredAt *time.Time            `json:"delivered_at"`
	Tracking    *models.OrderTracking `json:"tracking"`
}

// ProductRecord is a product as the company sends it and the API shows it.
type ProductRecord struct {
	ExternalID   string                  `json:"external_id"`
	Name         string                  `json:"name"`
	SKU          string                  `json:"sku"`
	PriceCents   int64                   `json:"price_cents"`
	Currency     string                  `json:"currency"`
	Availability string                  `json:"availability"`
	Variants     []models.ProductVariant `json:"variants"`
}

// Availabilities are the availabilities a product or variant may have.
var Availabilities = []string{
	models.AvailabilityInStock, models.AvailabilityOutOfStock,
	models.AvailabilityPreorder, models.AvailabilityDiscontinued,
}

// phoneNumber is a phone number: digits with an optional leading +, spaces,
// dots, dashes and parentheses.
var phoneNumber = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{4,30}$`)

// ValidPhone reports whether s is a phone number as customers type it; the
// widget's contact form checks with it too.
func ValidPhone(s string) bool { return phoneNumber.MatchString(s) }

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// ValidExternalID checks an external ID: 1–128 characters, no control
// characters, no "/" (it is a path segment of the API), no surrounding spaces.
func ValidExternalID(field, id string) error {
	switch {
	case id == "":
		return apperr.Invalid(field, "must not be empty")
	case len(id) > 128:
		return apperr.Invalid(field, "longer than 128 bytes")
	case !utf8.ValidString(id):
		return apperr.Invalid(field, "is not valid UTF-8")
	case strings.TrimSpace(id) != id:
		return apperr.Invalid(field, "has leading or trailing spaces")
	case strings.ContainsRune(id, '/'):
		return apperr.Invalid(field, `must not contain "/"`)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return apperr.Invalid(field, "must not contain control characters")
	}
	return nil
}

func maxLen(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return apperr.Invalid(field, fmt.Sprintf("longer than %d characters", n))
	}
	return nil
}

func oneOf(field, v string, allowed []string) error {
	if !slices.Contains(allowed, v) {
		return apperr.Invalid(field, fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", ")))
	}
	return nil
}

func validCurrency(field, v string) error {
	if v != "" && !currencyCode.MatchString(v) {
		return apperr.Invalid(field, "is not a three-letter currency code such as USD")
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// normalize checks the contact and puts it in stored form (email lower case,
// spaces trimmed).
func (r *ContactRecord) normalize() error {
	if err := ValidExternalID("external_id", r.ExternalID); err != nil {
		return err
	}
	if r.Email == "" {
		return apperr.Invalid("email", "must not be empty")
	}
	addr, err := mail.ParseAddress(r.Email)
	if err != nil || addr.Address != r.Email {
		return apperr.Invalid("email", "not an email address")
	}
	r.Email = strings.ToLower(r.Email)
	r.Name, r.Phone, r.Company = strings.TrimSpace(r.Name), strings.TrimSpace(r.Phone), strings.TrimSpace(r.Company)
	r.Tier, r.LifecycleStage = strings.TrimSpace(r.Tier), strings.TrimSpace(r.LifecycleStage)
	if r.Phone != "" && !phoneNumber.MatchString(r.Phone) {
		return apperr.Invalid("phone", "not a phone number (digits, optionally starting with +)")
	}
	if r.CompanySize < 0 {
		return apperr.Invalid("company_size", "must not be negative")
	}
	if r.Properties == nil {
		r.Properties = map[string]any{}
	}
	for k := range r.Properties {
		if k == "" || len(k) > 64 {
			return apperr.Invalid("properties", fmt.Sprintf("property name %q must be 1 to 64 bytes", k))
		}
	}
	return firstError(maxLen("email", r.Email, 254), maxLen("name", r.Name, 200), maxLen("tier", r.Tier, 32),
		maxLen("lifecycle_stage", r.LifecycleStage, 32), maxLen("company", r.Company, 200))
}

// normalize checks the order and puts it in stored form (the number is the
// external ID unless given).
func (r *OrderRecord) normalize() error {
	if err := ValidExternalID("external_id", r.ExternalID); err != nil {
		return err
	}
	r.Number = strings.TrimSpace(r.Number)
	if r.Number == "" {
		r.Number = r.ExternalID
	}
	if err := ValidExternalID("contact", r.Contact); err != nil {
		return err
	}
	if err := firstError(maxLen("number", r.Number, 128), oneOf("status", r.Status, models.OrderStatuses),
		validCurrency("currency", r.Currency)); err != nil {
		return err
	}
	if r.TotalCents < 0 {
		return apperr.Invalid("total_cents", "must not be negative")
	}
	for i, it := range r.Items {
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case strings.TrimSpace(it.SKU) == "" && strings.TrimSpace(it.Name) == "":
			return apperr.Invalid(field, "needs a sku or a name")
		case it.Quantity < 1:
			return apperr.Invalid(field+".quantity", "must be at least 1")
		case it.PriceCents < 0:
			return apperr.Invalid(field+".price_cents", "must not be negative")
		}
		if err := firstError(maxLen(field+".sku", it.SKU, 128), maxLen(field+".name", it.Name, 200)); err != nil {
			return err
		}
	}
	if r.PlacedAt == nil || r.PlacedAt.IsZero() {
		return apperr.Invalid("placed_at", "must be set (RFC 3339, e.g. 2026-05-01T10:00:00Z)")
	}
	if r.ShippedAt != nil && r.ShippedAt.Before(*r.PlacedAt) {
		return apperr.Invalid("shipped_at", "is before placed_at")
	}
	if r.DeliveredAt != nil && r.DeliveredAt.Before(*r.PlacedAt) {
		return apperr.Invalid("delivered_at", "is before placed_at")
	}
	if t := r.Tracking; t != nil {
		if t.URL != "" {
			u, err := url.Parse(t.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return apperr.Invalid("tracking.url", "is not an http or https URL")
			}
		}
		if err := firstError(maxLen("tracking.carrier", t.Carrier, 100), maxLen("tracking.number", t.Number, 128),
			maxLen("tracking.url", t.URL, 2000)); err != nil {
			return err
		}
		if *t == (models.OrderTracking{}) {
			r.Tracking = nil
		}
	}
	if r.Items == nil {
		r.Items = []models.OrderItem{}
	}
	return nil
}

// normalize checks the product and puts it in stored form (available
// unless said otherwise).
func (r *ProductRecord) normalize() error {
	if err := ValidExternalID("external_id", r.ExternalID); err != nil {
		return err
	}
	r.Name, r.SKU = strings.TrimSpace(r.Name), strings.TrimSpace(r.SKU)
	if r.Name == "" {
		return apperr.Invalid("name", "must not be empty")
	}
	if r.Availability == "" {
		r.Availability = models.AvailabilityInStock
	}
	if err := firstError(maxLen("name", r.Name, 200), maxLen("sku", r.SKU, 128),
		oneOf("availability", r.Availability, Availabilities), validCurrency("currency", r.Currency)); err != nil {
		return err
	}
	if r.PriceCents < 0 {
		return apperr.Invalid("price_cents", "must not be negative")
	}
	for i, v := range r.Variants {
		field := fmt.Sprintf("variants[%d]", i)
		if strings.TrimSpace(v.SKU) == "" && strings.TrimSpace(v.Name) == "" {
			return apperr.Invalid(field, "needs a sku or a name")
		}
		if v.PriceCents < 0 {
			return apperr.Invalid(field+".price_cents", "must not be negative")
		}
		if v.Availability != "" {
			if err := oneOf(field+".availability", v.Availability, Availabilities); err != nil {
				return err
			}
		}
		if err := firstError(maxLen(field+".sku", v.SKU, 128), maxLen(field+".name", v.Name, 200)); err != nil {
			return err
		}
	}
	if r.Variants == nil {
		r.Variants = []models.ProductVariant{}
	}
	return nil
}

// ContactOut is a stored contact as a record.
func ContactOut(c models.Contact) ContactRecord {
	props := c.Properties.V
	if props == nil {
		props = map[string]any{}
	}
	return ContactRecord{
		ExternalID: c.ExternalID, Email: c.Email, Name: c.Name, Phone: c.Phone, Tier: c.Tier,
		LifecycleStage: c.LifecycleStage, Company: c.Company, CompanySize: c.CompanySize, Properties: props,
	}
}

// orderOut is a stored order as a record; contact is its contact's
// external ID.
func orderOut(o models.Order, contact string) OrderRecord {
	items := o.Items.V
	if items == nil {
		items = []models.OrderItem{}
	}
	placed := o.PlacedAt
	return OrderRecord{
		ExternalID: o.ExternalID, Number: o.Number, Contact: contact, Status: o.Status, Currency: o.Currency,
		TotalCents: o.TotalCents, Items: items, PlacedAt: &placed, ShippedAt: o.ShippedAt, DeliveredAt: o.DeliveredAt,
		Tracking: o.Tracking.V,
	}
}

// ProductOut is a stored product as a record.
func ProductOut(p models.Product) ProductRecord {
	variants := p.Variants.V
	if variants == nil {
		variants = []models.ProductVariant{}
	}
	return ProductRecord{
		ExternalID: p.ExternalID, Name: p.Name, SKU: p.SKU, PriceCents: p.PriceCents, Currency: p.Currency,
		Availability: p.Availability, Variants: variants,
	}
}

// UnmarshalJSON decodes an order, naming the time field that is not an RFC
// 3339 time (encoding/json would not say which).
func (r *OrderRecord) UnmarshalJSON(data []byte) error {
	type plain OrderRecord
	var wire struct {
		plain
		PlacedAt    *string `json:"placed_at"`
		ShippedAt   *string `json:"shipped_at"`
		DeliveredAt *string `json:"delivered_at"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wire); err != nil {
		return jsonError(err)
	}
	*r = OrderRecord(wire.plain)
	for _, f := range []struct {
		name string
		in   *string
		out  **time.Time
	}{{"placed_at", wire.PlacedAt, &r.PlacedAt}, {"shipped_at", wire.ShippedAt, &r.ShippedAt}, {"delivered_at", wire.DeliveredAt, &r.DeliveredAt}} {
		if f.in == nil || *f.in == "" {
			*f.out = nil
			continue
		}
		t, err := time.Parse(time.RFC3339, *f.in)
		if err != nil {
			return apperr.Invalid(f.name, "not an RFC 3339 time such as 2026-05-01T10:00:00Z")
		}
		t = t.UTC()
		*f.out = &t
	}
	return nil
}
