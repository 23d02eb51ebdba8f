// Package openapicheck validates requests and responses against openapi.yaml as kin-openapi
// does, with kin-openapi's verdicts, but fast on a stream of similar exchanges: the one
// implementation the mock (checking what it produces) and the contract suite's judge
// (checking what a service sent) share. It holds a spec view's routes, the cached verdicts
// of requests, and the piecewise validation of pages of contacts (page.go), whose agreement
// with the full validation is tested here once.
package openapicheck

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/sparkmock/sparkmock/internal/bounded"
)

// RequestOptions validate a request's parameters and headers only: authentication is the
// caller's business (the mock answers it with Spark codes first; the judge has rules of its
// own), bodies are not validated, and nothing is written into the request.
var RequestOptions = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true, SkipSettingDefaults: true}

// responseOptions count an undocumented status as a violation.
var responseOptions = &openapi3filter.Options{IncludeResponseStatus: true}

// Config says how a Checker judges.
type Config struct {
	// Router builds the router Find needs, for a caller that sees real requests, path
	// parameters included (the mock). Without it only Route finds operations.
	Router bool
	// Ignored are response headers no verdict looks at (the judge's Allow, a [choice], when
	// not strict).
	Ignored []string
}

// Checker validates exchanges against one view of the spec. Everything it needs is built
// once, by New; it is safe for concurrent use.
type Checker struct {
	doc       *openapi3.T
	routes    map[string]*routers.Route // "METHOD /path", the path as the spec writes it
	router    routers.Router            // nil without Config.Router
	headersOf map[*openapi3.Operation][]string
	// headers are the response headers the spec declares anywhere (Content-Type included),
	// Ignored left out: the only headers a response's verdict depends on.
	headers []string
	ignored []string
	pages   map[*routers.Route]*Page

	pieces   pieceCache                 // decoded items and skeletons, by their bytes
	verdicts bounded.Map[string, error] // whole answers and skeletons, by everything they depend on
}

// New builds a Checker for doc.
func New(doc *openapi3.T, cfg Config) (*Checker, error) {
	c := &Checker{doc: doc, routes: map[string]*routers.Route{}, headersOf: headerParameters(doc), pages: map[*routers.Route]*Page{}}
	if cfg.Router {
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("openapi router: %w", err)
		}
		c.router = router
	}
	var server *openapi3.Server
	if len(doc.Servers) > 0 {
		server = doc.Servers[0]
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			c.routes[method+" "+path] = &routers.Route{Spec: doc, Server: server, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	for _, h := range cfg.Ignored {
		c.ignored = append(c.ignored, http.CanonicalHeaderKey(h))
	}
	c.pieces.m.Init(1<<16, 32<<20)
	c.verdicts.Init(1<<14, 8<<20)
	c.pagesAndHeaders()
	return c, nil
}

// Route returns the operation of method on path as the spec writes it ("/v1/session/{token}"
// is a path of its own here), or nil.
func (c *Checker) Route(method, path string) *routers.Route { return c.routes[method+" "+path] }

// Routes maps "METHOD /path" to every operation, the path as the spec writes it. It is the
// Checker's own map: read it, never write it.
func (c *Checker) Routes() map[string]*routers.Route { return c.routes }

// Match is the operation of a request and its path parameters; Route is nil when the spec
// has none.
type Match struct {
	Route  *routers.Route
	Params map[string]string
}

// Find finds the operation of a request (New with Config.Router). It sees the path an Echo
// server routes on ([choice]: an escaped spelling of a path is not that path, 404): the raw
// one when the client spelled it with escapes (/v1/contacts/%65xport is no export path to
// Echo, so it is none here either; otherwise its 404 would be judged against an operation
// that documents none).
func (c *Checker) Find(req *http.Request) Match {
	if req.URL.RawPath == "" && !strings.Contains(req.URL.Path, "{") {
		if r, ok := c.routes[req.Method+" "+req.URL.Path]; ok {
			return Match{Route: r}
		}
	}
	if c.router == nil {
		return Match{}
	}
	r, params, err := c.router.FindRoute(req)
	if err != nil {
		return Match{}
	}
	if req.URL.RawPath != "" && !routesTo(r.Path, req.URL.RawPath) {
		return Match{}
	}
	return Match{Route: r, Params: params}
}

// routesTo says whether a raw path fits a spec path template segment by segment: literal
// segments byte for byte (Echo compares them so), {parameters} anything but empty.
func routesTo(template, raw string) bool {
	ts, rs := strings.Split(template, "/"), strings.Split(raw, "/")
	if len(ts) != len(rs) {
		return false
	}
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if rs[i] == "" {
				return false
			}
			continue
		}
		if t != rs[i] {
			return false
		}
	}
	return true
}

