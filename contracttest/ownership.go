package contracttest

import (
	"sort"
	"strings"
)

// pageOf returns the exchange a contact of a listing came on.
func (l *listing) pageOf(c contact) *exchange {
	if c.page >= 1 && c.page <= len(l.pages) {
		return l.pages[c.page-1]
	}
	return nil
}

func checkSubset(s *session, v *verdict) {
	if !v.needPrivate() {
		return
	}
	own, all := s.listing(PathExport), s.listing(PathAll)
	switch {
	case own.problem != "":
		v.skip("%s", own.whyIncomplete())
		return
	case !all.complete():
		v.skip("%s", all.whyIncomplete())
		return
	case len(own.rows) == 0:
		v.skip("%s has no contacts: nothing to find in %s", PathExport, PathAll)
		return
	}
	inAll := all.byID()
	owners := map[string][]string{} // OwnerId → Ids of /export contacts
	for _, c := range own.rows {
		if c.id == "" {
			continue
		}
		a, ok := inAll[c.id]
		if !ok {
			if s.changedDuringRun(c) {
				continue
			}
			v.fail(own.pageOf(c), c.obj, "contact %s of %s is not in %s", c.id, PathExport, PathAll)
			continue
		}
		v.ok()
		owner, _ := a.obj["OwnerId"].(string)
		owners[owner] = append(owners[owner], c.id)
	}
	if len(owners) > 1 {
		var parts []string
		for _, o := range sortedKeys(owners) {
			parts = append(parts, o+" ("+plural(len(owners[o]), "contact")+")")
		}
		sort.Strings(parts)
		v.fail(nil, nil, "the contacts of %s have %d owners in %s: %s; want one, the current user", PathExport, len(owners), PathAll, strings.Join(parts, ", "))
	}
	v.note("%d contacts of %s among %d of %s", len(own.rows), PathExport, len(all.rows), PathAll)
}

func checkOwnerID(s *session, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range Paths {
		l := s.listing(p)
		if l.problem != "" {
			v.skip("%s", l.problem)
			continue
		}
		if len(l.rows) == 0 {
			v.skip("%s has no contacts", p)
			continue
		}
		for _, c := range l.rows {
			judgeOwner(v, l.pageOf(c), p, c)
		}
	}
}

func isNonEmptyString(v any) bool {
	s, ok := v.(string)
	return ok && s != ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
