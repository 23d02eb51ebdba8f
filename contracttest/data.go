package contracttest

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/sparkmock/sparkmock"
)

// maxRows bounds a full listing: the suite reads at most maxRows contacts of a path, in pages
// of limits.list (the documented maximum of /export/all, valid on both paths).
const maxRows = 2000

// contact is one contact as the target returned it.
type contact struct {
	obj    map[string]any
	id     string // "" when the contact has no string Id
	mod    time.Time
	hasMod bool
	modRaw string
	page   int // 1-based page it came on
}

func newContact(v any, page int, z *zoneEvidence) (contact, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return contact{}, false
	}
	c := contact{obj: obj, page: page}
	c.id, _ = obj["Id"].(string)
	if raw, ok := obj["ModificationTimestamp"].(string); ok {
		c.modRaw = raw
		if t, ok := parseInstant(raw); ok {
			c.mod, c.hasMod = t, true
			if z != nil {
				z.observe(t)
			}
		}
	}
	return c, true
}

// parseInstant reads a datetime with its offset: RFC 3339, or an offset without a colon.
func parseInstant(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// listing is the whole of one path as the Private token reads it, page after page, in the
// default order.
type listing struct {
	path      string
	pages     []*exchange
	rows      []contact
	totals    []int // TotalRows of each page; -1 where a page had none
	truncated bool  // stopped at maxRows before the end
	problem   string
}

// total returns TotalRows of the first page, or -1.
func (l *listing) total() int {
	if len(l.totals) == 0 {
		return -1
	}
	return l.totals[0]
}

// stable says whether every page gave the same TotalRows.
func (l *listing) stable() bool {
	for _, t := range l.totals {
		if t != l.totals[0] || t < 0 {
			return false
		}
	}
	return len(l.totals) > 0
}

// complete says whether the listing holds the whole path: stable, read to the end, and as
// many distinct contacts as TotalRows.
func (l *listing) complete() bool {
	if l.problem != "" || l.truncated || !l.stable() {
		return false
	}
	return len(l.byID()) == l.total() && len(l.rows) == l.total()
}

// byID indexes the contacts by Id (the first one seen wins).
func (l *listing) byID() map[string]contact {
	m := make(map[string]contact, len(l.rows))
	for _, c := range l.rows {
		if c.id == "" {
			continue
		}
		if _, ok := m[c.id]; !ok {
			m[c.id] = c
		}
	}
	return m
}

// whyIncomplete says why a listing cannot stand for the whole path.
func (l *listing) whyIncomplete() string {
	switch {
	case l.problem != "":
		return l.problem
	case l.truncated:
		return fmt.Sprintf("%s has %d contacts, more than the %d the suite reads", l.path, l.total(), maxRows)
	case !l.stable():
		for i, t := range l.totals {
			if t < 0 {
				return fmt.Sprintf("%s: page %d has no Pagination.TotalRows, so the pages cannot be counted against it (paging.arithmetic reports it)", l.path, i+1)
			}
		}
		for i, t := range l.totals {
			if t != l.totals[0] {
				return fmt.Sprintf("%s: TotalRows went from %d on page 1 to %d on page %d: the data changed during the run", l.path, l.totals[0], t, i+1)
			}
		}
	}
	return fmt.Sprintf("%s: the pages hold %d rows, %d distinct, for TotalRows %d", l.path, len(l.rows), len(l.byID()), l.total())
}

// listing reads the whole of a path as the Private token once per run and shares it between
// checks.
func (s *run) listing(path string) *listing { return s.listingAs(RolePrivate, path) }

// listingAs reads the whole of a path with the token of a role, once per run.
func (s *run) listingAs(role Role, path string) *listing {
	key := path
	if role != RolePrivate {
		key = string(role) + " " + path
	}
	if l, ok := s.listings[key]; ok {
		return l
	}
	l := &listing{path: path}
	s.listings[key] = l
	if _, ok := s.cfg.tokens[role]; !ok {
		l.problem = fmt.Sprintf("no %s token (-token %s=…)", role, role)
		if role == RolePrivate {
			l.problem = "no Private token"
		}
		return l
	}
	wantPages := -1
	for page := 1; ; page++ {
		x, err := s.do(call{path: path, as: role, query: q("_limit", strconv.Itoa(s.cfg.limits.list), "_pagination", "1", "_page", strconv.Itoa(page))})
		if err != nil {
			l.problem = err.Error()
			return l
		}
		if x.status != 200 {
			l.problem = fmt.Sprintf("GET %s answered %d, not 200", x.url, x.status)
			return l
		}
		results, ok := x.results()
		if !ok {
			l.problem = fmt.Sprintf("GET %s: no Results array in the body", x.url)
			return l
		}
		l.pages = append(l.pages, x)
		total := -1
		if p, ok := x.pagination(); ok {
			if n, ok := intMember(p, "TotalRows"); ok && n >= 0 {
				total = n
			}
		}
		l.totals = append(l.totals, total)
		if page == 1 && total >= 0 {
			wantPages = (total + s.cfg.limits.list - 1) / s.cfg.limits.list
		}
		for _, r := range results {
			if c, ok := newContact(r, page, &s.zone); ok {
				l.rows = append(l.rows, c)
			}
		}
		switch {
		case wantPages >= 0 && page >= wantPages:
			return l
		case wantPages < 0 && len(results) < s.cfg.limits.list:
			return l
		case len(results) == 0:
			return l
		case len(l.rows) >= maxRows:
			l.truncated = true
			return l
		}
	}
}

// zoneEvidence is what the target's ModificationTimestamps say about the service zone:
// ExportTimestamp has no zone, so a check that compares it with instants must know the zone
// or allow for every offset the target shows.
type zoneEvidence struct {
	loc       *time.Location
	offsets   map[int]bool // offsets (seconds) seen in ModificationTimestamps
	mismatch  bool         // an offset that is not loc's at that instant
	confirmed int          // offsets that are loc's at that instant
}

func (z *zoneEvidence) observe(t time.Time) {
	if z.offsets == nil {
		z.offsets = map[int]bool{}
	}
	_, off := t.Zone()
	z.offsets[off] = true
	if z.loc != nil {
		if _, want := t.In(z.loc).Zone(); want == off {
			z.confirmed++
		} else {
			z.mismatch = true
		}
	}
}

// onlyUTC says whether every ModificationTimestamp seen was written at offset 0, in a zone
// the configured one is not: the target writes instants in UTC, whatever its own zone.
func (z *zoneEvidence) onlyUTC() bool {
	return z.mismatch && len(z.offsets) == 1 && z.offsets[0]
}

var exportTimestampForm = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)

