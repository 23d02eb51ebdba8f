package mockserver

import (
	"runtime"
)

// MemoryLimit returns the soft memory limit (runtime/debug.SetMemoryLimit) that suits the data
// served: the heap live now (call it once the index is built, after Warm), plus the record
// budget, plus a fifth of both (at least 32 MiB) for what requests make and drop and for a
// sort's words. 0 without a record budget: the records are then unbounded, and so is the heap.
// It runs a collection to measure the live heap.
//
// [choice] The limit only makes the collector work harder when the heap nears it: with Go's
// default GOGC=100 a heap of half a gigabyte of index may grow to twice that while a sort
// makes and drops contacts, and a limit keeps it near the index plus the budget instead. A
// server well under its limit (the default data: about 30 MB live, a limit of some 600 MB)
// collects exactly as without one.
func (s *Server) MemoryLimit() int64 {
	budget := s.cfg.RecordCacheBytes
	if budget <= 0 {
		return 0
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := int64(m.HeapAlloc) + budget
	return base + max(base/5, 32<<20)
}
