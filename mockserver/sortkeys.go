package mockserver

import (
	"cmp"
	"slices"
	"strings"

	sparkmock "github.com/sparkmock/sparkmock"
)

// A sort of a whole set (a sorted run, or a deep page selected by orderWindow) holds the values
// it compares, not the records: about 24 bytes a contact and key (and the string itself, which
// the record shares and which outlives it alone) instead of a record of about 1.4 KB. So with a
// record budget (-cache-mb) the records a sort reads can be dropped as it goes, and its peak is
// its values, whatever the size of the set.

// maxHeapWindow bounds the records orderWindow's heap holds (the page and what precedes it);
// a deeper window is a full sort of the values.
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

func valueOf(r *record, f int) sortValue {
	if contactFields[f].kind == sparkmock.KindBoolean {
		return sortValue{has: r.c.HasVowEnabled, b: r.c.VowEnabled}
	}
	s, ok := r.stringField(f)
	return sortValue{s: s, has: ok}
}

// compareValues compares two values of one key, ascending: a missing value first.
func compareValues(f int, a, b sortValue) int {
	c := compareOptional(a.has, b.has)
	if c == 2 {
		if contactFields[f].kind == sparkmock.KindBoolean {
			return compareBool(a.b, b.b)
		}
		return strings.Compare(a.s, b.s)
	}
	return c
}

// sortPositions returns the positions of run in the order keys ask for (the total order of
// compareEntries), holding only the keys' values of each contact while it sorts.
func (s *store) sortPositions(run []entry, keys []sortKey) []int32 {
	nk := len(keys)
	var vals []sortValue
	if !entryOnly(keys) {
		vals = make([]sortValue, len(run)*nk)
		for i, e := range run {
			r := s.record(e)
			for j, k := range keys {
				if recordKey(k.field) {
					vals[i*nk+j] = valueOf(r, k.field)
				}
			}
		}
	}
	pos := make([]int32, len(run))
	for i := range pos {
		pos[i] = int32(i)
	}
	slices.SortFunc(pos, func(a, b int32) int {
		for j, k := range keys {
			var c int
			if recordKey(k.field) {
				c = compareValues(k.field, vals[int(a)*nk+j], vals[int(b)*nk+j])
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
	})
	return pos
}
