package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/sparkmock/sparkmock/internal/bounded"
)

// responseValidator validates responses against openapi.yaml as kin-openapi's
// ValidateResponse does, with the same verdicts, but fast on a stream of similar pages: a page
// of contacts is split into its envelope skeleton (Results emptied) and its items; the
// skeleton is validated once per distinct bytes, each item once per distinct bytes, and only
// what fails (or cannot be split) goes through the full validation, which then gives the
// error. A valid skeleton and valid items, as many as the array allows, are a valid page:
// TestPiecewiseValidationMatchesFull checks it against the full validation.
type responseValidator struct {
	strict bool // the Allow header is a [choice]: judged only when strict
	pages  map[*routers.Route]*pageSchema
	// headers are the response headers the spec declares anywhere (Content-Type included):
	// the only headers a verdict depends on.
	headers []string

	pieces   pieceCache                 // decoded items and skeletons, by their bytes
	verdicts bounded.Map[string, error] // whole answers and skeletons, by everything they depend on
}

// pageSchema is what the piecewise validation of a route's 200 answer needs.
type pageSchema struct {
	item     *openapi3.Schema
	slot     int // which verdict of a piece is this item schema's
	min, max int // item counts allowed; max -1: no bound
}

// maxItemSchemas bounds the distinct item schemas, so a piece keeps its verdicts in an array.
const maxItemSchemas = 4

func newResponseValidator(spec *openapi3.T, routes map[string]*routers.Route, strict bool) *responseValidator {
	v := &responseValidator{strict: strict, pages: map[*routers.Route]*pageSchema{}}
	v.pieces.init()
	v.verdicts.Init(1<<14, 8<<20)
	slots := map[*openapi3.Schema]int{}
	seen := map[string]bool{"Content-Type": true}
	keys := make([]string, 0, len(routes))
	for k := range routes {
		keys = append(keys, k)
	}
	sort.Strings(keys) // slots are numbered in a stable order
	for _, k := range keys {
		r := routes[k]
		if r.Operation.Responses == nil {
			continue
		}
		for _, ref := range r.Operation.Responses.Map() {
			if ref.Value == nil {
				continue
			}
			for name := range ref.Value.Headers {
				seen[http.CanonicalHeaderKey(name)] = true
			}
		}
		ps := pageSchemaOf(r)
		if ps == nil {
			continue
		}
		slot, ok := slots[ps.item]
		if !ok {
			if len(slots) == maxItemSchemas {
				continue // validated whole
			}
			slot = len(slots)
			slots[ps.item] = slot
		}
		ps.slot = slot
		v.pages[r] = ps
	}
	for h := range seen {
		v.headers = append(v.headers, h)
	}
	sort.Strings(v.headers)
	return v
}

// pageSchemaOf finds D.Results of a route's 200 JSON answer, or nil when the answer has no
// such array or one the piecewise validation cannot judge (uniqueItems needs every item at once).
func pageSchemaOf(r *routers.Route) *pageSchema {
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
	if d == nil || d.Value == nil || len(env.AllOf)+len(env.AnyOf)+len(env.OneOf) > 0 || env.Not != nil {
		return nil
	}
	dv := d.Value
	if len(dv.AllOf)+len(dv.AnyOf)+len(dv.OneOf) > 0 || dv.Not != nil {
		return nil // a D-level rule could look into Results
	}
	res := dv.Properties["Results"]
	if res == nil || res.Value == nil || !res.Value.Type.Is("array") || res.Value.Items == nil || res.Value.Items.Value == nil {
		return nil
	}
	rv := res.Value
	if rv.UniqueItems || len(rv.AllOf)+len(rv.AnyOf)+len(rv.OneOf) > 0 || rv.Not != nil {
		return nil
	}
	ps := &pageSchema{item: rv.Items.Value, min: int(rv.MinItems), max: -1}
	if rv.MaxItems != nil {
		ps.max = int(*rv.MaxItems)
	}
	return ps
}

