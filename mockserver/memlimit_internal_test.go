package mockserver

import (
	"testing"
	"time"
	"unsafe"
)

// indexBytesOf recounts what a store's index holds: its slot tables, the lists its caches keep
// and their sorted runs.
func indexBytesOf(st *store) int64 {
	var n int64
	for _, b := range st.books {
		n += int64(len(b.slots.Load().chunks)) * int64(unsafe.Sizeof(slotChunk{}))
		for _, lc := range []*listCache{&b.own, &b.all} {
			lc.mu.RLock()
			for _, tl := range lc.lists {
				n += int64(cap(tl.list))*int64(unsafe.Sizeof(entry{})) + int64(cap(tl.next))*8 + int64(cap(tl.byID))*4
				tl.orders.mu.Lock()
				for _, so := range tl.orders.m {
					if so.ready.Load() {
						n += int64(cap(so.pos)) * 4
					}
				}
				tl.orders.mu.Unlock()
			}
			lc.mu.RUnlock()
		}
	}
	return n
}

// TestMemoryLimitFollowsTheIndex: the index the memory limit follows is what the stores keep,
// as lists are built at other times, dropped past four an account, sorted, and as the
// fixtures are reloaded; the limit set is the index plus the budget plus the rest, plus an eighth.
func TestMemoryLimitFollowsTheIndex(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RecordCacheBytes = 1 << 20
	cfg.Tree = sortTree(t)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	s.Warm(at)
	var set []int64
	s.ManageMemoryLimit(func(limit int64) { set = append(set, limit) })
	st := s.world().store
	check := func(when string) {
		t.Helper()
		if got, want := s.index.bytes.Load(), indexBytesOf(st); got != want {
			t.Fatalf("%s: the index counted is %d bytes, the stores keep %d", when, got, want)
		}
		s.memLimit.mu.Lock()
		base := s.memLimit.base
		s.memLimit.mu.Unlock()
		sum := base + s.index.bytes.Load() + cfg.RecordCacheBytes
		if got := s.MemoryLimit(); got != sum+max(sum/limitHeadroom, 32<<20) {
			t.Fatalf("%s: limit %d for %d bytes of index, budget and the rest", when, got, sum)
		}
	}
	if len(set) != 1 {
		t.Fatalf("the limit was set %d times at start, want once", len(set))
	}
	check("after Warm")
	first := s.index.bytes.Load()
	st.minSortedSpan = 1
	keys := keysOf(t, s, "DisplayName")
	for k, days := range []int{-400, -300, -200, -100, -50, 30, -10} { // more than four lists an account
		sn := st.snapshot(at.AddDate(0, 0, days))
		for ord := range st.books {
			tl := sn.allTimed(ord)
			if k%2 == 0 && len(tl.list) > 0 {
				st.orderPage(tl, tl.list, keys, 5)
				st.sorts.Wait()
			}
		}
		st.ahead.Wait()
	}
	check("after lists at seven times, sorted runs among them")
	if s.index.bytes.Load() <= first {
		t.Fatalf("more lists kept, but the index counted did not grow (%d -> %d)", first, s.index.bytes.Load())
	}
	if set[len(set)-1] <= set[0] {
		t.Fatalf("the index grew %d -> %d bytes, the limit set did not: %v", first, s.index.bytes.Load(), set)
	}
	if err := s.Reload(sortTree(t)); err != nil {
		t.Fatal(err)
	}
	st = s.world().store
	s.Warm(at)
	check("after a reload")
}

// TestMemoryLimitMovesPastASixteenth: the limit is set again only when the index moves it by
// more than a sixteenth, either way, not on every list kept or dropped.
func TestMemoryLimitMovesPastASixteenth(t *testing.T) {
	var s Server
	s.cfg.RecordCacheBytes = 1 << 30
	var set []int64
	s.memLimit.set = func(limit int64) { set = append(set, limit) }
	follow := s.followIndex
	s.index.changed.Store(&follow)
	s.followIndex()
	first := s.MemoryLimit()
	for _, step := range []struct {
		name  string
		bytes int64
		sets  int
	}{
		{"a MiB more", 1 << 20, 1},
		{"a MiB less", -1 << 20, 1},
		{"128 MiB more", 128 << 20, 2},
		{"128 MiB less", -128 << 20, 3},
	} {
		s.index.add(step.bytes)
		if len(set) != step.sets {
			t.Fatalf("%s: the limit was set %d times (%v), want %d", step.name, len(set), set, step.sets)
		}
		if got, want := set[len(set)-1], s.MemoryLimit(); step.sets > 1 && got != want {
			t.Fatalf("%s: the limit set is %d, want %d", step.name, got, want)
		}
	}
	if set[0] != first || set[2] != first {
		t.Errorf("limits set %v, want the first and the last %d", set, first)
	}
}
