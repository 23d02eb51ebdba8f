package mockserver

import (
	"container/heap"
	"crypto/sha256"
	"sync"
	"time"
)

// defaultSessionTable bounds each per-process session table: ~100 bytes an entry.
const defaultSessionTable = 100_000

// tokenTable keeps a value per session until the session's absolute expiry, for at most max
// sessions. Unlike bounded.Map it never forgets everything at once: past the bound it drops
// the entries whose sessions have expired, then the one that expires first. Every operation
// is O(log n) under its lock; nothing scans the table.
type tokenTable[V any] struct {
	mu     sync.Mutex
	max    int
	values map[[sha256.Size]byte]V
	order  expiryHeap
}

func newTokenTable[V any](max int) *tokenTable[V] {
	if max <= 0 {
		max = defaultSessionTable
	}
	return &tokenTable[V]{max: max, values: map[[sha256.Size]byte]V{}}
}

func (t *tokenTable[V]) get(id [sha256.Size]byte) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.values[id]
	return v, ok
}

// put sets the value of id, whose session expires at expires; it reports whether a session
// still open had to be forgotten to keep the bound.
func (t *tokenTable[V]) put(id [sha256.Size]byte, expires time.Time, v V, now time.Time) (evicted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.values[id]; ok {
		t.values[id] = v
		return false
	}
	for len(t.order) > 0 && !now.Before(t.order[0].expires) {
		delete(t.values, heap.Pop(&t.order).(expiryEntry).id)
	}
	if len(t.values) >= t.max {
		delete(t.values, heap.Pop(&t.order).(expiryEntry).id)
		evicted = true
	}
	t.values[id] = v
	heap.Push(&t.order, expiryEntry{expires: expires, id: id})
	return evicted
}

func (t *tokenTable[V]) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.values)
}

type expiryEntry struct {
	expires time.Time
	id      [sha256.Size]byte
}

// expiryHeap orders entries by expiry, soonest first (container/heap).
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