var fullResponseOptions = &openapi3filter.Options{IncludeResponseStatus: true}

// full is kin-openapi's own validation of a whole answer: the reference every verdict of the
// validator equals.
func (v *responseValidator) full(ctx context.Context, method string, r *routers.Route, status int, header http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, r.Path, nil)
	if err != nil {
		return err
	}
	if !v.strict && header.Get("Allow") != "" {
		header = header.Clone()
		header.Del("Allow")
	}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: r,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: fullResponseOptions,
	})
}

// key is everything a verdict depends on but the body: operation, status, declared headers.
func (v *responseValidator) key(b *strings.Builder, method string, r *routers.Route, status int, header http.Header) {
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(r.Path)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(status))
	for _, h := range v.headers {
		if h == "Allow" && !v.strict {
			continue
		}
		b.WriteByte(0)
		for _, val := range header[h] {
			b.WriteString(val)
			b.WriteByte(1)
		}
	}
	b.WriteByte(0)
}

// maxWholeCached is the largest answer whose verdict is kept whole (error envelopes, small
// pages); larger ones that cannot be split are validated every time.
const maxWholeCached = 4 << 10

// validate returns what openapi3filter.ValidateResponse returns for the answer (with
// undocumented statuses as errors), from its caches where it can. split, when not nil, is the
// page already split by splitPage.
func (v *responseValidator) validate(ctx context.Context, method string, r *routers.Route, status int, header http.Header, body []byte, split *splitBody) error {
	var kb strings.Builder
	v.key(&kb, method, r, status, header)
	if ps := v.pages[r]; ps != nil && status == http.StatusOK && method == http.MethodGet {
		if split == nil {
			s, ok := splitPage(body)
			if ok {
				split = &s
			}
		}
		if split != nil && v.piecewiseValid(ctx, method, r, ps, &kb, status, header, split) {
			return nil
		}
		return v.full(ctx, method, r, status, header, body)
	}
	if len(body) > maxWholeCached {
		return v.full(ctx, method, r, status, header, body)
	}
	kb.Write(body)
	key := kb.String()
	if err, ok := v.verdicts.Get(key); ok {
		return err
	}
	err := v.full(ctx, method, r, status, header, body)
	v.verdicts.Put(key, err, len(key))
	return err
}

// piecewiseValid says whether the split page is valid by its skeleton and items; false means
// "ask the full validation", which also gives the error.
func (v *responseValidator) piecewiseValid(ctx context.Context, method string, r *routers.Route, ps *pageSchema, kb *strings.Builder, status int, header http.Header, s *splitBody) bool {
	n := len(s.items)
	if n < ps.min || (ps.max >= 0 && n > ps.max) {
		return false
	}
	kb.Write(s.skeleton)
	key := kb.String()
	err, seen := v.verdicts.Get(key)
	if !seen {
		err = v.full(ctx, method, r, status, header, s.skeleton)
		v.verdicts.Put(key, err, len(key))
	}
	if err != nil {
		return false
	}
	for _, item := range s.items {
		p := v.pieces.get(item)
		if !p.validFor(ps) {
			return false
		}
	}
	return true
}

// piece is one JSON value (an item of Results, or a skeleton) decoded once: as kin-openapi
// decodes (numbers as json.Number), and with its verdict against each item schema.
type piece struct {
	val any
	err error

	mu       sync.Mutex
	verdicts [maxItemSchemas]int8 // 0 unknown, 1 valid, 2 invalid
}

func (p *piece) validFor(ps *pageSchema) bool {
	p.mu.Lock()
	verdict := p.verdicts[ps.slot]
	p.mu.Unlock()
	if verdict == 0 {
		verdict = 2
		if p.err == nil && ps.item.VisitJSON(p.val, openapi3.VisitAsResponse()) == nil {
			verdict = 1
		}
		p.mu.Lock()
		p.verdicts[ps.slot] = verdict
		p.mu.Unlock()
	}
	return verdict == 1
}

// decodeValue decodes one JSON value as kin-openapi does: numbers kept as json.Number, nothing
// after the value.
func decodeValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("trailing data after the JSON value")

