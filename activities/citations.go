package activities

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"
)

// citationWriteTimeout bounds one background write of citation counts.
const citationWriteTimeout = 30 * time.Second

// citationCounts adds the citations of written replies to their sources'
// counters in the background, after the record that holds the replies has
// been written: a conversation's first record is written before its reply,
// which then does not wait for the counters too. Counts that arrive while a
// write is under way are added together and written by the next one, so
// conversations citing the same source at once update its row once.
//
// A process that stops before a write loses those counts, as one that
// stopped between the record and the count did before: the counters are
// for reports, the records hold the citations. Activities.FlushCitations,
// called when the worker stops, writes what is pending.
type citationCounts struct {
	mu sync.Mutex
	// pending are the counts not written yet, by workspace and source.
	pending map[string]map[string]int
	// done is closed when the writer running has nothing left to write;
	// nil while none runs.
	done chan struct{}
}

// add queues cited, the new citations of a workspace's sources, and starts
// the writer unless it runs.
func (c *citationCounts) add(db *gorm.DB, workspaceID string, cited map[string]int) {
	if len(cited) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[string]map[string]int{}
	}
	counts := c.pending[workspaceID]
	if counts == nil {
		counts = map[string]int{}
		c.pending[workspaceID] = counts
	}
	for id, n := range cited {
		counts[id] += n
	}
	if c.done == nil {
		c.done = make(chan struct{})
		go c.write(db, c.done)
	}
}

// write writes the pending counts until none is left, then closes done.
func (c *citationCounts) write(db *gorm.DB, done chan struct{}) {
	for {
		c.mu.Lock()
		batch := c.pending
		c.pending = nil
		if len(batch) == 0 {
			c.done = nil
			c.mu.Unlock()
			close(done)
			return
		}
		c.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), citationWriteTimeout)
		for workspaceID, cited := range batch {
			if err := countCitations(db.WithContext(ctx), workspaceID, cited); err != nil {
				slog.Warn("citation counts not updated", "workspace", workspaceID, "sources", len(cited), "error", err)
			}
		}
		cancel()
	}
}

// flush waits until the counts queued so far are written, or ctx ends.
func (c *citationCounts) flush(ctx context.Context) error {
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FlushCitations waits until the citation counts of the records written so
// far are added to their sources (see citationCounts), or ctx ends. The
// worker calls it when it stops.
func (a *Activities) FlushCitations(ctx context.Context) error {
	return a.citations.flush(ctx)
}
