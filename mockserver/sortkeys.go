package mockserver

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// A sort of a whole set (a sorted run, or a deep page selected by orderWindow) holds one word
// per contact and key, not the records nor their strings: 12 bytes a contact for one key (the
// word and the position), pointer-free, so the collector never scans them. The word keeps the
// order of the values (prefixWord); contacts whose words tie on a value longer than the word
// holds are ordered again among themselves from their full values, read once more. And a sort
// by names (DisplayName, GivenName, MiddleName, FamilyName) reads only the names of each
// contact (fixtures' Book.Names), not a whole record. So with a record budget (-cache-mb) a
// sort's peak is its words, whatever the size of the set, and it makes little garbage.

// maxHeapWindow bounds the values orderWindow's heap holds (the page and what precedes it);
// a deeper window is a full sort.
const maxHeapWindow = 4096

// sortValue is one record's value for one key: a string field, or VowEnabled.
type sortValue struct {
	s      string
	has, b bool
}

// recordKey says whether a key compares a record's field rather than what entries carry.
func recordKey(f int) bool {
	return f != -1 && !entryField(f)
}

// nameKey says whether a key is one of the names Book.Names gives without a whole contact.
func nameKey(f int) bool {
	return f == fDisplayName || f == fGivenName || f == fMiddleName || f == fFamilyName
}

// namesOnly says whether every record key of keys is a name.
func namesOnly(keys []sortKey) bool {
	for _, k := range keys {
		if recordKey(k.field) && !nameKey(k.field) {
			return false
		}
	}
	return true
}

func valueOf(r *record, f int) sortValue {
	if boolField(f) {
		return sortValue{has: r.c.HasVowEnabled, b: r.c.VowEnabled}
	}
	s, ok := r.stringField(f)
	return sortValue{s: s, has: ok}
}

// recordCostGuess is about what one generated contact's record holds (recordCost: 1.5 to 2 KB).
const recordCostGuess = 1536

// readsNames says whether a sort of n contacts on keys reads only their names (Book.Names)
// rather than their records: when every record key is a name and the record budget could not
// keep n records anyway (they would be made and dropped, which is what costs memory at
// millions). A set the budget can keep is read as records, which stay: the next request's
// sort of it then generates nothing (BenchmarkExportAllPage25Ordered: 45 allocations a
// request, against one set of names per contact when every sort read names).
func (s *store) readsNames(keys []sortKey, n int) bool {
	return namesOnly(keys) && s.budget != nil && int64(n)*recordCostGuess > s.budget.max/2
}

// keyValues sets dst[j] to e's value for each record key keys[j] (dst has one value per key;
// those of entry keys are left alone). names: every record key is a name (namesOnly), so a
// generated contact's names are enough, and its record is neither made nor kept.
func (s *store) keyValues(e entry, keys []sortKey, names bool, dst []sortValue) {
	var r *record
	if names && e.index >= 0 {
		b := s.books[e.book]
		r = b.slotsUpTo(int(e.index) + 1).slot(int(e.index)).rec.Load()
		if r == nil {
			// The names are the same at every version; the record is a view for stringField.
			r = &record{c: b.book.Names(int(e.index))}
		}
	} else {
		r = s.record(e)
	}
	for j, k := range keys {
		if recordKey(k.field) {
			dst[j] = valueOf(r, k.field)
		}
	}
}

// compareValues compares two values of one key, ascending: a missing value first.
func compareValues(f int, a, b sortValue) int {
	c := compareOptional(a.has, b.has)
	if c == 2 {
		if boolField(f) {
			return compareBool(a.b, b.b)
		}
		return strings.Compare(a.s, b.s)
	}
	return c
}