// pieceCache keeps decoded pieces by their bytes, within a count and a byte budget; when
// full it forgets everything, which only costs decoding again.
type pieceCache struct{ m bounded.Map[string, *piece] }

func (c *pieceCache) init() { c.m.Init(1<<16, 32<<20) }

func (c *pieceCache) get(b []byte) *piece {
	if p, ok := c.m.GetBytes(b); ok {
		return p
	}
	p := &piece{}
	p.val, p.err = decodeValue(b)
	c.m.Put(string(b), p, len(b))
	return p
}

// splitBody is a page body split by splitPage.
type splitBody struct {
	skeleton []byte   // the body with D.Results emptied: [...] made []
	items    [][]byte // each element of D.Results, as bytes of the body
}

// splitPage finds the elements of D.Results in a JSON body without decoding it. It gives up
// (ok false) on anything but a plain shape: a top-level object whose D is an object with one
// Results array, no escaped or repeated key on the way. The element bytes are only delimited
// here; their validity is the decoder's business, so a malformed element only makes its
// piece invalid, and the full validation then has the say.
func splitPage(body []byte) (splitBody, bool) {
	s := scanner{b: body}
	open, closing := -1, -1
	var items [][]byte
	ok := s.object(func(key []byte) bool {
		if string(key) != "D" {
			return s.skipValue()
		}
		if open >= 0 {
			return false // a second D
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '{' {
			return false
		}
		found := false
		return s.object(func(key []byte) bool {
			if string(key) != "Results" {
				return s.skipValue()
			}
			if found {
				return false // a second Results
			}
			found = true
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != '[' {
				return false
			}
			open = s.i
			s.i++
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ']' {
				closing = s.i
				s.i++
				return true
			}
			for {
				start := s.i
				if !s.skipValue() {
					return false
				}
				items = append(items, s.b[start:s.i])
				s.ws()
				if s.i >= len(s.b) {
					return false
				}
				switch s.b[s.i] {
				case ',':
					s.i++
					s.ws()
				case ']':
					closing = s.i
					s.i++
					return true
				default:
					return false
				}
			}
		}) && found
	})
	if !ok || open < 0 {
		return splitBody{}, false
	}
	s.ws()
	if s.i != len(s.b) {
		return splitBody{}, false
	}
	skel := make([]byte, 0, open+1+len(body)-closing)
	skel = append(skel, body[:open+1]...)
	skel = append(skel, body[closing:]...)
	return splitBody{skeleton: skel, items: items}, true
}

// scanner walks JSON bytes without decoding them.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object walks an object at s.i, calling member for each key with s.i after the colon;
// member must consume the value. Keys with escapes are refused.
func (s *scanner) object(member func(key []byte) bool) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		s.ws()
		start := s.i
		escaped, ok := s.skipString()
		if !ok || escaped {
			return false
		}
		key := s.b[start+1 : s.i-1]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		if !member(key) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// skipString passes a string at s.i and says whether it held an escape.
func (s *scanner) skipString() (escaped, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false, false
	}
	i := s.i + 1
	for {
		// The closing quote is the next one not escaped: found with IndexByte, which is
		// vectorised, rather than byte by byte.
		q := bytes.IndexByte(s.b[i:], '"')
		if q < 0 {
			return false, false
		}
		seg := s.b[i : i+q]
		if bytes.IndexByte(seg, '\\') < 0 {
			s.i = i + q + 1
			return escaped, true
		}
		escaped = true
		// Count the backslashes right before the quote: an odd number escapes it.
		n := 0
		for k := len(seg) - 1; k >= 0 && seg[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			s.i = i + q + 1
			return true, true
		}
		i += q + 1
	}
}

// skipValue passes one value at s.i (after white space): a string, a scalar, or an object or
// array by bracket depth outside strings.
func (s *scanner) skipValue() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.skipString()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.skipString(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.i > start
		}
		s.i++
	}
	return s.i > start
}
