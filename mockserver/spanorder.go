package mockserver

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// A client that pages through a large export with a non-default _orderby (by name, say) asks
// the same question again and again: the same filtered set of the same snapshot, in the same
// order, one page further each time. Selecting a page with orderWindow costs a pass over the
// whole set every time (80 ms for 190,000 contacts). So the first such request starts sorting
// the set in the background, and once that is done every page of it is read straight from
// the sorted positions.
//
// Only sets that are a contiguous run of a timed list qualify: no filter, or a
// ModificationTimestamp range (the incremental export's question), which filterEntries
// answers as a slice of the list. Such a set is known exactly by its bounds, whatever filter
// text or clock produced it, so the cache can never answer for another set. Sorting uses the
// same total order as orderWindow, so the bytes are the same either way (a test checks).

// spanOrders holds the sorted runs of one timed list.
type spanOrders struct {
	mu   sync.Mutex
	m    map[spanKey]*spanOrder
	kept bool // the list is kept by a cache: a run made ready is counted in the index
}

// held sets kept and returns the bytes of the runs ready.
func (o *spanOrders) held(kept bool) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.kept = kept
	var n int64
	for _, so := range o.m {
		if so.ready.Load() {
			n += int64(cap(so.pos)) * 4
		}
	}
	return n
}

// publish makes a run ready, and returns the bytes to count in the index (none while the list
// is not kept: they are counted when it is).
func (o *spanOrders) publish(so *spanOrder, pos []int32, keys []sortKey) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	so.pos, so.keys = pos, keys
	so.ready.Store(true) // publishes pos: readers load ready first
	if !o.kept {
		return 0
	}
	return int64(cap(pos)) * 4
}

// spanKey names a run [lo, hi) of a timed list and the order asked for.
type spanKey struct {
	order  string
	lo, hi int
}

// spanOrder is a run's positions in the list, in the order asked for, once ready.
type spanOrder struct {
	ready atomic.Bool
	pos   []int32
	keys  []sortKey // the order, set before ready
}

const (
	// defaultMinSortedSpan: below it a bounded heap selects a page in well under a millisecond.
	defaultMinSortedSpan = 2048
	// maxSpanOrders bounds the sorted runs kept per timed list (4 bytes per contact each).
	maxSpanOrders = 8
)

// orderRangeIn returns the entries skip to need (excluded) of list, a subset of tl.list, in
// the order keys ask for: from a sorted run when one is ready, by orderWindow otherwise. A page
// read from a sorted run costs the page, not the window before it; it is built in scratch's
// memory when it fits (the caller's, reused from request to request), so that it allocates
// nothing.
func (s *store) orderRangeIn(scratch []entry, tl *timedList, list []entry, keys []sortKey, skip, need int) []entry {
	need = min(need, len(list))
	skip = min(skip, max(need, 0))
	if need <= 0 || isListOrder(keys) || isNewestFirst(keys) {
		return s.orderWindowIn(scratch, list, keys, need)[skip:]
	}
	lo, ok := spanOf(tl.list, list)
	if !ok {
		return s.orderWindowIn(scratch, list, keys, need)[skip:]
	}
	if isIDOrder(keys) && len(list)*16 >= len(tl.list) {
		// The whole list, or a long run of it, is read from the list's Id order; a short run
		// is sorted like any other order (a sorted run once it is long enough).
		return idWalk(scratch, tl, lo, lo+len(list), skip, need)
	}
	if len(list) < s.minSortedSpan {
		return s.orderWindowIn(scratch, list, keys, need)[skip:]
	}
	key := spanKey{order: orderText(keys), lo: lo, hi: lo + len(list)}
	so, fresh := tl.orders.lookup(key)
	if so != nil && so.ready.Load() {
		out := pageIn(scratch, need-skip)
		for _, p := range so.pos[skip:need] {
			out = append(out, tl.list[p])
		}
		return out
	}
	if fresh {
		s.sortSpan(tl, key, keys, so)
	}
	return s.orderWindowIn(scratch, list, keys, need)[skip:]
}

// spanOf finds where part lies in full when it is a contiguous run of it (the same memory,
// not merely equal entries).
func spanOf(full, part []entry) (int, bool) {
	if len(part) == 0 {
		return 0, false
	}
	i, found := slices.BinarySearchFunc(full, part[0], listLess)
	if !found || i+len(part) > len(full) {
		return 0, false
	}
	return i, &full[i] == &part[0]
}

