package mockserver

import (
	"net/http"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// notAllowed are the methods an export path answers with 405: POST, PUT and DELETE as
// documented, PATCH and the rest by [choice].
var notAllowed = []string{
	http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch,
	http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodConnect,
}

// chain composes middleware around a handler once. Echo would otherwise wrap route-level
// middleware again on every request.
func chain(h echo.HandlerFunc, mw ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// routes lists every route of the server, and composes what every request passes through
// around the routing, once (see serve).
func (s *Server) routes(e *echo.Echo) {
	all := []echo.MiddlewareFunc{logRequests(s.log), s.metrics.measure(), selectVariants(s.variants)}
	cors := newCORSPolicy(s.cfg.CORSOrigins, s.cfg.CORSMock)
	if len(s.cfg.CORSOrigins) > 0 {
		all = append(all, corsHeaders(cors)) // outside validation: its 500 is readable cross-origin too
	}
	if s.validate != nil {
		all = append(all, validateResponses(s.validate, s.validateDoc, s.log, s.metrics))
	}
	if len(s.cfg.CORSOrigins) > 0 {
		all = append(all, corsPreflights(cors)) // inside validation: preflights are validated too
	}
	all = append(all, recoverPanics(s.log))
	if s.cfg.Latency != (LatencyRange{}) {
		all = append(all, addLatency(s.cfg.Latency, s.cfg.Seed, s.sleep))
	}
	// Echo would wrap e.Use middleware around the route's handler again on every request, one
	// allocation per middleware; composed once around the routing, they cost none. They run
	// before the route is found, which none of them needs (c.Path() is read after next).
	router := e.Router()
	s.serve = chain(func(c echo.Context) error {
		req := c.Request()
		inner := c
		if rc, ok := c.(*requestContext); ok {
			inner = rc.Context // the router fills Echo's own context
		}
		router.Find(req.Method, echo.GetPath(req), inner)
		return c.Handler()(c)
	}, all...)

	tree := func() *fixtures.Tree { return s.world().tree }
	scenarios := forceScenarios(s.cfg.Scenario, s.sleep, s.log)
	exportChain := []echo.MiddlewareFunc{
		scenarios,
		requireUserAgent(),
		authenticate(tree, s.sessions),
	}
	if s.limiter != nil {
		exportChain = append(exportChain, limitRate(s.limiter))
	}
	exportChain = append(exportChain,
		requireRole(fixtures.Private),
		requestClock(s.clock),
		clampLimit(s.pagingFor),
		validateRequests(s.requests),
		refuseTooManyContacts(s), // after requestClock: it reads the request's time
	)
	for _, r := range []struct {
		path string
		all  bool
	}{
		{sparkmock.PathExport, false},
		{sparkmock.PathExportAll, true},
	} {
		get := chain(handleExport(s, r.all), exportChain...)
		e.GET(r.path, get)
		for _, m := range notAllowed {
			h := chain(methodNotAllowed(http.MethodGet), authenticateWritesFirst(tree, s.sessions))
			if m == http.MethodHead {
				h = headAsGetUnderMethodCode(get, h)
			}
			e.Add(m, r.path, h)
		}
	}

	sessionChain := []echo.MiddlewareFunc{scenarios, requireUserAgent(), validateRequests(s.requests)}
	e.POST(sparkmock.PathSession, chain(handleSessionCreate(s), sessionChain...))
	e.DELETE(sparkmock.PathSession+"/:token", chain(handleSessionDelete(s), sessionChain...))
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		e.Add(m, sparkmock.PathSession, methodNotAllowed(http.MethodPost))
	}

	e.GET("/healthz", handleHealthz())
	e.GET("/readyz", handleReadyz(s))
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()))
	e.GET("/_mock/accounts", chain(handleAccounts(s), requestClock(s.clock)))
	e.GET("/_mock/info", chain(handleInfo(s), requestClock(s.clock)))
	e.GET("/_mock/collection", handleCollection(s))

	// The page for people, its assets and the contract it renders.
	e.GET("/", handleIndex())
	e.GET(UIPrefix+"*", handleUIAsset())
	e.GET("/openapi.yaml", handleSpecYAML(s.cfg.Spec, s.given.Spec == nil))
	e.GET("/openapi.json", handleSpecJSON(s.cfg.Spec))
	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}
