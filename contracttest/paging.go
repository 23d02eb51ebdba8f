package contracttest

import (
	"fmt"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/sparkmock/sparkmock"
)

// limits are the page limits of the contract (section 4), read from the spec the suite or
// the Judge runs with (sparkmock.PagingOf), so a -spec with other limits is judged by them.
type limits struct {
	byPath map[string]sparkmock.Paging
	// list is the page size of a full listing: the smaller maximum, valid on both paths.
	list int
}

// limitsOf reads the limits of both export paths from spec, which must declare GET on both.
func limitsOf(spec *openapi3.T) (limits, error) {
	l := limits{byPath: map[string]sparkmock.Paging{}}
	for _, p := range sparkmock.ExportPaths() {
		if item := spec.Paths.Find(p); item == nil || item.Get == nil {
			return limits{}, fmt.Errorf("the spec has no GET %s: it is not a contract of the export", p)
		}
		pg, err := sparkmock.PagingOf(spec, p)
		if err != nil {
			return limits{}, err
		}
		l.byPath[p] = pg
		if l.list == 0 || pg.MaxLimit < l.list {
			l.list = pg.MaxLimit
		}
	}
	return l, nil
}

// of returns path's limits; any other path gets those of /export/all.
func (l limits) of(path string) sparkmock.Paging {
	if pg, ok := l.byPath[path]; ok {
		return pg
	}
	return l.byPath[sparkmock.PathExportAll]
}

// pageFacts is what one page answer says about itself.
type pageFacts struct {
	rows         int
	hasResults   bool
	pagination   map[string]any
	totalRows    int // -1 when unknown
	pageSize     int // -1 when unknown
	totalPages   int // -1 when unknown
	currentPage  int // -1 when unknown
	currentOffst int // -1 when unknown
}

func factsOf(x *exchange) pageFacts {
	f := pageFacts{totalRows: -1, pageSize: -1, totalPages: -1, currentPage: -1, currentOffst: -1}
	res, ok := x.results()
	f.rows, f.hasResults = len(res), ok
	if p, ok := x.pagination(); ok {
		f.pagination = p
		read := func(name string, into *int) {
			if n, ok := intMember(p, name); ok {
				*into = n
			}
		}
		read("TotalRows", &f.totalRows)
		read("PageSize", &f.pageSize)
		read("TotalPages", &f.totalPages)
		read("CurrentPage", &f.currentPage)
		read("CurrentOffset", &f.currentOffst)
	}
	return f
}

// totalOf returns the number of contacts of a path: the answer's own TotalRows, else the
// listing's.
func (s *run) totalOf(path string, f pageFacts) int {
	if f.totalRows >= 0 {
		return f.totalRows
	}
	return s.listing(path).total()
}

// getPage asks the Private token's path for a page and checks that the answer is one (a 200
// with Results); a request that could not be made is an error of the verdict, an answer
// that is no page a failure under what.
func (s *run) getPage(v *verdict, path, what string, query ...param) (*exchange, pageFacts, bool) {
	x, err := s.get(path, query...)
	if err != nil {
		v.errored(err)
		return nil, pageFacts{}, false
	}
	f, ok := v.pageOK(x, what)
	return x, f, ok
}

// pageOK checks that an answer is a 200 with Results, and fails the verdict otherwise.
func (v *verdict) pageOK(x *exchange, what string) (pageFacts, bool) {
	if x.status != 200 {
		code, hasCode := x.code()
		v.fail(x, nil, "got %s for %s, want 200", describeAnswer(x.status, code, hasCode && x.status >= 400), what)
		return pageFacts{}, false
	}
	f := factsOf(x)
	if !f.hasResults {
		v.fail(x, nil, "got no Results array for %s", what)
		return f, false
	}
	return f, true
}