// pageIn returns an empty slice for n entries: scratch when it has room, new memory otherwise.
func pageIn(scratch []entry, n int) []entry {
	if cap(scratch) >= n {
		return scratch[:0]
	}
	return make([]entry, 0, n)
}

// idWalk returns the entries skip to need (excluded) of the run [lo, hi) of tl.list in Id
// order, walking the list's Id order.
func idWalk(scratch []entry, tl *timedList, lo, hi, skip, need int) []entry {
	out := pageIn(scratch, need-skip)
	seen := 0
	for _, p := range tl.byID {
		if int(p) >= lo && int(p) < hi {
			if seen >= skip {
				out = append(out, tl.list[p])
			}
			if seen++; seen == need {
				break
			}
		}
	}
	return out
}

// orderText is the cache's name for an order.
func orderText(keys []sortKey) string {
	var b strings.Builder
	for _, k := range keys {
		if k.desc {
			b.WriteByte('-')
		}
		b.WriteString(k.name)
		b.WriteByte(',')
	}
	return b.String()
}

// lookup returns the run's entry and whether this call created it (so the caller is the one
// to sort it). It creates none once the list holds maxSpanOrders.
func (o *spanOrders) lookup(key spanKey) (*spanOrder, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if so, ok := o.m[key]; ok {
		return so, false
	}
	if len(o.m) >= maxSpanOrders {
		return nil, false
	}
	if o.m == nil {
		o.m = map[spanKey]*spanOrder{}
	}
	so := &spanOrder{}
	o.m[key] = so
	return so, true
}

func (o *spanOrders) forget(key spanKey) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.m, key)
}

// sortSpan sorts a run in the background. One sort runs at a time per store, so a burst of
// new questions cannot take every core; a run that finds the sorter busy is forgotten, and
// the next request for it tries again.
func (s *store) sortSpan(tl *timedList, key spanKey, keys []sortKey, so *spanOrder) {
	select {
	case s.sorting <- struct{}{}:
	default:
		tl.orders.forget(key)
		return
	}
	s.sorts.Add(1)
	go func() {
		defer s.sorts.Done()
		defer func() { <-s.sorting }()
		pos := s.sortPositions(tl.list[key.lo:key.hi], keys)
		for i := range pos {
			pos[i] += int32(key.lo)
		}
		s.countIndex(tl.orders.publish(so, pos, keys))
	}()
}

// carryOrders moves prev's sorted runs that reach the end of the list (a ModificationTimestamp
// Gt or Ge filter, or none) onto tl, the list advance made from prev, instead of sorting them
// again on the next request. kept maps prev's positions to tl's (-1: the contact changed), and
// tl.list[n:] are the contacts that changed or were added, all at the end of tl: each run
// keeps its kept contacts in their order, and the changes are put in place by a binary search.
func (s *store) carryOrders(prev, tl *timedList, kept []int32, n int) {
	prev.orders.mu.Lock()
	type run struct {
		key spanKey
		so  *spanOrder
	}
	var runs []run
	for key, so := range prev.orders.m {
		if so.ready.Load() && key.hi == len(prev.list) {
			runs = append(runs, run{key, so})
		}
	}
	prev.orders.mu.Unlock()
	for _, r := range runs {
		keys := r.so.keys
		lo := n
		for p := r.key.lo; p < len(kept); p++ {
			if kept[p] >= 0 {
				lo = int(kept[p])
				break
			}
		}
		compare := func(a, b int32) int {
			ea, eb := tl.list[a], tl.list[b]
			var ra, rb *record
			if !entryOnly(keys) {
				ra, rb = s.record(ea), s.record(eb)
			}
			return s.compareEntries(keys, ea, eb, ra, rb)
		}
		old := make([]int32, 0, r.key.hi-r.key.lo)
		for _, p := range r.so.pos {
			if k := kept[p]; k >= 0 {
				old = append(old, k)
			}
		}
		added := make([]int32, len(tl.list)-n)
		for i := range added {
			added[i] = int32(n + i)
		}
		slices.SortFunc(added, compare)
		pos := make([]int32, 0, len(old)+len(added))
		from := 0
		for _, a := range added {
			at, _ := slices.BinarySearchFunc(old[from:], a, compare)
			pos = append(pos, old[from:from+at]...)
			pos = append(pos, a)
			from += at
		}
		pos = append(pos, old[from:]...)
		key := spanKey{order: r.key.order, lo: lo, hi: len(tl.list)}
		if so, fresh := tl.orders.lookup(key); fresh {
			s.countIndex(tl.orders.publish(so, pos, keys))
		}
	}
}
