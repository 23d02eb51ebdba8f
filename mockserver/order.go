package mockserver

import (
	"cmp"
	"slices"
	"strings"
)

// stringField returns a string member of a record and whether the contact has it.
func (r *record) stringField(f int) (string, bool) {
	c := &r.c
	var s string
	switch f {
	case fID:
		s = c.ID
	case fOwnerID:
		s = c.OwnerID
	case fDisplayName:
		s = c.DisplayName
	case fGivenName:
		s = c.GivenName
	case fMiddleName:
		s = c.MiddleName
	case fFamilyName:
		s = c.FamilyName
	case fPrimaryEmail:
		s = c.PrimaryEmail
	case fSecondaryEmail:
		s = c.SecondaryEmail
	case fPrimaryPhoneNumber:
		s = c.PrimaryPhoneNumber
	case fMobilePhoneNumber:
		s = c.MobilePhoneNumber
	case fCompany:
		s = c.Company
	case fHomeStreetAddress:
		s = c.HomeStreetAddress
	case fHomeLocality:
		s = c.HomeLocality
	case fHomeRegion:
		s = c.HomeRegion
	case fHomePostalCode:
		s = c.HomePostalCode
	case fBirthday:
		s = c.Birthday
	}
	return s, s != ""
}

// isDefaultOrder says whether keys ask for the order snapshots are already in.
func isDefaultOrder(keys []sortKey) bool {
	switch len(keys) {
	case 0:
		return true
	case 1:
		return keys[0].field == fModificationTimestamp && !keys[0].desc
	case 2:
		return keys[0].field == fModificationTimestamp && !keys[0].desc && keys[1].field == fID && !keys[1].desc
	}
	return false
}

// entryOnly says whether every key can be compared from snapshot entries alone, without
// generating records.
func entryOnly(keys []sortKey) bool {
	for _, k := range keys {
		if k.field != fModificationTimestamp && k.field != fID && k.field != fOwnerID {
			return false
		}
	}
	return true
}

// sortEntries returns list in the order keys ask for; Id ascending breaks every tie
// ([choice]), and a contact without a field sorts before those with it when ascending
// ([choice], after them when descending). list itself is never modified.
func (s *store) sortEntries(list []entry, keys []sortKey) []entry {
	if isDefaultOrder(keys) {
		return list
	}
	out := slices.Clone(list)
	if entryOnly(keys) {
		slices.SortFunc(out, func(a, b entry) int { return s.compareEntries(a, b, keys) })
		return out
	}
	type pair struct {
		e entry
		r *record
	}
	pairs := make([]pair, len(out))
	for i, e := range out {
		pairs[i] = pair{e, s.record(e)}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		for _, k := range keys {
			c := s.compareKey(a.e, b.e, a.r, b.r, k)
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.e.id, b.e.id)
	})
	for i := range pairs {
		out[i] = pairs[i].e
	}
	return out
}

func (s *store) compareEntries(a, b entry, keys []sortKey) int {
	for _, k := range keys {
		if c := s.compareKey(a, b, nil, nil, k); c != 0 {
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
	case fVowEnabled:
		c = compareOptional(ra.c.HasVowEnabled, rb.c.HasVowEnabled, func() int { return compareBool(ra.c.VowEnabled, rb.c.VowEnabled) })
	case -1:
		c = 0 // a field of the spec the generator never writes: every contact lacks it
	default:
		sa, oka := ra.stringField(k.field)
		sb, okb := rb.stringField(k.field)
		c = compareOptional(oka, okb, func() int { return strings.Compare(sa, sb) })
	}
	if k.desc {
		return -c
	}
	return c
}

func compareOptional(hasA, hasB bool, both func() int) int {
	switch {
	case hasA && hasB:
		return both()
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
