package mockserver

import (
	"sync"
	"unsafe"
)

// recordBudget bounds the memory of the records the store keeps in its slots: past the
// budget, the records stored longest ago are dropped from their slots (first in, first
// out), to be generated again if asked for. So walking millions of contacts costs the index
// plus the budget, whatever is walked.
//
// [choice] First in, first out rather than least recently used: a hit then costs no lock
// and no write, and a dropped record that is still hot costs one generation (microseconds).
type recordBudget struct {
	max int64

	mu    sync.Mutex
	bytes int64
	queue []budgetEntry // queue[head:] in the order stored
	head  int
}

type budgetEntry struct {
	slot *slot
	rec  *record
	cost int64
}

// recordCost estimates the heap a record holds: its struct (the contact's fields included),
// its JSON, and the contact's strings, about as long as the JSON's values.
func recordCost(r *record) int64 {
	return int64(unsafe.Sizeof(*r)) + int64(cap(r.json)) + int64(len(r.json))
}

func newRecordBudget(maxBytes int64) *recordBudget {
	if maxBytes <= 0 {
		return nil
	}
	return &recordBudget{max: maxBytes}
}

// stored counts a record just stored in sl, and drops the oldest ones past the budget.
func (b *recordBudget) stored(sl *slot, r *record) {
	cost := recordCost(r)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.queue = append(b.queue, budgetEntry{slot: sl, rec: r, cost: cost})
	b.bytes += cost
	for b.bytes > b.max && b.head < len(b.queue)-1 {
		old := b.queue[b.head]
		b.queue[b.head] = budgetEntry{}
		b.head++
		// Only if the slot still holds that record: a newer version stored since is counted
		// by its own entry, and the old one is garbage already.
		old.slot.rec.CompareAndSwap(old.rec, nil)
		b.bytes -= old.cost
	}
	if b.head > len(b.queue)/2 && b.head > 1024 {
		n := copy(b.queue, b.queue[b.head:])
		clear(b.queue[n:])
		b.queue, b.head = b.queue[:n], 0
	}
}

// held reports the bytes counted and the records queued.
func (b *recordBudget) held() (int64, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes, len(b.queue) - b.head
}