func checkLimit(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		for _, n := range []int{0, 1, 2, 5} {
			x, f, ok := s.getPage(v, p, "_limit="+strconv.Itoa(n), q("_limit", strconv.Itoa(n), "_pagination", "1")...)
			if !ok {
				continue
			}
			total := s.totalOf(p, f)
			switch {
			case total < 0:
				if judgePageSize(v, x, f, n, true, -1) {
					v.skip("%s: TotalRows unknown", p)
				}
			case n > 0 && total <= n:
				if judgePageSize(v, x, f, n, true, -1) {
					v.skip("%s has %d contacts: _limit=%d cannot be told from no limit", p, total, n)
				}
			case judgePageSize(v, x, f, n, true, total):
				v.ok()
			}
		}
	}
}

func checkDefaultSize(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) { return s.get(p, q("_pagination", "1")...) }, func(p string, x *exchange) {
		f, ok := v.pageOK(x, "no _limit")
		if !ok {
			return
		}
		defaultLimit := s.cfg.limits.of(p).DefaultLimit
		total := s.totalOf(p, f)
		if !judgePageSize(v, x, f, defaultLimit, false, total) {
			return
		}
		if f.pageSize >= 0 || total > defaultLimit {
			v.ok()
		} else {
			v.skip("%s has %s and no PageSize: the default page size cannot be told", p, contactCount(total))
		}
	})
}

func checkMaxLimit(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		m := s.cfg.limits.of(p).MaxLimit
		x, f, ok := s.getPage(v, p, "_limit="+strconv.Itoa(m)+", the documented maximum", q("_limit", strconv.Itoa(m), "_pagination", "1")...)
		if !ok {
			continue
		}
		if judgePageSize(v, x, f, m, true, s.totalOf(p, f)) {
			v.ok()
		}
	}
}

func checkOverMax(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) {
		return s.get(p, q("_limit", strconv.Itoa(s.cfg.limits.of(p).MaxLimit+1), "_pagination", "1")...)
	}, func(p string, x *exchange) {
		m := s.cfg.limits.of(p).MaxLimit
		switch {
		case x.status == 400:
			v.ok() // rejected: never more than the maximum
			v.note("%s rejects _limit=%d", p, m+1)
		case x.status == 200:
			f := factsOf(x)
			total := s.totalOf(p, f)
			switch {
			case !judgeOverMax(v, x, f.rows, m, p): // failed
			case total >= 0 && total <= m:
				v.skip("%s has %d contacts, no more than the maximum %d: clamping cannot be seen", p, total, m)
			default:
				v.ok()
				v.note("%s clamps _limit=%d", p, m+1)
			}
		default:
			v.skip("%s answered %d to _limit=%d", p, x.status, m+1)
		}
	})
}

// checkOverMaxRejected: paging.over-max-rejected. [choice] _limit past the maximum is rejected, not clamped.
func checkOverMaxRejected(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) {
		return s.get(p, q("_limit", strconv.Itoa(s.cfg.limits.of(p).MaxLimit+1))...)
	}, func(_ string, x *exchange) { v.expectError(x, 400, 1053) })
}

// smallPages reads a path of few contacts (2 to 2×s.cfg.limits.list) in about three pages, so that
// disjointness can be judged on it too.
func (s *run) smallPages(path string, total int) (limit int, pages []*exchange, err error) {
	limit = max(1, (total+2)/3)
	for page := 1; (page-1)*limit < total; page++ {
		x, err := s.get(path, q("_limit", strconv.Itoa(limit), "_pagination", "1", "_page", strconv.Itoa(page))...)
		if err != nil {
			return limit, pages, err
		}
		pages = append(pages, x)
	}
	return limit, pages, nil
}

