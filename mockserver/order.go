package mockserver

import (
	"cmp"
	"slices"
)

// stringField returns a string (or date) member of a record and whether the contact has it.
func (r *record) stringField(f int) (string, bool) {
	if get := contactFields[f].str; get != nil {
		s := *get(&r.c)
		return s, s != ""
	}
	return "", false
}

// defaultOrder is the order of an export without _orderby ([choice]: the documentation names
// none): Id ascending. Ids begin with the creation time, so a new contact comes last and a
// modification never moves one: a client reading a full export page by page (by offset)
// while contacts change loses none. A request may be given another default (requestState.order).
var defaultOrder = []sortKey{keyOn(fID)}

// modificationOrder is ModificationTimestamp then Id ascending: the order of a timed list, and
// the mock's default order before Id (a variant may restore it).
var modificationOrder = []sortKey{keyOn(fModificationTimestamp), keyOn(fID)}

// isIDOrder says whether keys ask for Id ascending.
func isIDOrder(keys []sortKey) bool {
	return len(keys) == 1 && keys[0].field == fID && !keys[0].desc
}

// isListOrder says whether keys ask for the order timed lists are already in
// (ModificationTimestamp ascending, then Id ascending, the tie-break anyway).
func isListOrder(keys []sortKey) bool {
	switch len(keys) {
	case 1:
		return keys[0].field == fModificationTimestamp && !keys[0].desc
	case 2:
		return keys[0].field == fModificationTimestamp && !keys[0].desc && keys[1].field == fID && !keys[1].desc
	}
	return false
}

// isNewestFirst says whether keys ask for ModificationTimestamp descending (then Id
// ascending, the tie-break anyway): a timed list read backwards, runs of equal
// timestamps kept forwards.
func isNewestFirst(keys []sortKey) bool {
	switch len(keys) {
	case 1:
		return keys[0].field == fModificationTimestamp && keys[0].desc
	case 2:
		return keys[0].field == fModificationTimestamp && keys[0].desc && keys[1].field == fID && !keys[1].desc
	}
	return false
}

// newestFirst returns the first need entries of a listLess-ordered list in newest-first order,
// reading only them (and the rest of the last run of equal timestamps), in scratch's memory
// when it fits.
func newestFirst(scratch, list []entry, need int) []entry {
	out := pageIn(scratch, need)
	for end := len(list); end > 0 && len(out) < need; {
		start := end - 1
		for start > 0 && list[start-1].mod == list[end-1].mod {
			start--
		}
		for _, e := range list[start:end] {
			if len(out) == need {
				break
			}
			out = append(out, e)
		}
		end = start
	}
	return out
}

// entryOnly says whether every key can be compared from snapshot entries alone, without
// generating records.
func entryOnly(keys []sortKey) bool {
	for _, k := range keys {
		if !entryField(k.field) {
			return false
		}
	}
	return true
}

// orderWindowIn returns the first need entries of list in the order keys ask for: the page and
// what precedes it, never more. Id ascending breaks every tie ([choice]), and a contact without
// a field sorts before those with it when ascending ([choice], after them when descending).
// list itself is never modified. A small window is selected with a bounded heap, O(n log need),
// so a first page stays cheap on a large set; a large one is a full sort. The window is put in
// scratch's memory when it fits (orderRangeIn's caller's), so that a page allocates less.
func (s *store) orderWindowIn(scratch, list []entry, keys []sortKey, need int) []entry {
	need = min(need, len(list))
	if need <= 0 {
		return nil
	}
	if isListOrder(keys) {
		return list[:need]
	}
	if isNewestFirst(keys) {
		return newestFirst(scratch, list, need)
	}
	if need*4 >= len(list) || need > maxHeapWindow {
		// A full sort holds a word per contact and key, not every record (sortkeys.go).
		pos := s.sortPositions(list, keys)
		out := pageIn(scratch, need)
		for _, p := range pos[:need] {
			out = append(out, list[p])
		}
		return out
	}
	// A max-heap of the need best so far: the worst of them on top, replaced by anything
	// better. Each holds its keys' values (sortkeys.go), not its record.
	type item struct {
		e entry
		v []sortValue // v[j] for keys[j]; nil when the keys need only what entries carry
	}
	nk := len(keys)
	withValues := !entryOnly(keys)
	names := s.readsNames(keys, len(list))
	var held []sortValue // the heap's values, nk per item
	if withValues {
		held = make([]sortValue, (need+1)*nk)
	}
	compare := func(a, b item) int { return s.compareByValues(keys, a.e, b.e, a.v, b.v) }
	h := make([]item, 0, need)
	down := func(i int) {
		for {
			l, worst := 2*i+1, i
			if l < len(h) && compare(h[l], h[worst]) > 0 {
				worst = l
			}
			if r := l + 1; r < len(h) && compare(h[r], h[worst]) > 0 {
				worst = r
			}
			if worst == i {
				return
			}
			h[i], h[worst] = h[worst], h[i]
			i = worst
		}
	}
	for _, e := range list {
		it := item{e: e}
		if withValues {
			it.v = held[need*nk:] // the candidate's values, in the spare place
			s.keyValues(e, keys, names, it.v)
		}
		if len(h) < need {
			if withValues {
				it.v = held[len(h)*nk : (len(h)+1)*nk : (len(h)+1)*nk]
				copy(it.v, held[need*nk:])
			}
			h = append(h, it)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if compare(h[i], h[p]) <= 0 {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if compare(it, h[0]) < 0 {
			copy(h[0].v, it.v) // h[0]'s place takes the candidate's values
			h[0].e = e
			down(0)
		}
	}
	slices.SortFunc(h, compare)
	out := pageIn(scratch, len(h))
	for _, it := range h {
		out = append(out, it.e)
	}
	return out
}

// compareEntries compares two contacts on every key, then on Id, which breaks every tie
// ([choice]): the order is total, so any two ways of computing it agree.
func (s *store) compareEntries(keys []sortKey, a, b entry, ra, rb *record) int {
	for _, k := range keys {
		if c := s.compareKey(a, b, ra, rb, k); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.id, b.id)
}

// compareKey compares two contacts on one key; ra and rb may be nil for the fields entries
// carry (ModificationTimestamp, Id, OwnerId).
func (s *store) compareKey(a, b entry, ra, rb *record, k sortKey) int {
	var c int
	switch k.field {
	case fModificationTimestamp:
		c = cmp.Compare(a.mod, b.mod)
	case fID:
		c = cmp.Compare(a.id, b.id)
	case fOwnerID:
		c = cmp.Compare(s.books[a.book].account.ID, s.books[b.book].account.ID)
	case -1:
		c = 0 // a field of the spec the generator never writes: every contact lacks it
	default:
		c = compareValues(k.field, valueOf(ra, k.field), valueOf(rb, k.field))
	}
	if k.desc {
		return -c
	}
	return c
}

// compareOptional orders a missing value first; it returns 2 when both are present and the
// values themselves decide.
func compareOptional(hasA, hasB bool) int {
	switch {
	case hasA && hasB:
		return 2
	case hasA:
		return 1
	case hasB:
		return -1
	}
	return 0
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
