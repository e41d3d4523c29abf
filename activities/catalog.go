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
	if err := a.DB.WithContext(ctx).Select("name", "availability", "price_cents", "currency").
		Where("workspace_id = ?", workspaceID).Order("name").Limit(maxCatalog).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	products := make([]answer.Product, len(rows))
	for i, r := range rows {
		products[i] = answer.Product{Name: r.Name, Availability: r.Availability, PriceCents: r.PriceCents, Currency: r.Currency}
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
