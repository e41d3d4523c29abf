package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/weaviate/weaviate/entities/models"
)

// Weaviate 1.35 searches collections created with BlockMax WAND (the default
// since 1.30) wrongly while new objects are still in memory: its upper-bound
// impacts of memtable terms are zero, so a limited BM25 query prunes recently
// written objects (fixed upstream in weaviate/weaviate#11780; flushed
// segments are repaired by compaction, #12022). Right after a bulk write the
// nearest examples of a message, or a fresh source's chunks, are simply not
// found until the memtable is flushed, after a minute of quiet. Measured
// here: 1 in 100 training phrases of CLINC150 found itself right after an
// import of 15,000, 97 in 100 after a flush.
//
// settle forces the flush: it deactivates the tenant and activates it again,
// which writes its memtables to disk (about 0.2 s; searches of that tenant
// fail meanwhile and are retried by their activities). It does so only for
// collections that use BlockMax WAND. The lasting fix is a Weaviate started
// with USE_INVERTED_SEARCHABLE=false (collections created then use the
// classic WAND) or a Weaviate with the fix.
func (s *Store) settle(ctx context.Context, class, tenant string) error {
	blockMax, err := s.usesBlockMax(ctx, class)
	if err != nil || !blockMax {
		return err
	}
	setStatus := func(ctx context.Context, status string) error {
		return s.client.Schema().TenantsUpdater().WithClassName(class).
			WithTenants(models.Tenant{Name: tenant, ActivityStatus: status}).Do(ctx)
	}
	if err := setStatus(ctx, models.TenantActivityStatusINACTIVE); err != nil {
		return fmt.Errorf("flush %s tenant: %w", class, describe(err))
	}
	// A tenant left inactive would fail every search: activate it whatever
	// happens to the caller's context, trying for a while.
	ctx = context.WithoutCancel(ctx)
	for attempt := 0; attempt < 10; attempt++ {
		if err = setStatus(ctx, models.TenantActivityStatusACTIVE); err == nil {
			return nil
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	return fmt.Errorf("reactivate %s tenant: %w", class, describe(err))
}

// usesBlockMax reports whether class's inverted index uses BlockMax WAND, a
// setting the client's models predate: read from the schema's JSON.
func (s *Store) usesBlockMax(ctx context.Context, class string) (bool, error) {
	if v, ok := s.blockMax.Load(class); ok {
		return v.(bool), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/v1/schema/"+class, nil)
	if err != nil {
		return false, err
	}
	if s.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+s.apiKey)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return false, fmt.Errorf("read weaviate class %s: %w", class, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("read weaviate class %s: status %d", class, resp.StatusCode)
	}
	var c struct {
		InvertedIndexConfig struct {
			UsingBlockMaxWAND bool `json:"usingBlockMaxWAND"`
		} `json:"invertedIndexConfig"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return false, fmt.Errorf("read weaviate class %s: %w", class, err)
	}
	s.blockMax.Store(class, c.InvertedIndexConfig.UsingBlockMaxWAND)
	return c.InvertedIndexConfig.UsingBlockMaxWAND, nil
}
