package mockserver

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/sparkmock/sparkmock/fixtures"
)

// store holds what the server knows about contacts: per account, the book of the clock
// model, the records generated so far, and lists of which contacts exist at which version,
// each kept for the span of time it holds. Everything in it is derived from (seed, tree,
// time) and can be rebuilt; it only saves work.
type store struct {
	tree     *fixtures.Tree
	gen      *fixtures.Generator
	loc      *time.Location
	books    []*bookCache
	byID     map[string]int
	bySuffix map[string]int // the six-digit tail of contact ids → book
	// pinnedByID finds the contacts the fixtures file spells out.
	pinnedByID map[string]entry
	// controlled lists, per book, the books /export/all reads: its own and its subtree's.
	controlled [][]int

	// Sorted runs for non-default orders (spanorder.go): the one sorter's slot, the sorts
	// under way (tests wait for them), and the smallest run worth sorting.
	sorting       chan struct{}
	sorts         sync.WaitGroup
	minSortedSpan int

	// Lists built ahead on the real clock (prebuild): how long before their time, how far
	// ahead at most, and the builds under way (tests wait for them).
	lead, horizon time.Duration
	ahead         sync.WaitGroup

	budget *recordBudget // bounds the records kept in slots; nil: no bound (recordcache.go)
	// index counts the bytes of the lists kept (with their sorted runs) and of the slot
	// tables; meter, when not nil, is the server's count the memory limit follows (memlimit.go).
	index atomic.Int64
	meter *indexMeter
	// tooMany is the first unix second at which the books hold more contacts than
	// -max-contacts; math.MaxInt64 without a maximum (maxcontacts.go).
	tooMany int64
}

type bookCache struct {
	account     fixtures.Account
	book        *fixtures.Book
	ownerMember []byte
	ownerBox    any // the owner id, boxed once for the filter
	pinned      []*record

	mu    sync.Mutex
	slots atomic.Pointer[slotTable]
	count func(bytes int64) // the store's index count
	own   listCache         // its own contacts
	all   listCache         // its own and every controlled account's
}

// slot holds one contact's latest record.
type slot struct {
	rec atomic.Pointer[record]
}

// slotTable is a book's contacts so far: n of them, their slots and ids in chunks of
// slotChunkLen that never move (the record budget holds slots, entries hold ids). It holds no
// pointer per contact: 34 bytes a contact, where a slot and an id allocated each (with the
// pointer to the slot) took 64, and 3 objects fewer for the collector.
type slotTable struct {
	n      int
	chunks []*slotChunk
}

const (
	slotChunkLen = 256
	idLen        = 26 // a generated id: its creation second (14 digits), 6 digits, the owner's tail
)

type slotChunk struct {
	slots [slotChunkLen]slot
	ids   [slotChunkLen * idLen]byte
}

func (t *slotTable) slot(i int) *slot { return &t.chunks[i/slotChunkLen].slots[i%slotChunkLen] }

// id returns contact i's id. The string is the chunk's bytes: written once, before the table
// that holds them was published, and never again.
func (t *slotTable) id(i int) string {
	return unsafe.String(&t.chunks[i/slotChunkLen].ids[i%slotChunkLen*idLen], idLen)
}