func checkDisjoint(s *run, v *verdict) {
	s.eachListing(v, sparkmock.ExportPaths(), func(p string, l *listing) {
		pages := l.pages
		limit := s.cfg.limits.list
		if len(pages) < 2 {
			total := l.total()
			if total < 2 {
				v.skip("%s has %s: no two pages to compare", p, contactCount(total))
				return
			}
			var err error
			if limit, pages, err = s.smallPages(p, total); err != nil {
				v.errored(err)
				return
			}
		}
		seen := map[string]int{} // Id → page
		found := false
		for i, x := range pages {
			if x.status != 200 {
				v.fail(x, nil, "got %d for page %d (_limit=%d), want 200", x.status, i+1, limit)
				found = true
				continue
			}
			res, _ := x.results()
			for _, r := range res {
				c, ok := newContact(r, i+1, nil)
				if !ok || c.id == "" {
					continue
				}
				if first, dup := seen[c.id]; dup {
					if s.changedDuringRun(c) {
						continue // modified during the run: the contract lets it come twice
					}
					found = true
					if first == i+1 {
						v.fail(x, r, "contact %s comes twice on page %d (_limit=%d)", c.id, i+1, limit)
					} else {
						v.fail(x, r, "contact %s is on page %d and again on page %d (_limit=%d), and was not modified during the run", c.id, first, i+1, limit)
					}
					continue
				}
				seen[c.id] = i + 1
			}
		}
		if !found {
			v.ok()
			v.note("%s: %d pages of %d", p, len(pages), limit)
		}
	})
}

func checkComplete(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		l := s.listing(p)
		switch {
		case l.complete():
			v.ok()
			v.note("%s: %d contacts in %d pages", p, l.total(), len(l.pages))
			continue
		case l.problem != "" || l.truncated || !l.stable():
			v.skip("%s", l.whyIncomplete())
			continue
		}
		if c, moved := s.anyChangedDuringRun(l.rows); moved {
			v.skip("%s: contact %s was modified during the run: the pages may shift", p, c.id)
			continue
		}
		v.fail(l.pages[len(l.pages)-1], l.pages[0].D()["Pagination"],
			"the %d pages of %d hold %d contacts, %d distinct, want TotalRows = %d distinct contacts", len(l.pages), s.cfg.limits.list, len(l.rows), len(l.byID()), l.total())
	}
}

// anyChangedDuringRun returns a contact of rows modified during the run, if there is one.
func (s *run) anyChangedDuringRun(rows []contact) (contact, bool) {
	for _, c := range rows {
		if s.changedDuringRun(c) {
			return c, true
		}
	}
	return contact{}, false
}

// expectedRows is how many contacts page p of size limit holds when there are total.
func expectedRows(total, limit, page int) int {
	return max(0, min(limit, total-(page-1)*limit))
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func checkArithmetic(s *run, v *verdict) {
	s.eachListing(v, sparkmock.ExportPaths(), func(p string, l *listing) {
		for i, x := range l.pages {
			judgePagination(v, x, s.cfg.limits.list, i+1, l.stable())
		}
		total := l.total()
		if total < 0 {
			return // judgePagination reported the missing TotalRows
		}
		// An odd page size, on a page that exists: past the end is a [choice]
		// (paging.past-end), so the page is picked from the TotalRows read.
		page := 2
		if total <= 7 {
			page = 1
		}
		// And a page size that divides TotalRows, on its last page: TotalPages is exactly
		// TotalRows/PageSize there, where off-by-one arithmetic shows.
		div := divisorLimit(total, s.cfg.limits.of(p).MaxLimit, s.cfg.limits.list)
		for _, probe := range []struct{ limit, page int }{{7, page}, {div, max(1, min(total/div, s.cfg.limits.of(p).MaxPage))}} {
			what := fmt.Sprintf("_limit=%d&_page=%d", probe.limit, probe.page)
			if x, _, ok := s.getPage(v, p, what, q("_limit", strconv.Itoa(probe.limit), "_page", strconv.Itoa(probe.page), "_pagination", "1")...); ok {
				judgePagination(v, x, probe.limit, probe.page, true)
			}
		}
	})
}

// divisorLimit is the largest page size from 2 to max that divides total (other than
// s.cfg.limits.list, already judged), or 1.
func divisorLimit(total, max, listLimit int) int {
	for d := max; d >= 2; d-- {
		if total > 0 && total%d == 0 && d != listLimit {
			return d
		}
	}
	return 1
}

func checkCount(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		// Asked twice when they disagree: data may change between two requests.
		for attempt := 1; attempt <= 2; attempt++ {
			xc, fc, ok := s.getPage(v, p, "_pagination=count", q("_limit", strconv.Itoa(s.cfg.limits.list), "_pagination", "count")...)
			if !ok {
				break
			}
			_, f1, ok := s.getPage(v, p, "_pagination=1", q("_limit", strconv.Itoa(s.cfg.limits.list), "_pagination", "1")...)
			if !ok {
				break
			}
			if !judgeCount(v, xc, fc) {
				break
			}
			if fc.totalRows == f1.totalRows && fc.pageSize == f1.pageSize && fc.totalPages == f1.totalPages {
				v.ok()
				break
			}
			if attempt == 2 {
				v.fail(xc, fc.pagination, "_pagination=count says TotalRows %d, PageSize %d, TotalPages %d; _pagination=1 says %d, %d, %d (asked twice)",
					fc.totalRows, fc.pageSize, fc.totalPages, f1.totalRows, f1.pageSize, f1.totalPages)
			}
		}
	}
}

