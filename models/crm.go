package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Product availabilities.
const (
	AvailabilityInStock      = "in_stock"
	AvailabilityOutOfStock   = "out_of_stock"
	AvailabilityPreorder     = "preorder"
	AvailabilityDiscontinued = "discontinued"
)

// OrderTracking is where an order's parcel is.
type OrderTracking struct {
	Carrier string `json:"carrier,omitempty"`
	Number  string `json:"number,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Product is an item of the workspace's catalogue.
type Product struct {
	ID          string `gorm:"primaryKey;size:36"`
	WorkspaceID string `gorm:"not null;size:36;uniqueIndex:idx_product_external"`
	// ExternalID is the company's own ID of the product.
	ExternalID   string `gorm:"not null;size:128;uniqueIndex:idx_product_external"`
	Name         string `gorm:"not null"`
	SKU          string `gorm:"size:128;index"`
	PriceCents   int64
	Currency     string `gorm:"size:3"`
	Availability string `gorm:"not null;size:16"`
	Variants     JSON[[]ProductVariant]
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ProductVariant is one variant of a product (a size, a colour).
type ProductVariant struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	PriceCents   int64  `json:"price_cents,omitempty"`
	Availability string `json:"availability,omitempty"`
}

// crmModels lists the CRM's models that models.go does not hold.
func crmModels() []any { return []any{&Product{}} }

// externalIDBackfill gives the contacts and orders written before external
// IDs existed their natural keys as external IDs (email, order number).
// Needed reports the tables that lack the column before AutoMigrate adds it;
// run fills them after.
type externalIDBackfill struct {
	contacts, orders bool
}

func needExternalIDs(db *gorm.DB) externalIDBackfill {
	m := db.Migrator()
	return externalIDBackfill{
		contacts: m.HasTable(&Contact{}) && !m.HasColumn(&Contact{}, "ExternalID"),
		orders:   m.HasTable(&Order{}) && !m.HasColumn(&Order{}, "ExternalID"),
	}
}

func (b externalIDBackfill) run(db *gorm.DB) error {
	if b.contacts {
		if err := db.Exec("UPDATE contacts SET external_id = email WHERE external_id = ''").Error; err != nil {
			return fmt.Errorf("contacts' external ids: %w", err)
		}
	}
	if b.orders {
		if err := db.Exec("UPDATE orders SET external_id = number WHERE external_id = ''").Error; err != nil {
			return fmt.Errorf("orders' external ids: %w", err)
		}
	}
	return nil
}
