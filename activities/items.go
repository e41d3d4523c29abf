package activities

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/answer"
	"github.com/switchboardhq/switchboard/models"
)

// itemsTTL is how long a workspace's product words are kept before they are
// read again: a product imported shows in the extractive answers within it.
const itemsTTL = time.Minute

// maxItemNames bounds the product names read for their words.
const maxItemNames = 20000

// itemsCache keeps each workspace's product words (answer.Items) for the
// extractive answerer.
type itemsCache struct {
	mu   sync.Mutex
	byWS map[string]itemsEntry
}

type itemsEntry struct {
	items *answer.Items
	read  time.Time
}

// items are the words of the workspace's product names, read at most once
// a minute.
func (a *Activities) items(ctx context.Context, workspaceID string) (*answer.Items, error) {
	c := &a.itemWords
	c.mu.Lock()
	e, ok := c.byWS[workspaceID]
	c.mu.Unlock()
	if ok && time.Since(e.read) < itemsTTL {
		return e.items, nil
	}
	var names []string
	if err := a.DB.WithContext(ctx).Model(&models.Product{}).Where("workspace_id = ?", workspaceID).
		Limit(maxItemNames).Pluck("name", &names).Error; err != nil {
		return nil, fmt.Errorf("product names: %w", err)
	}
	e = itemsEntry{items: answer.NewItems(names), read: time.Now()}
	c.mu.Lock()
	if c.byWS == nil {
		c.byWS = map[string]itemsEntry{}
	}
	c.byWS[workspaceID] = e
	c.mu.Unlock()
	return e.items, nil
}