func newStore(tree *fixtures.Tree, seed int64, loc *time.Location, v *validator) (*store, error) {
	gen, err := fixtures.NewGenerator(tree, seed)
	if err != nil {
		return nil, err
	}
	pinned, err := pinnedRecords(tree, v, loc)
	if err != nil {
		return nil, err
	}
	s := &store{tree: tree, gen: gen, loc: loc, byID: map[string]int{}, bySuffix: map[string]int{},
		pinnedByID: map[string]entry{}, sorting: make(chan struct{}, 1), minSortedSpan: defaultMinSortedSpan,
		lead: prebuildLead, horizon: prebuildHorizon}
	for i, a := range tree.Accounts {
		bc := &bookCache{account: a, book: gen.Book(a.ID), ownerMember: ownerMember(a.ID), ownerBox: a.ID, pinned: pinned[a.ID]}
		bc.slots.Store(&slotTable{})
		bc.count = s.countIndex
		s.books = append(s.books, bc)
		s.byID[a.ID] = i
		s.bySuffix[bc.book.Suffix()] = i
	}
	all := make([]int, len(s.books))
	for i := range all {
		all[i] = i
	}
	for i, bc := range s.books {
		for k, r := range bc.pinned {
			if _, clash := s.locateGenerated(r.c.ID, all, maxClock.Unix()); clash {
				return nil, fmt.Errorf("pinned contacts: Id %s (account %s) is the id of a generated contact; choose another", r.c.ID, bc.account.ID)
			}
			s.pinnedByID[r.c.ID] = entry{mod: r.c.Modified.Unix(), id: r.c.ID, book: int32(i), index: int32(-1 - k)}
		}
	}
	for _, a := range tree.Accounts {
		var ords []int
		for _, id := range tree.Controlled(a.ID) {
			ords = append(ords, s.byID[id])
		}
		s.controlled = append(s.controlled, ords)
	}
	return s, nil
}

