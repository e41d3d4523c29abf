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

// catalogCache keeps each workspace's products for the extractive answerer:
// the words of their names (answer.Items) and their stock and prices
// (answer.Catalog).
type catalogCache struct {
	mu   sync.Mutex
	byWS map[string]catalogEntry
}

type catalogEntry struct {
	items   *answer.Items
	catalog *answer.Catalog
	read    time.Time
}

// catalog is the workspace's products, read at most once a minute.
func (a *Activities) catalog(ctx context.Context, workspaceID string) (catalogEntry, error) {
	c := &a.catalogs
	c.mu.Lock()
	e, ok := c.byWS[workspaceID]
	c.mu.Unlock()
	if ok && time.Since(e.read) < catalogTTL {
		return e, nil
	}
	var rows []models.Product
	if err := a.DB.WithContext(ctx).Select("name", "availability", "price_cents", "currency").
		Where("workspace_id = ?", workspaceID).Order("name").Limit(maxCatalog).Find(&rows).Error; err != nil {
		return e, fmt.Errorf("products: %w", err)
	}
	names := make([]string, len(rows))
	products := make([]answer.Product, len(rows))
	for i, r := range rows {
		names[i] = r.Name
		products[i] = answer.Product{Name: r.Name, Availability: r.Availability, PriceCents: r.PriceCents, Currency: r.Currency}
	}
	e = catalogEntry{items: answer.NewItems(names), catalog: answer.NewCatalog(products), read: time.Now()}
	c.mu.Lock()
	if c.byWS == nil {
		c.byWS = map[string]catalogEntry{}
	}
	c.byWS[workspaceID] = e
	c.mu.Unlock()
	return e, nil
}

// extractive answers a question from passages as the extractive answerer
// does, knowing the workspace's products: a product the question names is
// the item it is about, and what the catalog says of its stock or price
// comes first (alone when the content does not answer).
func (a *Activities) extractive(ctx context.Context, gen answer.Generator, workspaceID string, req answer.Request) (answer.Answer, error) {
	products, err := a.catalog(ctx, workspaceID)
	if err != nil {
		return answer.Answer{}, err
	}
	req.Items = products.items
	ans, err := gen.Generate(ctx, req)
	if err != nil {
		return ans, err
	}
	says := products.catalog.Says(req.Question)
	switch {
	case says == "":
	case ans.Known:
		ans.Text = says + " " + ans.Text
	default:
		ans = answer.Answer{Text: says, Known: true, Confidence: 1}
	}
	return ans, nil
}
