package contracttest

import (
	"sort"
	"strconv"
	"strings"

	"github.com/sparkmock/sparkmock"
)

// pageOf returns the exchange a contact of a listing came on.
func (l *listing) pageOf(c contact) *exchange {
	if c.page >= 1 && c.page <= len(l.pages) {
		return l.pages[c.page-1]
	}
	return nil
}

func checkSubset(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	own, all := s.listing(sparkmock.PathExport), s.listing(sparkmock.PathExportAll)
	switch {
	case own.problem != "":
		v.skip("%s", own.whyIncomplete())
		return
	case !all.complete():
		v.skip("%s", all.whyIncomplete())
		return
	case len(own.rows) == 0:
		v.skip("%s has no contacts: nothing to find in %s", sparkmock.PathExport, sparkmock.PathExportAll)
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
			v.fail(own.pageOf(c), c.obj, "contact %s of %s is not in %s", c.id, sparkmock.PathExport, sparkmock.PathExportAll)
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
		v.fail(nil, nil, "the contacts of %s have %d owners in %s: %s; want one, the current user", sparkmock.PathExport, len(owners), sparkmock.PathExportAll, strings.Join(parts, ", "))
	}
	// The current user's OwnerId is on its own contacts only: an /export/all contact with it
	// that /export lacks means the own contacts carry another account's id.
	if len(owners) == 1 {
		me := sortedKeys(owners)[0]
		inOwn := own.byID()
		for _, c := range all.rows {
			if owner, _ := c.obj["OwnerId"].(string); owner != me || c.id == "" {
				continue
			}
			if _, ok := inOwn[c.id]; !ok && !s.changedDuringRun(c) && own.complete() {
				v.fail(all.pageOf(c), c.obj, "contact %s of %s carries OwnerId %s, the owner of the %s contacts, but is not in %s: the current user's contacts carry another account's OwnerId", c.id, sparkmock.PathExportAll, me, sparkmock.PathExport, sparkmock.PathExport)
				break
			}
		}
	}
	v.note("%d contacts of %s among %d of %s", len(own.rows), sparkmock.PathExport, len(all.rows), sparkmock.PathExportAll)
}

func checkOwnerID(s *run, v *verdict) {
	s.eachListing(v, sparkmock.ExportPaths(), func(p string, l *listing) {
		if len(l.rows) == 0 {
			v.skip("%s has no contacts", p)
			return
		}
		for _, c := range l.rows {
			judgeOwner(v, l.pageOf(c), p, c)
		}
	})
}

func isNonEmptyString(v any) bool {
	s, ok := v.(string)
	return ok && s != ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// treeListings reads another account's /export (with the token of role) and the Private
// token's /export/all, or skips saying why; whole says /export/all must be complete.
func treeListings(s *run, v *verdict, role Role, whole bool) (theirs, mine *listing, ok bool) {
	if !v.needPrivate() {
		return nil, nil, false
	}
	theirs, mine = s.listingAs(role, sparkmock.PathExport), s.listing(sparkmock.PathExportAll)
	switch {
	case theirs.problem != "":
		v.skip("%s", theirs.problem)
	case whole && !mine.complete() || mine.problem != "":
		v.skip("%s", mine.whyIncomplete())
	case len(theirs.rows) == 0:
		v.skip("the %s account has no contacts of its own: nothing to look for in %s", role, sparkmock.PathExportAll)
	default:
		return theirs, mine, true
	}
	return nil, nil, false
}

// checkControlled: the contacts of an account the Private token controls are in its
// /export/all.
func checkControlled(s *run, v *verdict) {
	theirs, mine, ok := treeListings(s, v, RoleControlled, true)
	if !ok {
		return
	}
	inAll := mine.byID()
	for _, c := range theirs.rows {
		if c.id == "" {
			continue
		}
		if _, ok := inAll[c.id]; !ok {
			if s.changedDuringRun(c) {
				continue
			}
			v.fail(theirs.pageOf(c), c.obj, "contact %s of the controlled account's %s is not in the Private token's %s", c.id, sparkmock.PathExport, sparkmock.PathExportAll)
			continue
		}
		v.ok()
	}
}

// checkOutsider: no contact of an account the Private token does not control is in its
// /export/all.
func checkOutsider(s *run, v *verdict) {
	theirs, mine, ok := treeListings(s, v, RoleOutsider, false)
	if !ok {
		return
	}
	outside := theirs.byID()
	for _, c := range mine.rows {
		if _, ok := outside[c.id]; ok && c.id != "" {
			v.fail(mine.pageOf(c), c.obj, "contact %s of the outsider account (a token the Private one does not control) is in the Private token's %s", c.id, sparkmock.PathExportAll)
			return
		}
	}
	v.ok()
	if mine.truncated {
		v.note("%s read up to %d contacts", sparkmock.PathExportAll, maxRows)
	}
}
