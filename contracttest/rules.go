package contracttest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/sparkql"
)

// The rules below judge one exchange each. They are written once and used twice: by the
// suite's checks, over the exchanges of a run, and by Judge, over the exchanges a validating
// proxy sees. A rule that needs what only a run knows (a listing's TotalRows) takes it as a
// parameter, -1 when unknown; a rule that says whether the exchange held leaves ok to its
// caller, which may still skip (the suite) or go on judging.

// judge is where a rule reports: a check's verdict in the suite, a ruling in Judge.
type judge interface {
	// ok records that the rule was judged and held.
	ok()
	// fail records a break; part is what broke the rule (nil: the body).
	fail(x *exchange, part any, format string, args ...any)
}

// judgeStatusDocumented: conformance.status.
func judgeStatusDocumented(j judge, x *exchange, r *routers.Route) {
	if r == nil {
		j.fail(x, nil, "the spec has no %s %s operation", x.method, x.path)
		return
	}
	if !documented(r, x.status) {
		j.fail(x, nil, "got status %d, which openapi.yaml does not document for %s %s (documented: %s)", x.status, x.method, x.path, strings.Join(documentedStatuses(r), ", "))
		return
	}
	j.ok()
}

// judgeContentType: conformance.content-type.
func judgeContentType(j judge, x *exchange) {
	if ok, why := isJSON(x.header.Get("Content-Type")); !ok {
		j.fail(x, nil, "got %s, want application/json", why)
		return
	}
	j.ok()
}

// judgeEnvelopeJSON: envelope.json.
func judgeEnvelopeJSON(j judge, x *exchange) {
	x.decode()
	switch {
	case len(x.body) == 0:
		j.fail(x, "", "got an empty body, want a JSON object with a D object")
	case x.jsonErr != nil:
		j.fail(x, nil, "the body is not JSON (%v), want a JSON object with a D object", x.jsonErr)
	case x.d == nil:
		j.fail(x, nil, `the body has no "D" object`)
	default:
		j.ok()
	}
}

// judgeEnvelopeSuccess: envelope.success. It says whether the answer could be judged.
func judgeEnvelopeSuccess(j judge, x *exchange) bool {
	d := x.D()
	if d == nil {
		return false // envelope.json reports it
	}
	var want bool
	switch {
	case x.status >= 200 && x.status < 300:
		want = true
	case x.status >= 400:
		want = false
	default:
		return false
	}
	got, present := d["Success"]
	b, isBool := got.(bool)
	switch {
	case !present:
		j.fail(x, d, "D.Success is missing, want %v with status %d", want, x.status)
	case !isBool:
		j.fail(x, got, "D.Success is %s, want the boolean %v", compactJSON(got), want)
	case b != want:
		j.fail(x, d, "D.Success is %v with status %d, want %v", b, x.status, want)
	default:
		j.ok()
	}
	return true
}

// judgeEnvelopeError: envelope.error. It says whether the answer was an error to judge.
func judgeEnvelopeError(j judge, x *exchange) bool {
	d := x.D()
	if d == nil || x.status < 400 {
		return false
	}
	bad := false
	if _, ok := x.code(); !ok {
		j.fail(x, d, "D.Code is %s, want an integer code", describeMember(d, "Code"))
		bad = true
	}
	if m, ok := d["Message"].(string); !ok || m == "" {
		j.fail(x, d, "D.Message is %s, want a non-empty string", describeMember(d, "Message"))
		bad = true
	}
	if !bad {
		j.ok()
	}
	return true
}

// judgeOwner: own-all.owner-id on one contact of a page of path.
func judgeOwner(j judge, x *exchange, path string, c contact) {
	owner, has := c.obj["OwnerId"]
	switch {
	case path == sparkmock.PathExport && has:
		j.fail(x, c.obj, "contact %s of %s carries OwnerId %s, want none: OwnerId is only on %s", c.id, path, compactJSON(owner), sparkmock.PathExportAll)
	case path == sparkmock.PathExportAll && !has:
		j.fail(x, c.obj, "contact %s of %s has no OwnerId, want one on every contact", c.id, path)
	case path == sparkmock.PathExportAll && !isNonEmptyString(owner):
		j.fail(x, c.obj, "contact %s of %s has OwnerId %s, want an id string", c.id, path, compactJSON(owner))
	default:
		j.ok()
	}
}