func checkNoPagination(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		for _, ps := range [][]param{q("_limit", "1"), q("_limit", "1", "_pagination", "0")} {
			if x, _, ok := s.getPage(v, p, encodeQuery(ps), ps...); ok {
				judgeNoPagination(v, x)
			}
		}
	}
}

func checkSkip(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		l := s.listing(p)
		if !l.complete() {
			v.skip("%s", l.whyIncomplete())
			continue
		}
		total := l.total()
		if total < 3 {
			v.skip("%s has %d contacts: too few to skip some", p, total)
			continue
		}
		n := min(3, total-2)
		limit := min(5, total-n)
		x, f, ok := s.getPage(v, p, "_skip", q("_skip", strconv.Itoa(n), "_limit", strconv.Itoa(limit), "_pagination", "1")...)
		if !ok {
			continue
		}
		if !judgeSkip(v, x, f, n, limit, total) {
			continue
		}
		res, _ := x.results()
		want := l.rows[n:min(n+limit, len(l.rows))]
		bad := false
		for i, r := range res {
			c, _ := newContact(r, 0, nil)
			w := want[i]
			// Contacts modified at the same instant may fairly come in any order.
			if c.id != w.id && !(c.hasMod && w.hasMod && c.mod.Equal(w.mod)) && !s.changedDuringRun(w) {
				v.fail(x, r, "row %d of _skip=%d is contact %s, want %s: row %d of the listing", i+1, n, c.id, w.id, n+i+1)
				bad = true
				break
			}
		}
		if !bad {
			v.ok()
		}
	}
}

// checkPastEnd: paging.past-end. [choice] A page past the end is 200 with empty Results.
func checkPastEnd(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		total := s.listing(p).total()
		if total < 0 {
			v.skip("%s: TotalRows unknown", p)
			continue
		}
		page := ceilDiv(total, s.cfg.limits.list) + 1
		if maxPage := s.cfg.limits.of(p).MaxPage; page > maxPage {
			v.skip("%s: no page past the end within _page ≤ %d", p, maxPage)
			continue
		}
		x, f, ok := s.getPage(v, p, "a page past the end", q("_limit", strconv.Itoa(s.cfg.limits.list), "_page", strconv.Itoa(page))...)
		if !ok {
			continue
		}
		if f.rows != 0 {
			v.fail(x, nil, "got %d contacts on page %d past the end (TotalRows %d), want none", f.rows, page, total)
			continue
		}
		v.ok()
	}
}
