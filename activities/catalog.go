package activities

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/models"
)

// catalogTTL is how long a workspace's products are kept before they are
// read again: a product imported or changed shows in the extractive answers
// within it.
const catalogTTL = time.Minute

// maxCatalog bounds the products read.
const maxCatalog = 20000

// catalogCache keeps each workspace's products (answer.Catalog) for the
// extractive answerer.
type catalogCache struct {
	mu   sync.Mutex
	byWS map[string]catalogEntry
}

type catalogEntry struct {
	catalog *answer.Catalog
	read    time.Time
}

// catalog is the workspace's products, read at most once a minute.
func (a *Activities) catalog(ctx context.Context, workspaceID string) (*answer.Catalog, error) {
	c := &a.catalogs
	c.mu.Lock()
	e, ok := c.byWS[workspaceID]
	c.mu.Unlock()
	if ok && time.Since(e.read) < catalogTTL {
		return e.catalog, nil
	}
	var rows []models.Product
	if err := a.DB.WithContext(ctx).Select("name", "sku", "availability", "price_cents", "currency", "variants").
		Where("workspace_id = ?", workspaceID).Order("name").Limit(maxCatalog).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	products := make([]answer.Product, len(rows))
	for i, r := range rows {
		products[i] = answer.Product{Name: r.Name, SKU: r.SKU, Availability: r.Availability, PriceCents: r.PriceCents, Currency: r.Currency}
		for _, v := range r.Variants.V {
			products[i].Variants = append(products[i].Variants,
				answer.Variant{Name: v.Name, SKU: v.SKU, PriceCents: v.PriceCents, Availability: v.Availability})
		}
	}
	e = catalogEntry{catalog: answer.NewCatalog(products), read: time.Now()}
	c.mu.Lock()
	if c.byWS == nil {
		c.byWS = map[string]catalogEntry{}
	}
	c.byWS[workspaceID] = e
	c.mu.Unlock()
	return e.catalog, nil
}

// LookUpProductsInput asks for the workspace's products a query names.
type LookUpProductsInput struct {
	WorkspaceID string
	Query       string
}

// CatalogHeading is the heading of a product's passage: the catalog, not
// the help content.
const CatalogHeading = "Product catalog"

// LookUpProducts is the model's product lookup: the products the query
// names best (answer.Catalog.Find), each a passage the reply may cite,
// with its price, availability and variants as the catalog has them now
// (read at most a minute ago). A catalog is the company's, not a
// customer's: it needs no verification.
func (a *Activities) LookUpProducts(ctx context.Context, in LookUpProductsInput) ([]Passage, error) {
	catalog, err := a.catalog(ctx, in.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out []Passage
	for _, p := range catalog.Find(in.Query) {
		out = append(out, Passage{Title: p.Name, Heading: CatalogHeading, Text: p.Describe()})
	}
	return out, nil
}
