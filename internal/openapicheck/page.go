package openapicheck

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// A page of contacts is validated piece by piece: its envelope skeleton (D.Results emptied)
// once per distinct bytes, each item on its own, and the item count against the array's
// bounds. A valid skeleton and valid items, as many as the array allows, are a valid page,
// as long as no rule of the schema looks at the items together; pageOf refuses the schemas
// where one could (uniqueItems, a combinator around D or Results), and those pages are
// validated whole. TestPiecewiseValidationMatchesFull checks the verdicts against the full
// validation.

// Page is what the piecewise validation of a route's 200 answer needs.
type Page struct {
	item     *openapi3.Schema
	slot     int // which verdict of a piece is this item schema's
	min, max int // item counts allowed; max -1: no bound
}

// maxItemSchemas bounds the distinct item schemas, so a piece keeps its verdicts in an array.
const maxItemSchemas = 4

// pagesAndHeaders finds the routes validated piecewise and the headers verdicts depend on.
func (c *Checker) pagesAndHeaders() {
	c.headers = c.declaredHeaders()
	keys := make([]string, 0, len(c.routes))
	for k := range c.routes {
		keys = append(keys, k)
	}
	sort.Strings(keys) // slots are numbered in a stable order
	slots := map[*openapi3.Schema]int{}
	for _, k := range keys {
		r := c.routes[k]
		p := pageOf(r)
		if p == nil {
			continue
		}
		slot, ok := slots[p.item]
		if !ok {
			if len(slots) == maxItemSchemas {
				continue // validated whole
			}
			slot = len(slots)
			slots[p.item] = slot
		}
		p.slot = slot
		c.pages[r] = p
	}
}

// Page returns how a route's 200 JSON answer is validated piecewise, or nil when it is
// validated whole.
func (c *Checker) Page(r *routers.Route) *Page { return c.pages[r] }

// pageOf finds D.Results of a route's 200 JSON answer, or nil when the answer has no such
// array or one the piecewise validation cannot judge: uniqueItems needs every item at once,
// and a combinator (allOf, anyOf, oneOf, not) around the envelope, D or Results could look
// into the items.
func pageOf(r *routers.Route) *Page {
	if r.Operation.Responses == nil {
		return nil
	}
	ref := r.Operation.Responses.Status(http.StatusOK)
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	env := mt.Schema.Value
	d := env.Properties["D"]
	if d == nil || d.Value == nil || combined(env) || combined(d.Value) {
		return nil
	}
	res := d.Value.Properties["Results"]
	if res == nil || res.Value == nil || !res.Value.Type.Is("array") || res.Value.Items == nil || res.Value.Items.Value == nil {
		return nil
	}
	rv := res.Value
	if rv.UniqueItems || combined(rv) {
		return nil
	}
	p := &Page{item: rv.Items.Value, min: int(rv.MinItems), max: -1}
	if rv.MaxItems != nil {
		p.max = int(*rv.MaxItems)
	}
	return p
}

func combined(s *openapi3.Schema) bool {
	return len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil
}

// Item is the schema of an element of D.Results.
func (p *Page) Item() *openapi3.Schema { return p.item }

// CheckCount says whether n items are as many as D.Results allows.
func (p *Page) CheckCount(n int) error {
	if n < p.min || (p.max >= 0 && n > p.max) {
		if p.max < 0 {
			return fmt.Errorf("D.Results: %d items, the schema allows at least %d", n, p.min)
		}
		return fmt.Errorf("D.Results: %d items, the schema allows %d to %d", n, p.min, p.max)
	}
	return nil
}

// CheckItem validates one element of D.Results, as the full validation would: decoded as
// kin-openapi decodes, visited as a response. It caches nothing (the mock keeps verdicts by
// record).
func (p *Page) CheckItem(b []byte) error {
	v, err := decodeValue(b)
	if err != nil {
		return err
	}
	return p.item.VisitJSON(v, openapi3.VisitAsResponse())
}

// maxWholeCached is the largest answer whose verdict is kept whole (error envelopes, small
// pages); larger ones that cannot be split are validated every time.
const maxWholeCached = 4 << 10

// Validate returns what Full returns for the answer, from the caches where it can. split,
// when not nil, is the page already split by SplitPage.
func (c *Checker) Validate(ctx context.Context, r Response, split *Split) error {
	var buf [1 << 10]byte
	key := c.key(buf[:0], r)
	if p := c.pages[r.Route]; p != nil && r.Status == http.StatusOK && r.Method == http.MethodGet {
		if split == nil {
			if s, ok := SplitPage(r.Body); ok {
				split = &s
			}
		}
		if split != nil && c.piecewiseValid(ctx, r, p, key, split) {
			return nil
		}
		return c.Full(ctx, r)
	}
	if len(r.Body) > maxWholeCached {
		return c.Full(ctx, r)
	}
	return c.cached(ctx, r, r.Body, append(key, r.Body...))
}

// CheckSkeleton validates the envelope of a page, route's 200 answer to a GET, with its
// Results emptied, once per distinct skeleton, route and headers. With every item valid
// (CheckItem) and their count allowed (CheckCount), that is the whole page validated.
func (c *Checker) CheckSkeleton(ctx context.Context, route *routers.Route, header http.Header, skeleton []byte) error {
	r := Response{Method: http.MethodGet, Route: route, Status: http.StatusOK, Header: header}
	var buf [1 << 10]byte
	return c.cached(ctx, r, skeleton, append(c.key(buf[:0], r), skeleton...))
}

// cached is Full's verdict on r with body, kept by key (everything it depends on). body is
// apart from r so that it stays on the caller's stack: only a copy goes further, on a miss.
func (c *Checker) cached(ctx context.Context, r Response, body, key []byte) error {
	if err, ok := c.verdicts.GetBytes(key); ok {
		return err
	}
	r.Body = bytes.Clone(body)
	err := c.Full(ctx, r)
	c.verdicts.Put(string(key), err, len(key))
	return err
}

// piecewiseValid says whether the split page is valid by its skeleton and items; false means
// "ask the full validation", which also gives the error.
func (c *Checker) piecewiseValid(ctx context.Context, r Response, p *Page, key []byte, s *Split) bool {
	if p.CheckCount(len(s.Items)) != nil {
		return false
	}
	if c.cached(ctx, r, s.Skeleton, append(key, s.Skeleton...)) != nil {
		return false
	}
	for _, item := range s.Items {
		if !c.pieces.get(item).validFor(p) {
			return false
		}
	}
	return true
}
