package mockserver

import (
	"net/url"
	"strconv"
	"strings"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/sparkql"
)

// exportQuery is the standard search and paging syntax of one export request, checked.
type exportQuery struct {
	limit      int
	page       int
	skip       int
	useSkip    bool
	pagination int // paginationNone, paginationOn or paginationCount
	order      []sortKey
	sel        *selection
	filter     string
	hasFilter  bool
	query      *sparkql.Query // filter parsed, by parseFilter
}

const (
	paginationNone = iota
	paginationOn
	paginationCount
)

// Limits of the mock's own. The paging limits (_limit, _page, _skip) are openapi.yaml's:
// sparkmock.PagingOf reads them.
const (
	maxOrderKeys  = 10
	maxParamValue = 65536 // bounds the work one request can ask for
)

// standardParams are the parameters parseQuery reads; a request may carry others (the
// legacy AuthToken and ApiSig, a client's cache buster), which are ignored.
var standardParams = map[string]bool{
	"_limit": true, "_page": true, "_pagination": true, "_skip": true,
	"_orderby": true, "_select": true, "_filter": true, "_expand": true,
}

func badParam(format string, args ...any) *sparkmock.Error {
	return sparkmock.Errorf(sparkmock.CodeBadParameter, format, args...)
}

// parseQuery reads the standard parameters. path names the endpoint in messages; pg is its
// paging as openapi.yaml declares it (request validation has already enforced the ranges:
// these checks stand behind it).
func parseQuery(values url.Values, path string, pg sparkmock.Paging, fields *fieldSet, variants variantSet) (*exportQuery, error) {
	q := &exportQuery{limit: pg.DefaultLimit, page: 1}
	for name, vs := range values {
		if !standardParams[name] {
			continue
		}
		if len(vs) > 1 {
			// [choice] a standard parameter given twice is ambiguous: rejected, not first-wins.
			return nil, badParam("%s is given %d times; give it once", name, len(vs))
		}
		if len(vs[0]) > maxParamValue {
			return nil, badParam("%s is %d bytes long; at most %d", name, len(vs[0]), maxParamValue)
		}
	}
	if _, ok := values["_expand"]; ok && !variants.has(vExpandIgnored) {
		// [choice] the export has no expansions.
		return nil, badParam("_expand is not supported here: contacts export has no expansions")
	}
	var err error
	if v, ok := first(values, "_limit"); ok {
		// [choice] out of range is rejected, not clamped.
		if q.limit, err = intParam("_limit", v, 0, pg.MaxLimit, path); err != nil {
			return nil, err
		}
	}
	_, hasPage := values["_page"]
	_, hasSkip := values["_skip"]
	if hasPage && hasSkip {
		// [choice] two ways to say where a page starts: pick one.
		return nil, badParam("_page and _skip cannot be used together: give one of them")
	}
	if v, ok := first(values, "_page"); ok {
		if q.page, err = intParam("_page", v, 1, pg.MaxPage, path); err != nil {
			return nil, err
		}
	}
	if v, ok := first(values, "_skip"); ok {
		if q.skip, err = intParam("_skip", v, 0, pg.MaxSkip, path); err != nil {
			return nil, err
		}
		q.useSkip = true
	}
	if v, ok := first(values, "_pagination"); ok {
		switch v {
		case "0":
			q.pagination = paginationNone
		case "1":
			q.pagination = paginationOn
		case "count":
			q.pagination = paginationCount
		default:
			return nil, badParam("_pagination must be 0, 1 or count, not %q", v)
		}
	}
	if v, ok := first(values, "_orderby"); ok {
		if q.order, err = parseOrder(v, fields); err != nil {
			return nil, err
		}
	}
	q.order = variantOrder(q.order, variants)
	if v, ok := first(values, "_select"); ok {
		if q.sel, err = parseSelect(v, fields, variants); err != nil {
			return nil, err
		}
	}
	if v, ok := first(values, "_filter"); ok {
		q.filter, q.hasFilter = v, true
	}
	return q, nil
}

func first(values url.Values, name string) (string, bool) {
	vs, ok := values[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func intParam(name, v string, lo, hi int, path string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi || strings.TrimSpace(v) != v {
		return 0, integerRangeError(name, lo, hi, path, v)
	}
	return n, nil
}

// sortKey is one field of _orderby.
type sortKey struct {
	field int    // generator ordinal, or -1 for a spec field the generator never writes
	name  string // as the spec spells it
	desc  bool
}

func splitList(param, v string) ([]string, error) {
	parts := strings.Split(v, ",")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, badParam("%s has an empty item in %q", param, v)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseOrder(v string, fields *fieldSet) ([]sortKey, error) {
	names, err := splitList("_orderby", v)
	if err != nil {
		return nil, err
	}
	if len(names) > maxOrderKeys {
		return nil, badParam("_orderby has %d fields; at most %d", len(names), maxOrderKeys)
	}
	keys := make([]sortKey, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		k := sortKey{}
		switch n[0] {
		case '-':
			k.desc, n = true, strings.TrimSpace(n[1:])
		case '+':
			n = strings.TrimSpace(n[1:])
		}
		kind, ok := fields.kind(n)
		if !ok {
			return nil, badParam("_orderby: unknown field %q%s", n, suggest(n, fields))
		}
		if kind == sparkmock.KindStringList {
			// [choice] a list has no natural order.
			return nil, badParam("_orderby: %s is a list and cannot be sorted on", n)
		}
		if seen[n] {
			return nil, badParam("_orderby names %s twice", n)
		}
		seen[n] = true
		k.name = n
		if o, ok := fields.ordinal[n]; ok {
			k.field = o
		} else {
			k.field = -1
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// selection is the set of members _select keeps, by generator ordinal.
type selection struct {
	bits  uint64
	exact bool // the select-exact variant: OwnerId only when selected too
}

func (s *selection) has(f int) bool { return s.bits&(1<<uint(f)) != 0 }

func parseSelect(v string, fields *fieldSet, variants variantSet) (*selection, error) {
	names, err := splitList("_select", v)
	if err != nil {
		return nil, err
	}
	// [choice] Id and ResourceUri are always returned.
	sel := &selection{bits: 1<<fID | 1<<fResourceURI}
	if variants.has(vSelectExact) {
		sel = &selection{exact: true}
	}
	for _, n := range names {
		if _, ok := fields.kind(n); !ok {
			if variants.has(vSelectUnknownIgnored) {
				continue
			}
			return nil, badParam("_select: unknown field %q%s", n, suggest(n, fields))
		}
		if o, ok := fields.ordinal[n]; ok {
			sel.bits |= 1 << uint(o)
		}
	}
	return sel, nil
}

// suggest names the closest known field, for messages a person can act on.
func suggest(name string, fields *fieldSet) string {
	if best := sparkql.SuggestField(name, fields.schema); best != "" {
		return " (did you mean " + strconv.Quote(best) + "?)"
	}
	return ""
}