// slotsUpTo returns the book's table with at least n contacts, growing it as the clock moves on.
func (b *bookCache) slotsUpTo(n int) *slotTable {
	if cur := b.slots.Load(); n <= cur.n {
		return cur
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := b.slots.Load()
	if n <= cur.n {
		return cur
	}
	// Appending to cur.chunks writes past its length only: tables already published never
	// read there, nor the ids past their n.
	grown := &slotTable{n: n, chunks: cur.chunks}
	for len(grown.chunks)*slotChunkLen < n {
		grown.chunks = append(grown.chunks, new(slotChunk))
	}
	b.count(int64(len(grown.chunks)-len(cur.chunks)) * int64(unsafe.Sizeof(slotChunk{})))
	for i := cur.n; i < n; i++ {
		at := i % slotChunkLen * idLen
		if id := b.book.AppendID(grown.chunks[i/slotChunkLen].ids[at:at:at+idLen], i); len(id) != idLen {
			panic(fmt.Sprintf("mockserver: generated id %q is not %d bytes", id, idLen))
		}
	}
	b.slots.Store(grown)
	return grown
}

// entry is one contact of a snapshot: enough to filter on ModificationTimestamp, Id and
// OwnerId, to order it by them, and to find its record.
type entry struct {
	mod     int64 // ModificationTimestamp, unix seconds
	id      string
	book    int32
	index   int32
	version int32
}

// listLess is the order of a timed list: ModificationTimestamp ascending, then Id ascending.
// It is an index (a ModificationTimestamp range is a slice of it, newest first reads it
// backwards), not the order answers come in: that is defaultOrder, or _orderby.
func listLess(a, b entry) int {
	if c := cmp.Compare(a.mod, b.mod); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

func idLess(a, b entry) int { return cmp.Compare(a.id, b.id) }

// indexed puts the contacts of a timed list in its two orders: list by listLess and byID, the
// positions of list's entries in Id order. next[i] is when entries[i] next changes; it is
// reordered with them.
func indexed(entries []entry, next []int64) (list []entry, nextOut []int64, byID []int32) {
	ids := make([]int32, len(entries)) // the entries in Id order
	for i := range ids {
		ids[i] = int32(i)
	}
	if !slices.IsSortedFunc(entries, idLess) { // a book's ids already grow with its index
		slices.SortFunc(ids, func(a, b int32) int { return idLess(entries[a], entries[b]) })
	}
	perm := make([]int32, len(entries)) // Id ranks in list order
	for i := range perm {
		perm[i] = int32(i)
	}
	// Ties of ModificationTimestamp keep Id order.
	slices.SortFunc(perm, func(a, b int32) int {
		if c := cmp.Compare(entries[ids[a]].mod, entries[ids[b]].mod); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	list = make([]entry, len(entries))
	nextOut = make([]int64, len(entries))
	byID = make([]int32, len(entries))
	for k, r := range perm {
		list[k] = entries[ids[r]]
		nextOut[k] = next[ids[r]]
		byID[r] = int32(k)
	}
	return list, nextOut, byID
}

// snapshot is the state of every book at one second: which contacts exist, at which version,
// in the order of a timed list. It is a view: the lists come from the books' caches.
type snapshot struct {
	t     int64
	store *store
}

func (s *store) snapshot(t time.Time) snapshot { return snapshot{t: t.Unix(), store: s} }

// timedList is a list in listLess order (with its Id order beside it) and the span of time it
// holds for: nothing is
// created or modified between from (the latest change it shows) and until (the next one), so
// every request in that span, whatever its clock, is answered from it.
type timedList struct {
	from, until int64 // the list holds for every t with from <= t < until
	list        []entry
	next        []int64     // when each contact of list next changes (math.MaxInt64: never)
	byID        []int32     // the positions of list in Id order
	orders      spanOrders  // runs of list already sorted in other orders
	ahead       atomic.Bool // the list that follows has been asked for in advance (prebuild)
}

// listCache keeps a few timed lists of one account: a frozen clock needs one, a real clock
// one per change of the data, a replay with X-Mock-Now one per time it visits.
type listCache struct {
	building sync.Mutex // one build at a time
	mu       sync.RWMutex
	lists    []*timedList // newest first
}

const maxListsPerAccount = 4

// get returns the list that holds at t, building it (once, whoever asks) when none does.
// build is given the latest list that ended at or before t, if one is kept, to advance from.
// A build holds only the builders' lock: requests served by a list already kept never wait
// for it (a list built ahead on the real clock takes a pass over a million contacts).
func (lc *listCache) get(s *store, t int64, build func(prev *timedList) *timedList) *timedList {
	if tl := lc.find(t); tl != nil {
		return tl
	}
	lc.building.Lock()
	defer lc.building.Unlock()
	if tl := lc.find(t); tl != nil {
		return tl // built by another request meanwhile
	}
	var prev *timedList
	lc.mu.RLock()
	for _, tl := range lc.lists {
		if tl.until <= t && (prev == nil || tl.until > prev.until) {
			prev = tl
		}
	}
	lc.mu.RUnlock()
	tl := build(prev) // lists are never changed once kept: prev is read without the lock
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if len(lc.lists) < maxListsPerAccount {
		lc.lists = append(lc.lists, nil)
	} else {
		s.countIndex(-lc.lists[len(lc.lists)-1].held(false))
	}
	copy(lc.lists[1:], lc.lists[:len(lc.lists)-1])
	lc.lists[0] = tl
	s.countIndex(tl.held(true))
	return tl
}

// held marks the list kept by a cache or let go, and returns the bytes it holds: its
// arrays and its sorted runs ready so far (runs made while it is kept are counted then).
func (tl *timedList) held(kept bool) int64 {
	return int64(cap(tl.list))*int64(unsafe.Sizeof(entry{})) + int64(cap(tl.next))*8 + int64(cap(tl.byID))*4 + tl.orders.held(kept)
}

// countIndex adds to the store's index count, and to the server's.
func (s *store) countIndex(bytes int64) {
	if bytes == 0 {
		return
	}
	s.index.Add(bytes)
	if s.meter != nil {
		s.meter.add(bytes)
	}
}

// find returns the list kept for the second t, if any.
func (lc *listCache) find(t int64) *timedList {
	lc.mu.RLock()
	defer lc.mu.RUnlock()
	for _, tl := range lc.lists {
		if tl.from <= t && t < tl.until {
			return tl
		}
	}
	return nil
}

// ownTimed returns the timed list of one account's own contacts at sn.t.
func (sn snapshot) ownTimed(ord int) *timedList {
	return sn.cachedAhead(snapshot.ownCached, ord)
}

// cachedAhead returns cached's list of the account ord at sn.t and, when its end is due,
// has the next one built ahead: without following further, as only requests move the lists
// on. The build's closure is made only then, not on every request.
func (sn snapshot) cachedAhead(cached func(snapshot, int) *timedList, ord int) *timedList {
	tl := cached(sn, ord)
	if _, due := sn.store.aheadDue(tl); due {
		sn.store.prebuild(tl, func(at int64) { cached(snapshot{t: at, store: sn.store}, ord) })
	}
	return tl
}

// ownCached returns the list of ownTimed, building it if none holds at sn.t.
func (sn snapshot) ownCached(ord int) *timedList {
	b := sn.store.books[ord]
	t := sn.t
	return b.own.get(sn.store, t, func(prev *timedList) *timedList {
		if prev != nil {
			return sn.store.advance(prev, []int{ord}, t)
		}
		n := b.book.Count(t)
		slots := b.slotsUpTo(n)
		tl := &timedList{from: math.MinInt64, until: sn.store.arrival([]int{ord}, t)}
		list := make([]entry, n, n+len(b.pinned))
		next := make([]int64, n, n+len(b.pinned))
		for i := 0; i < n; i++ {
			v, mod, nx := b.book.State(i, t)
			list[i] = entry{mod: mod, id: slots.id(i), book: int32(ord), index: int32(i), version: int32(v)}
			next[i] = nx
			tl.from, tl.until = max(tl.from, mod), min(tl.until, nx)
		}
		for k, r := range b.pinned {
			if mod := r.c.Modified.Unix(); mod <= t {
				list = append(list, entry{mod: mod, id: r.c.ID, book: int32(ord), index: int32(-1 - k)})
				next = append(next, math.MaxInt64)
				tl.from = max(tl.from, mod)
			}
		}
		tl.list, tl.next, tl.byID = indexed(list, next)
		return tl
	})
}

// arrival returns the first time after t at which a contact is added to the books: a
// generated one created, or a pinned one appearing (math.MaxInt64: never).
func (s *store) arrival(ords []int, t int64) int64 {
	at := int64(math.MaxInt64)
	for _, o := range ords {
		b := s.books[o]
		if b.account.Contacts > 0 { // an empty book stays empty
			at = min(at, b.book.Created(b.book.Count(t)))
		}
		for _, r := range b.pinned {
			if mod := r.c.Modified.Unix(); mod > t {
				at = min(at, mod)
			}
		}
	}
	return at
}

// advance returns the list of the books at t from prev, their list at an earlier time
// (prev.until <= t), without building it again: the contacts that changed since are moved
// to their new place, those created since are added, and every other one keeps its place.
// The result is the list a fresh build gives (a test checks, at random times and at the
// exact seconds of changes). It costs a pass over prev and a sort of what changed, where a
// fresh build costs a generation step per contact and a sort of all of them.
func (s *store) advance(prev *timedList, ords []int, t int64) *timedList {
	then := prev.until - 1 // prev holds at then: nothing changed in (then, prev.until)
	type change struct {
		e    entry
		next int64
	}
	var changes []change
	tl := &timedList{from: prev.from, until: s.arrival(ords, t)}
	kept := make([]int32, len(prev.list)) // prev's position → the new one; -1 when it moved
	n := 0
	for p, e := range prev.list {
		if prev.next[p] > t {
			kept[p] = int32(n)
			n++
			tl.until = min(tl.until, prev.next[p])
			continue
		}
		kept[p] = -1
		v, mod, next := s.books[e.book].book.State(int(e.index), t)
		e.version, e.mod = int32(v), mod
		changes = append(changes, change{e, next})
	}
	for _, o := range ords {
		b := s.books[o]
		lo, hi := b.book.Count(then), b.book.Count(t)
		slots := b.slotsUpTo(hi)
		for i := lo; i < hi; i++ {
			v, mod, next := b.book.State(i, t)
			changes = append(changes, change{entry{mod: mod, id: slots.id(i), book: int32(o), index: int32(i), version: int32(v)}, next})
		}
		for k, r := range b.pinned {
			if mod := r.c.Modified.Unix(); then < mod && mod <= t {
				changes = append(changes, change{entry{mod: mod, id: r.c.ID, book: int32(o), index: int32(-1 - k)}, math.MaxInt64})
			}
		}
	}
	// What changed did so after then, and every contact kept was last modified at or
	// before then: the changes all come after the kept ones, in their own order.
	slices.SortFunc(changes, func(a, b change) int { return listLess(a.e, b.e) })
	tl.list = make([]entry, n, n+len(changes))
	tl.next = make([]int64, n, n+len(changes))
	// The kept contacts are prev's less the few that moved: copied run by run, not one by one.
	for p := 0; p < len(kept); {
		if kept[p] < 0 {
			p++
			continue
		}
		end := p + 1
		for end < len(kept) && kept[end] >= 0 {
			end++
		}
		copy(tl.list[kept[p]:], prev.list[p:end])
		copy(tl.next[kept[p]:], prev.next[p:end])
		p = end
	}
	for _, c := range changes {
		tl.list = append(tl.list, c.e)
		tl.next = append(tl.next, c.next)
		tl.from = max(tl.from, c.e.mod)
		tl.until = min(tl.until, c.next)
	}
	// Id order: the kept contacts in prev's Id order, with the changes put in by a binary
	// search of prev's Id order (comparing ids only where they go in).
	added := make([]int32, len(changes))
	for i := range added {
		added[i] = int32(n + i)
	}
	slices.SortFunc(added, func(a, b int32) int { return idLess(tl.list[a], tl.list[b]) })
	at := make([]int, len(added)) // where each goes in prev.byID
	for i, a := range added {
		at[i], _ = slices.BinarySearchFunc(prev.byID, tl.list[a].id, func(p int32, id string) int { return cmp.Compare(prev.list[p].id, id) })
	}
	out := make([]int32, 0, n+len(changes))
	for i, p := range prev.byID {
		for len(at) > 0 && at[0] == i {
			out = append(out, added[0])
			added, at = added[1:], at[1:]
		}
		if k := kept[p]; k >= 0 {
			out = append(out, k)
		}
	}
	tl.byID = append(out, added...)
	s.carryOrders(prev, tl, kept, n)
	return tl
}

// allList returns the contacts of an account and of every account under its control, in
// listLess order.
func (sn snapshot) allList(ord int) []entry { return sn.allTimed(ord).list }

func (sn snapshot) allTimed(ord int) *timedList {
	if len(sn.store.controlled[ord]) == 1 {
		return sn.ownTimed(ord)
	}
	return sn.cachedAhead(snapshot.allCached, ord)
}

// allCached returns the list of allTimed for an account that controls others, building it if
// none holds at sn.t.
func (sn snapshot) allCached(ord int) *timedList {
	ords := sn.store.controlled[ord]
	return sn.store.books[ord].all.get(sn.store, sn.t, func(prev *timedList) *timedList {
		if prev != nil {
			return sn.store.advance(prev, ords, sn.t)
		}
		tl := &timedList{from: math.MinInt64, until: math.MaxInt64}
		parts := make([]*timedList, len(ords))
		total := 0
		for i, o := range ords {
			parts[i] = sn.ownCached(o)
			total += len(parts[i].list)
			tl.from, tl.until = max(tl.from, parts[i].from), min(tl.until, parts[i].until)
		}
		list := make([]entry, 0, total)
		next := make([]int64, 0, total)
		for _, p := range parts {
			for _, pos := range p.byID {
				list = append(list, p.list[pos])
				next = append(next, p.next[pos])
			}
		}
		tl.list, tl.next, tl.byID = indexed(list, next)
		return tl
	})
}

// On the real clock the data changes every few seconds at a million contacts, and the request
// that first needs the changed list would wait for it (advance costs a pass over the list:
// about 90 ms of CPU at a million, more on a busy machine, and every request behind it
// queues). The next list is known in advance (the data is a function of time), so a list in
// use whose end is near on the wall clock has its successor built in the background a few
// seconds before it is needed. [choice] Only near the wall clock (a frozen clock or an
// X-Mock-Now replay builds nothing ahead) and only for lists requests use, one step at a time:
// an idle server builds nothing.
const (
	prebuildLead    = 3 * time.Second // how long before its time the next list is built
	prebuildHorizon = time.Hour       // a list ending later than this is not followed ahead
)

// prebuild schedules build(tl.until) shortly before the wall clock reaches tl.until, once per list.
func (s *store) prebuild(tl *timedList, build func(at int64)) {
	left, due := s.aheadDue(tl)
	if !due || !tl.ahead.CompareAndSwap(false, true) {
		return
	}
	s.ahead.Add(1)
	time.AfterFunc(max(left-s.lead, 0), func() {
		defer s.ahead.Done()
		build(tl.until)
	})
}

// aheadDue says whether tl's successor is to be built ahead now, and how long until tl ends.
// Callers ask it before making prebuild's closure, which would otherwise be allocated on
// every request.
func (s *store) aheadDue(tl *timedList) (left time.Duration, due bool) {
	if tl.until == math.MaxInt64 || tl.ahead.Load() {
		return 0, false
	}
	left = time.Until(time.Unix(tl.until, 0))
	return left, left > 0 && left <= s.horizon
}

// record returns the record of an entry, generating and encoding it on first use.
func (s *store) record(e entry) *record {
	b := s.books[e.book]
	if e.index < 0 {
		return b.pinned[-1-e.index]
	}
	sl := b.slotsUpTo(int(e.index) + 1).slot(int(e.index))
	if r := sl.rec.Load(); r != nil && r.c.Version == int(e.version) {
		return r
	}
	r := newRecord(b.book.Contact(int(e.index), int(e.version)), s.loc)
	// Two requests may race to store the same version: both records are byte-identical.
	// A request at an older time may store an older version; the next request fixes that.
	sl.rec.Store(r)
	if s.budget != nil {
		s.budget.stored(sl, r)
	}
	return r
}

// locate finds the contact with a generated id among the given books at unix time t, with
// no scan: the id holds its creation second and its owner's tail.
func (s *store) locate(id string, books []int, t int64) (entry, bool) {
	if e, ok := s.pinnedByID[id]; ok {
		return e, slices.Contains(books, int(e.book)) && e.mod <= t
	}
	return s.locateGenerated(id, books, t)
}

// locateGenerated finds a generated contact by id.
func (s *store) locateGenerated(id string, books []int, t int64) (entry, bool) {
	if len(id) != idLen {
		return entry{}, false
	}
	ord, ok := s.bySuffix[id[20:]]
	if !ok || !slices.Contains(books, ord) {
		return entry{}, false
	}
	created, err := time.Parse("20060102150405", id[:14])
	if err != nil {
		return entry{}, false
	}
	b := s.books[ord]
	c := created.Unix()
	if c > t {
		return entry{}, false
	}
	i := b.book.Count(c) - 1
	if i < 0 || b.book.Created(i) != c {
		return entry{}, false
	}
	slots := b.slotsUpTo(i + 1)
	if slots.id(i) != id {
		return entry{}, false
	}
	v, mod := b.book.Version(i, t)
	return entry{mod: mod, id: slots.id(i), book: int32(ord), index: int32(i), version: int32(v)}, true
}

// count returns how many contacts an account has at unix time t, pinned ones included.
func (s *store) count(ord int, t int64) int {
	b := s.books[ord]
	n := b.book.Count(t)
	for _, r := range b.pinned {
		if r.c.Modified.Unix() <= t {
			n++
		}
	}
	return n
}
