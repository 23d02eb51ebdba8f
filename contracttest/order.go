package contracttest

import (
	"cmp"
	"sort"
	"strconv"
	"time"

	"github.com/sparkmock/sparkmock"
)

// checkOrder judges _orderby on ModificationTimestamp, ascending or descending: instants
// compared as instants (offsets differ), on the first two pages, and against the listing.
func checkOrder(desc bool) func(*run, *verdict) {
	return func(s *run, v *verdict) {
		if !v.needPrivate() {
			return
		}
		order := "ModificationTimestamp"
		if desc {
			order = "-" + order
		}
		for _, p := range sparkmock.ExportPaths() {
			var got []contact
			var pages []*exchange
			failed := false
			for page := 1; page <= 2; page++ {
				x, f, ok := s.getPage(v, p, "_orderby="+order, q("_orderby", order, "_limit", strconv.Itoa(s.cfg.limits.list), "_page", strconv.Itoa(page), "_pagination", "1")...)
				if !ok {
					failed = true
					break
				}
				pages = append(pages, x)
				res, _ := x.results()
				for _, r := range res {
					if c, ok := newContact(r, page, nil); ok && c.hasMod {
						got = append(got, c)
					}
				}
				if f.totalRows >= 0 && f.totalRows <= s.cfg.limits.list || f.rows < s.cfg.limits.list {
					break
				}
			}
			if failed {
				continue
			}
			if distinctInstants(got) < 2 {
				v.skip("%s: fewer than two distinct ModificationTimestamps to order", p)
				continue
			}
			bad := false
			for i := 1; i < len(got); i++ {
				a, b := got[i-1], got[i]
				if (!desc && b.mod.Before(a.mod)) || (desc && b.mod.After(a.mod)) {
					x := pages[b.page-1]
					v.fail(x, []any{a.obj["ModificationTimestamp"], b.obj["ModificationTimestamp"]},
						"_orderby=%s: contact %s (%s) comes after contact %s (%s)", order, b.id, b.modRaw, a.id, a.modRaw)
					bad = true
					break
				}
			}
			if bad {
				continue
			}
			// The pages must hold the earliest (latest) contacts of the whole listing.
			l := s.listing(p)
			if l.complete() {
				if c, beyond, ok := s.outOfPlace(l.rows, got, desc); !ok {
					v.fail(pages[0], c.obj, "_orderby=%s: the first %d contacts end at %s, but contact %s of the listing (%s) should come before that",
						order, len(got), beyond.Format(time.RFC3339), c.id, c.modRaw)
					continue
				}
			}
			v.ok()
		}
	}
}

func distinctInstants(cs []contact) int {
	seen := map[int64]bool{}
	for _, c := range cs {
		seen[c.mod.UnixNano()] = true
	}
	return len(seen)
}

// outOfPlace checks that got are the first len(got) contacts of rows in the order asked:
// it returns a contact of rows that should have come among them, and the last instant of got.
func (s *run) outOfPlace(rows, got []contact, desc bool) (contact, time.Time, bool) {
	in := map[string]bool{}
	edge := got[len(got)-1].mod
	for _, c := range got {
		in[c.id] = true
		if (!desc && c.mod.After(edge)) || (desc && c.mod.Before(edge)) {
			edge = c.mod
		}
	}
	for _, c := range rows {
		if !c.hasMod || in[c.id] || s.changedDuringRun(c) {
			continue
		}
		if (!desc && c.mod.Before(edge)) || (desc && c.mod.After(edge)) {
			return c, edge, false
		}
	}
	return contact{}, edge, true
}

// compareIDs orders Spark ids as numbers: by length, then digit by digit.
func compareIDs(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// checkDefaultOrder: order.default. [choice] Without _orderby, contacts come in Id ascending order.
func checkDefaultOrder(s *run, v *verdict) {
	s.eachListing(v, sparkmock.ExportPaths(), func(p string, l *listing) {
		rows := make([]contact, 0, len(l.rows))
		for _, c := range l.rows {
			if c.hasMod && c.id != "" && !s.changedDuringRun(c) {
				rows = append(rows, c)
			}
		}
		if len(rows) < 2 {
			v.skip("%s: fewer than two contacts to order", p)
			return
		}
		sorted := sort.SliceIsSorted(rows, func(i, j int) bool { return compareIDs(rows[i].id, rows[j].id) < 0 })
		if sorted {
			v.ok()
			return
		}
		for i := 1; i < len(rows); i++ {
			a, b := rows[i-1], rows[i]
			if compareIDs(b.id, a.id) < 0 {
				v.fail(l.pageOf(b), []any{a.obj["Id"], a.obj["ModificationTimestamp"], b.obj["Id"], b.obj["ModificationTimestamp"]},
					"without _orderby, contact %s (%s) comes after contact %s (%s), want Id ascending", b.id, b.modRaw, a.id, a.modRaw)
				break
			}
		}
	})
}
