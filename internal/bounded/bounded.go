// Package bounded is the module's one cache shape: a map behind a read-write lock, bounded in
// entries and in the bytes of its keys, that starts afresh past either bound. Everything it
// holds can be computed again, so forgetting only costs time; memory stays bounded however
// varied the requests.
package bounded

import "sync"

// Defaults of a Map whose Init was not called.
const (
	DefaultEntries = 1 << 16
	DefaultBytes   = 64 << 20
)

// Map is a bounded cache; its zero value is ready, with the default bounds.
type Map[K ~string, V any] struct {
	mu         sync.RWMutex
	m          map[K]V
	bytes      int
	maxEntries int
	maxBytes   int
}

// Init sets the bounds: at most entries entries, and keys of at most bytes bytes in all.
func (b *Map[K, V]) Init(entries, bytes int) {
	b.mu.Lock()
	b.maxEntries, b.maxBytes = entries, bytes
	b.mu.Unlock()
}

// Get returns the value kept for k.
func (b *Map[K, V]) Get(k K) (V, bool) {
	b.mu.RLock()
	v, ok := b.m[k]
	b.mu.RUnlock()
	return v, ok
}

// GetBytes is Get for a key held as bytes, without making a string of it.
func (b *Map[K, V]) GetBytes(k []byte) (V, bool) {
	b.mu.RLock()
	v, ok := b.m[K(k)]
	b.mu.RUnlock()
	return v, ok
}

// Put keeps v for k; size is what k weighs against the byte bound (usually len(k)).
func (b *Map[K, V]) Put(k K, v V, size int) {
	b.mu.Lock()
	entries, bytes := b.maxEntries, b.maxBytes
	if entries <= 0 {
		entries = DefaultEntries
	}
	if bytes <= 0 {
		bytes = DefaultBytes
	}
	if b.m == nil || len(b.m) >= entries || b.bytes+size > bytes {
		b.m = make(map[K]V)
		b.bytes = 0
	}
	if _, dup := b.m[k]; !dup {
		b.bytes += size
	}
	b.m[k] = v
	b.mu.Unlock()
}
