package mockserver

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
)

// ctxState is the context key of a request's requestState.
const ctxState = "sparkmock.state"

// requestState is what the middleware and handlers learn about one request, in one place:
// one allocation a request instead of one per fact. Each fact is written by one setter
// below, named for who learns it; the readers use the typed getters or the fields.
type requestState struct {
	route    openapicheck.Match // the spec operation, once validateResponses looked it up
	routed   bool
	token    fixtures.Token // once authenticated
	hasToken bool
	apiKey   string    // the legacy API key of a session
	now      time.Time // the request's clock, once requestClock ran
	hasNow   bool
	code     int        // the Spark code of an error answer
	message  string     // the Message of an error answer, for the log line
	scenario string     // the scenario forced on the request, if any
	order    []sortKey  // the export's order without _orderby; nil means defaultOrder
	gone     bool       // the client hung up: no answer is written
	variants variantSet // the mock's variants this request is answered by
}

// requestContext is the echo.Context a request is served with (ServeHTTP): Echo's own, with
// the request's state beside it, so that stateOf finds it without Echo's locked map and
// neither is allocated per request: both are reused from request to request.
type requestContext struct {
	echo.Context
	st requestState
}

// Error renders err with the server's error handler, given this context: Echo's Error would
// give it the inner one, which holds no state.
func (c *requestContext) Error(err error) { c.Echo().HTTPErrorHandler(err, c) }

// stateOf returns the request's state, making it on first use (a context not made by
// ServeHTTP, in tests, keeps it in Echo's map).
func stateOf(c echo.Context) *requestState {
	if rc, ok := c.(*requestContext); ok {
		return &rc.st
	}
	if st, ok := c.Get(ctxState).(*requestState); ok {
		return st
	}
	st := &requestState{}
	c.Set(ctxState, st)
	return st
}

// setRoute records the spec operation the request matched (validateResponses).
func (st *requestState) setRoute(m openapicheck.Match) { st.route, st.routed = m, true }

// setToken records who the request is (authenticate): apiKey is the legacy API key of a
// session, empty for an OAuth token.
func (st *requestState) setToken(tok fixtures.Token, apiKey string) {
	st.token, st.hasToken, st.apiKey = tok, true, apiKey
}

// setNow records the request's clock (requestClock), to the second, in UTC.
func (st *requestState) setNow(t time.Time) { st.now, st.hasNow = t.Truncate(time.Second).UTC(), true }

// setError records the Spark code and message of the error answer (renderError).
func (st *requestState) setError(code int, message string) { st.code, st.message = code, message }

// setScenario records the failure scenario forced on the request (scenarios).
func (st *requestState) setScenario(name string) { st.scenario = name }

// setVariants records the variants the request is answered by (selectVariants): the names go
// on its log line (logRequests), and order-other-default gives it the other default order.
func (st *requestState) setVariants(set variantSet) {
	st.variants = set
	if set.has(vOtherDefaultOrder) {
		// The mock's default is Id; the other legal default the variant serves is the order
		// of modification (the mock's default before issue 13).
		st.order = modificationOrder
	}
}

// hangUp records that the client is gone: no answer is written (errorHandler).
func (st *requestState) hangUp() { st.gone = true }

// tokenOf returns the request's token, once authenticated.
func (st *requestState) tokenOf() (fixtures.Token, bool) { return st.token, st.hasToken }

// defaultOrder returns the order of the request's export when it gives no _orderby.
func (st *requestState) defaultOrder() []sortKey {
	if st.order != nil {
		return st.order
	}
	return defaultOrder
}

// routeOf returns the spec operation validateResponses found for the request.
func routeOf(c echo.Context) (openapicheck.Match, bool) {
	st := stateOf(c)
	return st.route, st.routed
}

// requestTime is the request's clock: X-Mock-Now, -now or the real clock, as requestClock
// found it; the real clock, to the second, when requestClock did not run.
func requestTime(c echo.Context) time.Time {
	if st := stateOf(c); st.hasNow {
		return st.now
	}
	return time.Now().Truncate(time.Second).UTC()
}
