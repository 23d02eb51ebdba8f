package contracttest

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/sparkmock/sparkmock"
)

// alwaysKept are the members a contact may carry whatever _select says: Id and ResourceUri
// by [choice], OwnerId as /export/all's own.
var alwaysKept = map[string]bool{"Id": true, "ResourceUri": true, "OwnerId": true}

// selectFields picks two fields to select from the target's data: the ones most contacts
// have, Id, ResourceUri, OwnerId and ModificationTimestamp left out.
func (s *run) selectFields() []string {
	count := map[string]int{}
	for _, p := range sparkmock.ExportPaths() {
		for _, c := range s.listing(p).rows {
			for k := range c.obj {
				if !alwaysKept[k] && k != "ModificationTimestamp" && s.schema[k] != 0 {
					count[k]++
				}
			}
		}
	}
	names := sortedKeys(count)
	sort.SliceStable(names, func(i, j int) bool { return count[names[i]] > count[names[j]] })
	if len(names) > 2 {
		names = names[:2]
	}
	sort.Strings(names)
	return names
}

// selectAnswer is the answer to _select on a path, asked once per run.
func (s *run) selectAnswer(path string, fields []string) (*exchange, error) {
	sel := strings.Join(fields, ",")
	return s.once("select "+path+" "+sel, call{path: path, as: RolePrivate, query: q("_select", sel, "_limit", strconv.Itoa(s.cfg.limits.list))})
}

func checkSelect(s *run, v *verdict) {
	fields, ok := needSome(v, s.selectFields, "no contact has a field to select")
	if !ok {
		return
	}
	selected := map[string]bool{}
	for _, f := range fields {
		selected[f] = true
	}
	eachAnswer(v, func(p string) (*exchange, error) { return s.selectAnswer(p, fields) }, func(p string, x *exchange) {
		if _, ok := v.pageOK(x, "_select="+strings.Join(fields, ",")); !ok {
			return
		}
		full := s.listing(p).byID()
		res, _ := x.results()
		if len(res) == 0 {
			v.skip("%s: no contacts", p)
			return
		}
		for _, r := range res {
			c, ok := newContact(r, 0, nil)
			if !ok {
				continue
			}
			if !judgeSelectedKeys(v, x, fields, selected, c) {
				continue
			}
			ref, known := full[c.id]
			if !known || s.changedDuringRun(ref) {
				v.ok()
				continue
			}
			bad := false
			for _, f := range fields {
				want, has := ref.obj[f]
				got, gotHas := c.obj[f]
				switch {
				case has && !gotHas:
					v.fail(x, r, "_select=%s: contact %s lacks %s, which the listing has (%s)", strings.Join(fields, ","), c.id, f, compactJSON(want))
					bad = true
				case has && !reflect.DeepEqual(got, want):
					v.fail(x, r, "_select=%s: contact %s has %s %s, the listing %s", strings.Join(fields, ","), c.id, f, compactJSON(got), compactJSON(want))
					bad = true
				}
			}
			if !bad {
				v.ok()
			}
		}
	})
}

// checkSelectKeepsID: select.keeps-id. [choice] _select always keeps Id and ResourceUri.
func checkSelectKeepsID(s *run, v *verdict) {
	fields, ok := needSome(v, s.selectFields, "no contact has a field to select")
	if !ok {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) { return s.selectAnswer(p, fields) }, func(p string, x *exchange) {
		if x.status != 200 {
			v.skip("%s: _select answered %d (select.fields reports it)", p, x.status)
			return
		}
		res, _ := x.results()
		for _, r := range res {
			obj, _ := r.(map[string]any)
			judgeKeepsID(v, x, fields, contact{obj: obj})
		}
	})
}