// exportInstants reads an ExportTimestamp and returns the earliest and the latest instant it
// can mean: exactly one when the target's offsets all agree with the configured zone,
// otherwise one per plausible offset (the zone's and every offset the target showed).
func (s *run) exportInstants(ts string) (earliest, latest time.Time, ok bool) {
	if !exportTimestampForm.MatchString(ts) {
		return time.Time{}, time.Time{}, false
	}
	local, err := time.ParseInLocation(sparkmock.ExportTimestampLayout, ts, s.cfg.loc)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	earliest, latest = local, local
	if !s.zone.mismatch {
		return earliest, latest, true
	}
	naive, _ := time.Parse(sparkmock.ExportTimestampLayout, ts) // the wall clock read as UTC
	if s.zone.onlyUTC() {
		// [choice] Instants written in UTC say nothing of the service's zone: ExportTimestamp
		// may be read at any offset in use on Earth, -12:00 to +14:00.
		return naive.Add(-14 * time.Hour), naive.Add(12 * time.Hour), true
	}
	for off := range s.zone.offsets {
		t := naive.Add(-time.Duration(off) * time.Second)
		if t.Before(earliest) {
			earliest = t
		}
		if t.After(latest) {
			latest = t
		}
	}
	return earliest, latest, true
}

// zoneNote says how ExportTimestamp was read, for a check's reason.
func (s *run) zoneNote() string {
	if s.zone.onlyUTC() {
		return "ModificationTimestamps are all in UTC, which says nothing of the service's zone: ExportTimestamp judged at every offset from -12:00 to +14:00"
	}
	if s.zone.mismatch {
		return fmt.Sprintf("ModificationTimestamp offsets do not all fit %s: ExportTimestamp judged at every offset seen", s.cfg.loc)
	}
	if s.zone.confirmed > 0 {
		return fmt.Sprintf("ExportTimestamp read in %s (the ModificationTimestamp offsets agree)", s.cfg.loc)
	}
	return fmt.Sprintf("ExportTimestamp read in %s", s.cfg.loc)
}

// runStart is the earliest instant the first export of the run can stand for: contacts
// modified after it may have moved during the run, and the contract lets them come twice.
func (s *run) runStart() (time.Time, bool) {
	for _, x := range s.exchanges {
		if x.method != "GET" || x.status != 200 {
			continue
		}
		d := x.D()
		if d == nil {
			continue
		}
		ts, _ := d["ExportTimestamp"].(string)
		if early, _, ok := s.exportInstants(ts); ok {
			return early, true
		}
	}
	return time.Time{}, false
}

// runSkew is how long before the first ExportTimestamp a modification counts as during the run.
const runSkew = time.Minute

// changedDuringRun says whether a contact may have been modified while the suite ran.
func (s *run) changedDuringRun(c contact) bool {
	start, ok := s.runStart()
	if !ok || !c.hasMod {
		return false
	}
	return !c.mod.Before(start.Add(-runSkew))
}

// contactCount says how many contacts a path has, for a reason: never a sentinel.
func contactCount(total int) string {
	if total < 0 {
		return "an unknown number of contacts (no TotalRows)"
	}
	return plural(total, "contact")
}

// eachListing judges the full listing of each of paths with judge, for the checks that need
// the Private token; a path whose listing could not be read is skipped, with why.
func (s *run) eachListing(v *verdict, paths []string, judge func(p string, l *listing)) {
	if !v.needPrivate() {
		return
	}
	for _, p := range paths {
		l := s.listing(p)
		if l.problem != "" {
			v.skip("%s: %s", p, l.problem)
			continue
		}
		judge(p, l)
	}
}