// compareByValues is compareEntries with the record keys' values given (va[j] for keys[j]).
func (s *store) compareByValues(keys []sortKey, a, b entry, va, vb []sortValue) int {
	for j, k := range keys {
		var c int
		if recordKey(k.field) {
			c = compareValues(k.field, va[j], vb[j])
			if k.desc {
				c = -c
			}
		} else {
			c = s.compareKey(a, b, nil, nil, k)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(a.id, b.id)
}

// A word holds a string's first wordBytes bytes, big-endian, over its length capped at
// wordBytes+1 in the low byte: words compare as the strings do, and two equal words are two
// equal strings unless the low byte is wordBytes+1 (both longer than the word holds).
const (
	wordBytes = 7
	wordLong  = wordBytes + 1
)

// prefixWord returns the word of a value for key f, in ascending order. A missing string is
// the empty one (stringField says a field is missing exactly when it is empty), below every
// other; VowEnabled is 0 missing, then false, then true.
func prefixWord(f int, v sortValue) uint64 {
	if boolField(f) {
		switch {
		case !v.has:
			return 0
		case !v.b:
			return 1
		}
		return 2
	}
	var buf [8]byte
	copy(buf[:wordBytes], v.s)
	buf[wordBytes] = byte(min(len(v.s), wordLong))
	return binary.BigEndian.Uint64(buf[:])
}

// exactWord says whether two contacts with this word for key f have equal values.
func exactWord(f int, w uint64) bool { return boolField(f) || w&0xff != wordLong }

// sortPositions returns the positions of run in the order keys ask for (the total order of
// compareEntries), holding a word per contact and record key while it sorts.
func (s *store) sortPositions(run []entry, keys []sortKey) []int32 {
	pos := make([]int32, len(run))
	for i := range pos {
		pos[i] = int32(i)
	}
	if entryOnly(keys) {
		slices.SortFunc(pos, func(a, b int32) int { return s.compareEntries(keys, run[a], run[b], nil, nil) })
		return pos
	}
	var slot []int // slot[j]: where key j's word sits among a contact's words; -1 for an entry key
	nw := 0
	for _, k := range keys {
		if recordKey(k.field) {
			slot = append(slot, nw)
			nw++
		} else {
			slot = append(slot, -1)
		}
	}
	names := s.readsNames(keys, len(run))
	words := make([]uint64, len(run)*nw)
	vals := make([]sortValue, len(keys))
	for i, e := range run {
		s.keyValues(e, keys, names, vals)
		for j, k := range keys {
			if w := slot[j]; w >= 0 {
				words[i*nw+w] = prefixWord(k.field, vals[j])
			}
		}
	}
	// byWords orders two positions as far as their words tell: 0 when a key's words tie on
	// values longer than the words hold (the contacts' full values decide, below).
	byWords := func(a, b int32) int {
		for j, k := range keys {
			var c int
			if w := slot[j]; w >= 0 {
				wa, wb := words[int(a)*nw+w], words[int(b)*nw+w]
				if wa == wb {
					if !exactWord(k.field, wa) {
						return 0
					}
					continue
				}
				c = cmp.Compare(wa, wb)
				if k.desc {
					c = -c
				}
			} else {
				c = s.compareKey(run[a], run[b], nil, nil, k)
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(run[a].id, run[b].id)
	}
	slices.SortFunc(pos, byWords)
	// Runs the words leave tied (byWords is 0 only there: Id breaks every other tie) are
	// sorted again by their full values, read once more.
	nk := len(keys)
	var tied []sortValue
	var members, order []int32
	for lo := 0; lo < len(pos); {
		hi := lo + 1
		for hi < len(pos) && byWords(pos[lo], pos[hi]) == 0 {
			hi++
		}
		if hi-lo > 1 {
			group := pos[lo:hi]
			members = append(members[:0], group...)
			tied = slices.Grow(tied[:0], len(group)*nk)[:len(group)*nk]
			order = order[:0]
			for g, p := range members {
				s.keyValues(run[p], keys, names, tied[g*nk:(g+1)*nk])
				order = append(order, int32(g))
			}
			slices.SortFunc(order, func(x, y int32) int {
				return s.compareByValues(keys, run[members[x]], run[members[y]], tied[int(x)*nk:int(x+1)*nk], tied[int(y)*nk:int(y+1)*nk])
			})
			for g, o := range order {
				group[g] = members[o]
			}
			clear(tied) // the strings read for this run
		}
		lo = hi
	}
	return pos
}
