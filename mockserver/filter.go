package mockserver

import (
	"sort"
	"strconv"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/bounded"
	"github.com/sparkmock/sparkmock/sparkql"
)

// filterEntries keeps the entries of list (in listLess order) that match the request's
// _filter. ModificationTimestamp and Id filters use indexes: a time range found in the
// filter narrows the list by binary search, and Id equality looks the contacts up directly;
// every candidate is then matched against the whole filter.
func (s *Server) filterEntries(st *store, list []entry, books []int, q *exportQuery, now time.Time) ([]entry, error) {
	if !q.hasFilter {
		return list, nil
	}
	if err := s.parseFilter(q, now, st.loc); err != nil {
		return nil, err
	}
	query := q.query
	entryOnly := true
	for _, name := range query.Fields() {
		if f, ok := fieldIndex[name]; !ok || !entryField(f) {
			entryOnly = false
		}
	}
	match := func(e entry) bool {
		if entryOnly {
			return query.Match(entryRecord{st: st, e: e})
		}
		return query.Match(recordView{r: st.record(e), owner: st.books[e.book].ownerBox})
	}

	if ids, ok := idCandidates(query.Root); ok {
		var out []entry
		for _, id := range ids {
			e, ok := st.locate(id, books, now.Unix())
			if ok && match(e) {
				out = append(out, e)
			}
		}
		sortList(out)
		return dedupe(out), nil
	}

	lo, hi := 0, len(list)
	b, hasBounds := query.TimeBounds(nameModified)
	if hasBounds && onlyTimeRange(query.Root) {
		// The bounds are the whole filter: the answer is a slice of the sorted list.
		t := func(i int) time.Time { return time.Unix(list[i].mod, 0) }
		if !b.Lo.IsZero() {
			lo = sort.Search(len(list), func(i int) bool { return t(i).After(b.Lo) || b.LoIncl && t(i).Equal(b.Lo) })
		}
		if !b.Hi.IsZero() {
			hi = sort.Search(len(list), func(i int) bool { return t(i).After(b.Hi) || !b.HiIncl && t(i).Equal(b.Hi) })
		}
		return list[lo:max(lo, hi)], nil
	}
	if hasBounds {
		// Entries hold whole seconds; the bounds are widened by a second, Match decides.
		if !b.Lo.IsZero() {
			from := b.Lo.Unix() - 1
			lo = sort.Search(len(list), func(i int) bool { return list[i].mod >= from })
		}
		if !b.Hi.IsZero() {
			to := b.Hi.Unix() + 1
			hi = sort.Search(len(list), func(i int) bool { return list[i].mod > to })
		}
	}
	var out []entry
	for _, e := range list[lo:max(lo, hi)] {
		if match(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// onlyTimeRange says whether a filter is nothing but ModificationTimestamp compared with
// instants or days (Gt, Ge, Lt, Le, Bt, joined by And): then TimeBounds is exactly the filter
// (a day compares as the span from its midnight to the next, in the service's zone).
func onlyTimeRange(n sparkql.Node) bool {
	switch n := n.(type) {
	case *sparkql.Group:
		return onlyTimeRange(n.X)
	case *sparkql.Binary:
		return n.Op == sparkql.And && onlyTimeRange(n.L) && onlyTimeRange(n.R)
	case *sparkql.Condition:
		if n.Field != nameModified || n.Func != "" {
			return false
		}
		switch n.Op {
		case sparkql.Gt, sparkql.Ge, sparkql.Lt, sparkql.Le, sparkql.Bt:
		default:
			return false
		}
		for _, v := range n.Values {
			if v.Resolved.Kind != sparkql.KindDateTime && v.Resolved.Kind != sparkql.KindDate {
				return false
			}
		}
		return true
	}
	return false
}

// idCandidates finds the ids every match must have one of: a top-level "Id Eq 'a','b'"
// conjunct, or such conditions on both sides of an Or.
func idCandidates(n sparkql.Node) ([]string, bool) {
	switch n := n.(type) {
	case *sparkql.Group:
		return idCandidates(n.X)
	case *sparkql.Binary:
		if n.Op == sparkql.And {
			if ids, ok := idCandidates(n.L); ok {
				return ids, true
			}
			return idCandidates(n.R)
		}
		if n.Op == sparkql.AndNot {
			return idCandidates(n.L)
		}
		if n.Op == sparkql.Or {
			l, lok := idCandidates(n.L)
			r, rok := idCandidates(n.R)
			return append(l, r...), lok && rok
		}
	case *sparkql.Condition:
		if n.Field != nameID || n.Func != "" || n.Op != sparkql.Eq {
			return nil, false
		}
		ids := make([]string, 0, len(n.Values))
		for _, v := range n.Values {
			if v.Resolved.Kind != sparkql.KindString || v.Resolved.Match != sparkql.MatchExact {
				return nil, false
			}
			ids = append(ids, v.Resolved.Str)
		}
		return ids, true
	}
	return nil, false
}

func sortList(list []entry) {
	sort.Slice(list, func(i, j int) bool { return listLess(list[i], list[j]) < 0 })
}

func dedupe(list []entry) []entry {
	out := list[:0]
	for i, e := range list {
		if i == 0 || e.id != list[i-1].id {
			out = append(out, e)
		}
	}
	return out
}

// filterError turns a sparkql error into the envelope's 1040 or 1041 with SparkQLErrors.
func filterError(err error) *sparkmock.Error {
	qe, ok := err.(*sparkql.Error)
	if !ok {
		return sparkmock.Errorf(sparkmock.CodeFilterSyntax, "_filter: %v", err)
	}
	e := sparkmock.Errorf(qe.Code, "_filter: %s", qe.Message)
	for _, p := range qe.Problems {
		e.SparkQLErrors = append(e.SparkQLErrors, sparkmock.SparkQLError{Token: p.Token, Status: p.Status, Message: p.Message})
	}
	return e
}

// queryCache keeps parsed filters: a filter means the same thing for the same text, clock
// second and zone, so the parse (which resolves now(), days(n) …) is done once.
type queryCache struct {
	m bounded.Map[string, cachedQuery]
}

type cachedQuery struct {
	q   *sparkql.Query
	err error
}

const maxCachedQueries = 1024

// parseFilter parses q's _filter, once, as of now in loc (relative times such as now() and
// days(n) are fixed then), into q.query.
func (s *Server) parseFilter(q *exportQuery, now time.Time, loc *time.Location) error {
	if !q.hasFilter || q.query != nil {
		return nil
	}
	query, err := s.queries.parse(q.filter, s.fields.schema, now, loc)
	if err != nil {
		return err
	}
	q.query = query
	return nil
}

func (c *queryCache) init() { c.m.Init(maxCachedQueries, 1<<20) }

func (c *queryCache) parse(filter string, schema sparkql.Schema, now time.Time, loc *time.Location) (*sparkql.Query, error) {
	key := strconv.FormatInt(now.Unix(), 10) + "\x00" + loc.String() + "\x00" + filter
	hit, ok := c.m.Get(key)
	if ok {
		return hit.q, hit.err
	}
	q, err := sparkql.Parse(filter, schema, sparkql.Options{Now: now, Location: loc})
	hit = cachedQuery{q: q}
	if err != nil {
		hit = cachedQuery{err: filterError(err)}
	}
	c.m.Put(key, hit, len(key))
	return hit.q, hit.err
}

// entryRecord serves the fields a snapshot entry carries, so filters on them need no record.
type entryRecord struct {
	st *store
	e  entry
}

func (r entryRecord) Value(field string) (any, bool) {
	switch field {
	case nameModified:
		return time.Unix(r.e.mod, 0), true
	case nameID:
		return r.e.id, true
	case nameOwnerID:
		return r.st.books[r.e.book].ownerBox, true
	}
	return nil, false
}

// recordView serves every field of a generated contact to the filter.
type recordView struct {
	r     *record
	owner any
}

func (v recordView) Value(field string) (any, bool) {
	f, ok := fieldIndex[field]
	if !ok {
		return nil, false
	}
	c := &v.r.c
	switch {
	case f == fResourceURI:
		return sparkmock.PathContact + c.ID, true
	case f == fOwnerID:
		return v.owner, true
	}
	switch contactFields[f].kind {
	case sparkmock.KindDateTime:
		return v.r.modified, true
	case sparkmock.KindStringList:
		if c.Tags == nil {
			return nil, false
		}
		return c.Tags, true
	case sparkmock.KindBoolean:
		return c.VowEnabled, c.HasVowEnabled
	case sparkmock.KindDate:
		// A Date field takes a time.Time whose calendar day (in its own zone) is the date.
		s, _ := v.r.stringField(f)
		d, err := time.Parse(time.DateOnly, s)
		return d, err == nil
	}
	if s, ok := v.r.stringField(f); ok {
		return s, true
	}
	return nil, false
}
