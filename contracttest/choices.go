package contracttest

import (
	"reflect"
	"strconv"
	"time"

	"github.com/sparkmock/sparkmock"
)

// tieField is the field order.ties sorts on: one many contacts share.
const tieField = "HomeRegion"

// checkOrderTies: contacts the order puts level come in Id ascending order ([choice]: the
// documentation names no tie-break).
func checkOrderTies(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) {
		return s.get(p, q("_orderby", tieField, "_limit", strconv.Itoa(s.cfg.limits.list))...)
	}, func(p string, x *exchange) {
		if _, ok := v.pageOK(x, "_orderby="+tieField); !ok {
			return
		}
		res, _ := x.results()
		ties, bad := 0, false
		for i := 1; i < len(res); i++ {
			a, _ := newContact(res[i-1], 1, nil)
			b, _ := newContact(res[i], 1, nil)
			if a.id == "" || b.id == "" || !reflect.DeepEqual(a.obj[tieField], b.obj[tieField]) {
				continue
			}
			ties++
			if compareIDs(a.id, b.id) > 0 {
				v.fail(x, []any{a.obj, b.obj}, "_orderby=%s: contact %s comes before %s with the same %s, want Id ascending to break the tie", tieField, a.id, b.id, tieField)
				bad = true
				break
			}
		}
		switch {
		case bad:
		case ties == 0:
			v.skip("%s: no two contacts of the first page share a %s", p, tieField)
		default:
			v.ok()
		}
	})
}

// checkModificationZone: ModificationTimestamp is written at the offset the service's zone
// has at that instant ([choice]: any offset names the same instant; the mock writes its zone's).
func checkModificationZone(s *run, v *verdict) {
	s.eachListing(v, sparkmock.ExportPaths(), func(p string, l *listing) {
		judged, bad := 0, false
		for _, c := range l.rows {
			if !c.hasMod {
				continue
			}
			judged++
			_, got := c.mod.Zone()
			_, want := c.mod.In(s.cfg.loc).Zone()
			if got != want {
				v.fail(l.pages[c.page-1], c.obj["ModificationTimestamp"], "contact %s: ModificationTimestamp %s is at offset %s, want the service zone's (%s) %s",
					c.id, c.modRaw, offsetText(got), s.cfg.loc, offsetText(want))
				bad = true
				break
			}
		}
		switch {
		case bad:
		case judged == 0:
			v.skip("%s: no ModificationTimestamp to judge", p)
		default:
			v.ok()
		}
	})
}

func offsetText(seconds int) string {
	return time.Unix(0, 0).In(time.FixedZone("", seconds)).Format("-07:00")
}
