package mockserver

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// CORSAllowHeaders are the request headers a page on another origin may send: what a Spark
// client sends, plus the mock-only headers and the request id.
var CORSAllowHeaders = []string{
	echo.HeaderAuthorization, userAgentHeader, MockNowHeader, ScenarioHeader, VariantHeader,
	echo.HeaderContentType, RequestIDHeader,
}

// CORSExposeHeaders are the response headers a page on another origin may read.
var CORSExposeHeaders = []string{RequestIDHeader, "Retry-After", "X-Contract-Violations", "Allow"}

// corsAllowMethods are the methods a preflight allows. [choice] Not only GET: a page that
// sends POST, PUT or DELETE to an export path should see the mock's own 405 envelope, not an
// opaque CORS failure.
var corsAllowMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// corsMaxAge is how long (seconds) a browser may cache a preflight answer.
const corsMaxAge = 600

// checkCORSOrigins rejects origins that could never match a browser's Origin header: one is
// "*" or scheme://host[:port], where "*" may stand for any part (http://localhost:*).
func checkCORSOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			continue
		}
		scheme, rest, ok := strings.Cut(o, "://")
		if !ok || scheme == "" || rest == "" || strings.ContainsAny(rest, "/?# \t") {
			return fmt.Errorf("CORS origin %q: use * or scheme://host[:port] with no path, like http://localhost:3000", o)
		}
	}
	return nil
}

// corsPolicy is what the CORS middlewares allow, worked out once.
type corsPolicy struct {
	allowed                          func(origin string) (allow string, ok bool)
	methods, headers, expose, maxAge string
	mock                             bool // /_mock/* is shared too
}

func newCORSPolicy(origins []string, mock bool) *corsPolicy {
	return &corsPolicy{
		mock:    mock,
		allowed: originMatcher(origins),
		methods: strings.Join(corsAllowMethods, ", "),
		headers: strings.Join(CORSAllowHeaders, ", "),
		expose:  strings.Join(CORSExposeHeaders, ", "),
		maxAge:  strconv.Itoa(corsMaxAge),
	}
}

// shares says whether the policy applies to a request's path at all. [choice] /_mock/*
// lists every token: shared cross-origin only when asked (Config.CORSMock).
func (p *corsPolicy) shares(r *http.Request) bool {
	return p.mock || !strings.HasPrefix(r.URL.Path, "/_mock/")
}

// isPreflight tells a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)
// from a plain OPTIONS, which goes on to its route (405 on an export path).
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get(echo.HeaderOrigin) != "" &&
		r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
}

// corsHeaders lets a page of an allowed origin read every answer but a preflight's:
// Access-Control-Allow-Origin and the exposed headers. It runs outside the response
// validation, on the real response, so even the 500 that replaces an answer breaking the
// contract is readable by the page. A foreign origin gets no Access-Control-* header at all,
// so its browser blocks the answer.
func corsHeaders(p *corsPolicy) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			origin := req.Header.Get(echo.HeaderOrigin)
			if origin == "" || isPreflight(req) || !p.shares(req) {
				return next(c)
			}
			h := c.Response().Header()
			h.Add(echo.HeaderVary, echo.HeaderOrigin)
			if allow, ok := p.allowed(origin); ok {
				h.Set(echo.HeaderAccessControlAllowOrigin, allow)
				h.Set(echo.HeaderAccessControlExposeHeaders, p.expose)
			}
			return next(c)
		}
	}
}

// corsPreflights answers a preflight with 204 and the allowed methods and headers, before
// any route sees it, so it wins over the 405 of the export paths. It runs inside the response
// validation, like every handler. A foreign origin's preflight gets 204 with no
// Access-Control-* header, and its browser gives up.
// [choice] The preflight's 204 has no body, not a D envelope: only browsers send
// preflights, and they never read its body.
func corsPreflights(p *corsPolicy) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if !isPreflight(req) || !p.shares(req) {
				return next(c)
			}
			h := c.Response().Header()
			h.Add(echo.HeaderVary, echo.HeaderOrigin)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
			if allow, ok := p.allowed(req.Header.Get(echo.HeaderOrigin)); ok {
				h.Set(echo.HeaderAccessControlAllowOrigin, allow)
				h.Set(echo.HeaderAccessControlAllowMethods, p.methods)
				h.Set(echo.HeaderAccessControlAllowHeaders, p.headers)
				h.Set(echo.HeaderAccessControlMaxAge, p.maxAge)
			}
			return c.NoContent(http.StatusNoContent)
		}
	}
}

// originMatcher returns what Access-Control-Allow-Origin says to an origin, and whether the
// origin is allowed at all: "*" when any origin is, the origin itself when it matches an
// entry (where "*" stands for any run of characters).
func originMatcher(origins []string) func(origin string) (string, bool) {
	var patterns []*regexp.Regexp
	for _, o := range origins {
		if o == "*" {
			return func(string) (string, bool) { return "*", true }
		}
		quoted := strings.ReplaceAll(regexp.QuoteMeta(strings.ToLower(o)), `\*`, `.*`)
		patterns = append(patterns, regexp.MustCompile("^"+quoted+"$")) // QuoteMeta output always compiles
	}
	return func(origin string) (string, bool) {
		if len(origin) > 300 {
			return "", false
		}
		lower := strings.ToLower(origin)
		for _, p := range patterns {
			if p.MatchString(lower) {
				return origin, true
			}
		}
		return "", false
	}
}