// judgeSelectedKeys: the part of select.fields one answer shows, that a contact carries no
// field but the selected ones and those always kept. It says whether the contact held.
func judgeSelectedKeys(j judge, x *exchange, fields []string, selected map[string]bool, c contact) bool {
	var extra []string
	for k := range c.obj { // not sortedKeys: on the proxy's path, a slice per contact
		if !selected[k] && !alwaysKept[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sortStrings(extra)
		j.fail(x, c.obj, "_select=%s: contact %s carries %s too", strings.Join(fields, ","), c.id, strings.Join(extra, ", "))
		return false
	}
	return true
}

// judgeKeepsID: select.keeps-id on one contact.
func judgeKeepsID(j judge, x *exchange, fields []string, c contact) {
	var missing []string
	for _, k := range []string{"Id", "ResourceUri"} {
		if _, ok := c.obj[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		j.fail(x, c.obj, "_select=%s: a contact lacks %s", strings.Join(fields, ","), strings.Join(missing, " and "))
		return
	}
	j.ok()
}

// judgeMatch: filter.match on one contact returned for a filter, sparkql the oracle.
func judgeMatch(j judge, x *exchange, q *sparkql.Query, name, filter string, c contact, schema sparkql.Schema, loc *time.Location) {
	if !q.Match(sparkql.JSONRecord(c.obj, schema, loc)) {
		j.fail(x, c.obj, "contact %s does not satisfy the filter it was returned for (%s): %s", c.id, name, filter)
		return
	}
	j.ok()
}

// judgeExportTimestamp: incremental.export-timestamp on one successful GET; instants reads
// the timestamp in the service's zone. It says whether the answer could be judged.
func judgeExportTimestamp(j judge, x *exchange, instants func(string) (early, late time.Time, ok bool)) bool {
	if x.D() == nil {
		if m := unquotedExportTimestamp.FindSubmatch(x.body); m != nil {
			j.fail(x, m[0], "ExportTimestamp is not a JSON string: got %s unquoted, want \"YYYY-MM-DDTHH:MM:SS\"", strings.TrimSpace(string(m[1])))
		}
		return false // envelope.json reports the rest
	}
	raw, present := x.D()["ExportTimestamp"]
	ts, isString := raw.(string)
	switch {
	case !present:
		j.fail(x, x.D(), "no ExportTimestamp in a successful export")
		return true
	case !isString:
		j.fail(x, raw, "ExportTimestamp is %s, want a string YYYY-MM-DDTHH:MM:SS", compactJSON(raw))
		return true
	case !exportTimestampForm.MatchString(ts):
		j.fail(x, ts, "ExportTimestamp %q is not in the documented form YYYY-MM-DDTHH:MM:SS (no zone, no fraction)", ts)
		return true
	}
	early, _, ok := instants(ts)
	if !ok {
		j.fail(x, ts, "ExportTimestamp %q is not a valid date and time", ts)
		return true
	}
	date, err := http.ParseTime(x.header.Get("Date"))
	if err != nil {
		j.ok() // the form holds; there is no Date to compare with
		return true
	}
	if early.After(date.Add(clockSkew)) {
		j.fail(x, ts, "ExportTimestamp %s is %s after the response's Date (%s), want no later than Date + %v", ts, early.Sub(date).Round(time.Second), x.header.Get("Date"), clockSkew)
		return true
	}
	j.ok()
	return true
}

// judgePagination checks the arithmetic of one page answer asked with _limit and _page
// (paging.arithmetic). stable says the page's rows may be counted against TotalRows.
func judgePagination(j judge, x *exchange, limit, page int, stable bool) {
	f := factsOf(x)
	if f.pagination == nil {
		j.fail(x, x.D(), "no Pagination with _pagination=1")
		return
	}
	bad := false
	fail := func(format string, args ...any) {
		j.fail(x, f.pagination, format, args...)
		bad = true
	}
	if f.pageSize != limit {
		fail("got PageSize %d, want %d (_limit)", f.pageSize, limit)
	}
	if f.currentPage != page {
		fail("got CurrentPage %d, want %d (_page)", f.currentPage, page)
	}
	switch {
	case f.totalRows < 0:
		fail("got no integer TotalRows")
	case limit > 0:
		want := ceilDiv(f.totalRows, limit)
		// An empty result may fairly be said to have one (empty) page.
		if f.totalPages != want && !(f.totalRows == 0 && f.totalPages == 1) {
			fail("got TotalPages %d for TotalRows %d and PageSize %d, want %d", f.totalPages, f.totalRows, limit, want)
		}
		if stable && f.hasResults && f.rows != expectedRows(f.totalRows, limit, page) {
			fail("page %d holds %d contacts, want %d (TotalRows %d, PageSize %d)", page, f.rows, expectedRows(f.totalRows, limit, page), f.totalRows, limit)
		}
	}
	if !bad {
		j.ok()
	}
}

// judgeNoDuplicateIDs: paging.disjoint within one page, which is one snapshot of the
// listing: no contact comes twice. Pages hold at most 100 contacts: comparing each with those
// before costs less than a map.
func judgeNoDuplicateIDs(j judge, x *exchange, res []any) {
	var buf [100]string
	ids := buf[:0]
	for _, item := range res {
		obj, _ := item.(map[string]any)
		id, _ := obj["Id"].(string)
		if id == "" {
			continue // the schema reports it
		}
		for _, before := range ids {
			if before == id {
				j.fail(x, item, "contact %s comes twice on this page", id)
				return
			}
		}
		ids = append(ids, id)
	}
	j.ok()
}

// judgePageSize: paging.limit, paging.default-size and paging.max-limit on one page asked for
// limit contacts, with _limit when given, else by the default page size. total is the
// listing's TotalRows when the caller knows it: the page must then hold exactly
// min(limit, total) contacts; -1 when not: at most limit. It says whether the page held.
func judgePageSize(j judge, x *exchange, f pageFacts, limit int, given bool, total int) bool {
	asked := func() string {
		if given {
			return "for _limit=" + strconv.Itoa(limit)
		}
		return "without _limit (the default page size " + strconv.Itoa(limit) + ")"
	}
	switch {
	case total >= 0 && f.rows != min(limit, total):
		j.fail(x, nil, "got %d contacts %s, want %d (TotalRows %d)", f.rows, asked(), min(limit, total), total)
	case total < 0 && f.rows > limit:
		j.fail(x, nil, "got %d contacts %s, want at most %d", f.rows, asked(), limit)
	case f.pageSize >= 0 && f.pageSize != limit:
		j.fail(x, f.pagination, "got PageSize %d %s, want %d", f.pageSize, asked(), limit)
	default:
		return true
	}
	return false
}

// judgeOverMax: paging.over-max on one page of path: never more contacts than the path's
// maximum, whatever _limit asked. It says whether the page held.
func judgeOverMax(j judge, x *exchange, rows, max int, path string) bool {
	if rows > max {
		j.fail(x, nil, "got %d contacts, want at most %d, the maximum on %s", rows, max, path)
		return false
	}
	return true
}

// judgeNoPagination: paging.no-pagination on one page asked without _pagination or with
// _pagination=0.
func judgeNoPagination(j judge, x *exchange) {
	if pg, has := x.D()["Pagination"]; has {
		j.fail(x, pg, "got a Pagination object without _pagination=1 or count, want none (_pagination defaults to 0)")
		return
	}
	j.ok()
}

// judgeCount: the part of paging.count one answer shows: no contacts, and a Pagination.
// It says whether the answer held.
func judgeCount(j judge, x *exchange, f pageFacts) bool {
	switch {
	case f.rows != 0:
		j.fail(x, nil, "got %d contacts with _pagination=count, want an empty Results", f.rows)
	case f.pagination == nil:
		j.fail(x, x.D(), "no Pagination with _pagination=count")
	default:
		return true
	}
	return false
}

// judgeSkip: the part of paging.skip one page asked with _skip=skip and _limit=limit shows:
// CurrentOffset is skip and, when the listing's TotalRows is known (total ≥ 0), the page
// holds the contacts left after skip, up to limit. It says whether the page held.
func judgeSkip(j judge, x *exchange, f pageFacts, skip, limit, total int) bool {
	switch want := max(0, min(limit, total-skip)); {
	case f.pagination == nil:
		j.fail(x, x.D(), "no Pagination with _skip=%d and _pagination=1, want one with CurrentOffset %d", skip, skip)
	case f.currentOffst != skip:
		j.fail(x, f.pagination, "got CurrentOffset %d for _skip=%d, want %d", f.currentOffst, skip, skip)
	case total >= 0 && f.rows != want:
		j.fail(x, nil, "got %d contacts for _skip=%d and _limit=%d, want %d (TotalRows %d)", f.rows, skip, limit, want, total)
	default:
		return true
	}
	return false
}
