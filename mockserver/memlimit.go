package mockserver

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// indexMeter counts the bytes of a server's index: the timed lists its stores keep (with their
// sorted runs) and the books' slot tables. The soft memory limit follows it.
type indexMeter struct {
	bytes   atomic.Int64
	changed atomic.Pointer[func()] // called after every change, once a limit is managed
}

func (m *indexMeter) add(bytes int64) {
	m.bytes.Add(bytes)
	if f := m.changed.Load(); f != nil {
		(*f)()
	}
}

// memoryLimit is the limit ManageMemoryLimit keeps.
type memoryLimit struct {
	mu   sync.Mutex
	set  func(bytes int64)
	base int64 // the live heap that is neither index nor records, measured once
	last int64 // the limit last set
}

// ManageMemoryLimit sets a soft memory limit through set (runtime/debug.SetMemoryLimit), now
// and whenever the index changes by more than a sixteenth: the index (the lists kept, their
// sorted runs, the slot tables; counted as they are built and dropped), plus the record
// budget, plus the rest of the heap (measured now, after a collection: call it once the
// index is built, after Warm), plus an eighth of all three (limitHeadroom; at least 32 MiB)
// for what requests make and drop and for a sort's words. Nothing without a record budget: the records are then
// unbounded, and so is the heap.
//
// [choice] The limit only makes the collector work harder when the heap nears it: with Go's
// default GOGC=100 a heap of half a gigabyte of index may grow to twice that while a sort
// makes and drops contacts, and a limit keeps it near the index plus the budget instead. A
// server well under its limit (the default data: about 30 MB live, a limit of some 600 MB)
// collects exactly as without one. The limit follows the index, so lists built later (the
// real clock's, X-Mock-Now's, up to four an account) raise it instead of making the
// collector run without end.
func (s *Server) ManageMemoryLimit(set func(bytes int64)) {
	if s.cfg.RecordCacheBytes <= 0 || set == nil {
		return
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	ml := &s.memLimit
	ml.mu.Lock()
	ml.set, ml.base, ml.last = set, int64(m.HeapAlloc)-s.index.bytes.Load(), 0
	ml.mu.Unlock()
	follow := s.followIndex
	s.index.changed.Store(&follow)
	s.followIndex()
}

// MemoryLimit returns the limit ManageMemoryLimit keeps now (0 before it is asked for).
func (s *Server) MemoryLimit() int64 {
	ml := &s.memLimit
	ml.mu.Lock()
	defer ml.mu.Unlock()
	if ml.set == nil {
		return 0
	}
	return s.memoryLimitNow()
}

// memoryLimitNow is the limit for the index counted now; memLimit.mu is held.
func (s *Server) memoryLimitNow() int64 {
	base := s.memLimit.base + s.index.bytes.Load() + s.cfg.RecordCacheBytes
	return base + max(base/limitHeadroom, 32<<20)
}

// limitHeadroom: the limit is the index, the budget and the rest of the heap, plus this
// fraction of them. An eighth, not the fifth the memory target allows (docs/benchmarks.md):
// the limit is soft, and the process's RSS runs some megabytes above the heap the runtime
// counts (at 3M contacts, 14 MB over a limit of 607 MB).
const limitHeadroom = 8

// followIndex sets the limit again when it has moved by more than a sixteenth.
func (s *Server) followIndex() {
	ml := &s.memLimit
	ml.mu.Lock()
	defer ml.mu.Unlock()
	limit := s.memoryLimitNow()
	if d := limit - ml.last; ml.last == 0 || d > ml.last/16 || -d > ml.last/16 {
		ml.last = limit
		ml.set(limit)
	}
}