// headerParameters maps every operation of doc to the header parameters it declares, its
// path's and its own, canonical (as http.Header keys them). With the method, the path and the
// query they are all a request's validation against doc depends on (see requestKey).
func headerParameters(doc *openapi3.T) map[*openapi3.Operation][]string {
	out := map[*openapi3.Operation][]string{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
					out[op] = append(out[op], http.CanonicalHeaderKey(p.Value.Name))
				}
			}
		}
	}
	return out
}

// requestKey appends what a request's verdict against openapi.yaml depends on, as a cache
// key: the method, the path, the raw query, and the values of the declared header parameters
// (canonical names).
func requestKey(dst []byte, method, path, rawQuery string, h http.Header, declared []string) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, path...)
	dst = append(dst, '?')
	dst = append(dst, rawQuery...)
	for _, name := range declared {
		for _, v := range h[name] {
			dst = append(dst, 0)
			dst = append(dst, v...)
		}
		dst = append(dst, 1)
	}
	return dst
}

// Request is a request to validate: its method, URL and headers, and the operation it
// matched (Match.Route not nil).
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	Match
	// HTTP, when set, is the request itself, validated as it is; otherwise one is made from
	// the URL and the declared headers.
	HTTP *http.Request
}

// ValidateRequest is kin-openapi's validation of a request's parameters and headers.
func (c *Checker) ValidateRequest(ctx context.Context, in Request) error {
	req := in.HTTP
	if req == nil {
		var err error
		if req, err = http.NewRequestWithContext(ctx, in.Method, in.URL.String(), nil); err != nil {
			return err
		}
		for _, h := range c.headersOf[in.Route.Operation] {
			if vals := in.Header[h]; len(vals) > 0 {
				req.Header[h] = vals
			}
		}
	}
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{Request: req, Route: in.Route, PathParams: in.Params, Options: RequestOptions})
}

// Verdicts remembers what requests' validations come to, as a caller reads them (V: the
// mock's Spark error, the judge's check and problem). A validation depends only on the
// method, the path, the query and the headers the operation declares, so identical inputs
// are validated once.
type Verdicts[V any] struct {
	c     *Checker
	judge func(in Request, err error) V
	m     bounded.Map[string, V]
}

// NewVerdicts caches c's request validations, each turned into a V by judge (err nil: the
// request is valid).
func NewVerdicts[V any](c *Checker, judge func(in Request, err error) V) *Verdicts[V] {
	v := &Verdicts[V]{c: c, judge: judge}
	v.m.Init(1<<14, 8<<20)
	return v
}

// Of returns the verdict on a request.
func (v *Verdicts[V]) Of(ctx context.Context, in Request) V {
	var buf [512]byte
	key := requestKey(buf[:0], in.Method, in.URL.Path, in.URL.RawQuery, in.Header, v.c.headersOf[in.Route.Operation])
	if verdict, ok := v.m.GetBytes(key); ok {
		return verdict
	}
	verdict := v.judge(in, v.c.ValidateRequest(ctx, in))
	v.m.Put(string(key), verdict, len(key))
	return verdict
}

// Response is an answer to validate: the request's method and operation, the status, the
// headers and the body.
type Response struct {
	Method string
	Route  *routers.Route
	Status int
	Header http.Header
	Body   []byte
}

// Full is kin-openapi's own validation of a whole answer (undocumented statuses are
// errors): the reference every verdict of Validate equals.
func (c *Checker) Full(ctx context.Context, r Response) error {
	// The request only carries the method (ctx is passed on its own): made without ctx, so
	// that a caller's ctx stays on its stack.
	req, err := http.NewRequest(r.Method, r.Route.Path, nil)
	if err != nil {
		return err
	}
	header, cloned := r.Header, false
	for _, h := range c.ignored {
		if header.Get(h) != "" {
			if !cloned {
				header, cloned = header.Clone(), true
			}
			header.Del(h)
		}
	}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: r.Route, Options: RequestOptions},
		Status:                 r.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                responseOptions,
	})
}

// key appends everything a response's verdict depends on but the body: operation, status,
// declared headers.
func (c *Checker) key(dst []byte, r Response) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, ' ')
	dst = append(dst, r.Route.Path...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	for _, h := range c.headers {
		dst = append(dst, 0)
		for _, val := range r.Header[h] {
			dst = append(dst, val...)
			dst = append(dst, 1)
		}
	}
	return append(dst, 0)
}

// declaredHeaders lists the response headers declared anywhere, Content-Type included,
// Ignored left out, in a stable order.
func (c *Checker) declaredHeaders() []string {
	seen := map[string]bool{"Content-Type": true}
	for _, r := range c.routes {
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
	}
	for _, h := range c.ignored {
		delete(seen, h)
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}
