package rules

import (
	"container/list"
	"sync"
)

// DefaultCacheSize is the number of programs a [Cache] holds when NewCache is
// given a size of 0 or less.
const DefaultCacheSize = 1024

// Cache is a concurrency-safe, size-bounded cache of compiled conditions.
// Entries are keyed by a caller-supplied key (such as rule ID and version)
// together with the condition text, so an edited condition never reuses a
// stale program. Compile errors are cached too: compiling is deterministic.
// When full, the least recently used entry is dropped.
type Cache struct {
	max     int
	mu      sync.Mutex
	entries map[cacheKey]*list.Element
	order   *list.List // of *cacheEntry, most recently used first
}

// cacheKey identifies a cache entry.
type cacheKey struct {
	key       string
	condition string
}

// cacheEntry is a compiled condition or the error compiling it.
type cacheEntry struct {
	key     cacheKey
	program *Program
	err     error
}

// NewCache returns a cache holding up to max programs (DefaultCacheSize when
// max is 0 or less).
func NewCache(max int) *Cache {
	if max <= 0 {
		max = DefaultCacheSize
	}
	return &Cache{max: max, entries: map[cacheKey]*list.Element{}, order: list.New()}
}

// Compile returns the compiled program for condition under key, compiling it
// on first use. Errors are as from [Compile].
func (c *Cache) Compile(key, condition string) (*Program, error) {
	k := cacheKey{key: key, condition: condition}
	c.mu.Lock()
	if element, ok := c.entries[k]; ok {
		c.order.MoveToFront(element)
		entry := element.Value.(*cacheEntry)
		c.mu.Unlock()
		return entry.program, entry.err
	}
	c.mu.Unlock()

	// Compile outside the lock; two callers racing on the same key both
	// compile and store equal results.
	program, err := Compile(condition)

	c.mu.Lock()
	defer c.mu.Unlock()
	if element, ok := c.entries[k]; ok {
		c.order.MoveToFront(element)
		entry := element.Value.(*cacheEntry)
		return entry.program, entry.err
	}
	c.entries[k] = c.order.PushFront(&cacheEntry{key: k, program: program, err: err})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).key)
	}
	return program, err
}

// Len returns the number of cached programs.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
