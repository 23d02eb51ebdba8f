package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/bounded"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
)

// validator checks requests and responses against one view of openapi.yaml; openapicheck
// does the validating, the same way the contract suite's judge does. What is the mock's own:
// it validates the bytes it produced, so a contact's verdict is kept with its record, and a
// violation is its own bug (a 500), while a request's is a Spark error.
type validator struct {
	*openapicheck.Checker
	errorSchema *openapi3.Schema
	page        [2]*openapicheck.Page        // the piecewise validation of a page of /export and of /export/all
	item        [2]*openapi3.Schema          // their contact schemas
	projected   [2]bounded.Map[string, bool] // _select projections already validated, per form, by their bytes
	requests    *openapicheck.Verdicts[*sparkmock.Error]
}

// newValidator builds the validator of the mock's requests and of its own answers: with the
// router Find needs, the request verdicts, and the pieces a page is validated by as it is
// rendered.
func newValidator(doc *openapi3.T) (*validator, error) {
	v, err := newWholeValidator(doc, openapicheck.Config{Router: true})
	if err != nil {
		return nil, err
	}
	c := v.Checker
	for f, path := range formName {
		r := c.Route(http.MethodGet, path)
		if r == nil || c.Page(r) == nil {
			// The mock validates every page it writes piece by piece.
			return nil, fmt.Errorf("GET %s: its page of contacts cannot be validated piece by piece (no D.Results array of contacts, or one with uniqueItems or a combinator)", path)
		}
		v.page[f] = c.Page(r)
		v.item[f] = v.page[f].Item()
	}
	v.requests = openapicheck.NewVerdicts(c, requestError)
	return v, nil
}

// newWholeValidator builds a validator that only validates whole responses (checkResponse):
// what the documented view's is used for, so it has no router, request verdicts or pieces.
func newWholeValidator(doc *openapi3.T, cfg openapicheck.Config) (*validator, error) {
	c, err := openapicheck.New(doc, cfg)
	if err != nil {
		return nil, err
	}
	ref, ok := doc.Components.Schemas["ErrorEnvelope"]
	if !ok || ref.Value == nil {
		return nil, fmt.Errorf("openapi.yaml has no components.schemas.ErrorEnvelope")
	}
	return &validator{Checker: c, errorSchema: ref.Value}, nil
}

// checkRequest validates a request against its operation (once per distinct request, see
// openapicheck.Verdicts) and turns a violation into the Spark error the contract names.
func (v *validator) checkRequest(ctx context.Context, req *http.Request, m openapicheck.Match) *sparkmock.Error {
	return v.requests.Of(ctx, openapicheck.Request{Method: req.Method, URL: req.URL, Header: req.Header, Match: m, HTTP: req})
}

// requestError is the Spark error of a request's violation: 1016 for the user agent header,
// 1053 for a parameter.
func requestError(in openapicheck.Request, err error) *sparkmock.Error {
	if err == nil {
		return nil
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		if strings.EqualFold(re.Parameter.Name, "X-SparkApi-User-Agent") {
			return sparkmock.Errorf(sparkmock.CodeUserAgent, "X-SparkApi-User-Agent header is required: name your application, e.g. X-SparkApi-User-Agent: MyCompany-App/1.0")
		}
		value := in.URL.Query().Get(re.Parameter.Name)
		if s := re.Parameter.Schema; re.Parameter.In == openapi3.ParameterInQuery && s != nil && s.Value != nil &&
			s.Value.Type.Is(openapi3.TypeInteger) && s.Value.Min != nil && s.Value.Max != nil {
			// One message for every integer out of its range, the one openapi.yaml's example shows.
			return integerRangeError(re.Parameter.Name, int(*s.Value.Min), int(*s.Value.Max), in.Route.Path, value)
		}
		reason := re.Reason
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(re.Err, &se):
			reason = se.Reason
		case errors.As(re.Err, &pe) && re.Parameter.Schema != nil && re.Parameter.Schema.Value != nil:
			reason = "must be an " + strings.Join(re.Parameter.Schema.Value.Type.Slice(), " or ")
		case re.Err != nil && reason == "":
			reason = re.Err.Error()
		}
		return sparkmock.Errorf(sparkmock.CodeBadParameter, "Invalid %s %q: %s", re.Parameter.Name, value, reason)
	}
	return sparkmock.Errorf(sparkmock.CodeBadParameter, "Invalid request: %v", err)
}

// integerRangeError is the 400/1053 of an integer parameter that is not one, or is out of
// [lo, hi], on path.
func integerRangeError(name string, lo, hi int, path, value string) *sparkmock.Error {
	return sparkmock.Errorf(sparkmock.CodeBadParameter, "%s must be an integer from %d to %d on %s, not %q", name, lo, hi, path, value)
}

// checkResponse validates a whole buffered response (openapicheck: from its caches where it
// can, with kin-openapi's verdict).
func (v *validator) checkResponse(ctx context.Context, method string, route *routers.Route, status int, header http.Header, body []byte) error {
	if route == nil {
		if status < 400 {
			return nil // mock-only surface (/healthz, /_mock/…): not part of the contract
		}
		return v.checkErrorBody(body)
	}
	return v.Validate(ctx, openapicheck.Response{Method: method, Route: route, Status: status, Header: header, Body: body}, nil)
}

func (v *validator) checkErrorBody(body []byte) error {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("error body is not JSON: %w", err)
	}
	return v.errorSchema.VisitJSON(doc)
}

// checkItem validates one contact as written for a form, once per record and form; a
// projection (_select) once per distinct bytes and form. The verdict of a projection is
// kept by its bytes, never by the record's address: an address outlives its record, and a
// new record there would inherit a verdict it never earned.
func (v *validator) checkItem(r *record, f form, item []byte, sel *selection) error {
	if sel == nil {
		switch r.valid[f].Load() {
		case 1:
			return nil
		case 2:
			return fmt.Errorf("contact %s does not match the %s contact schema", r.c.ID, formName[f])
		}
	} else if ok, seen := v.projected[f].GetBytes(item); seen {
		if ok {
			return nil
		}
		return fmt.Errorf("contact %s (selected) does not match the %s contact schema", r.c.ID, formName[f])
	}
	err := v.page[f].CheckItem(item)
	verdict := uint32(1)
	if err != nil {
		verdict = 2
	}
	if sel == nil {
		r.valid[f].Store(verdict)
	} else {
		v.projected[f].Put(string(item), err == nil, len(item))
	}
	if err != nil {
		return fmt.Errorf("contact %s does not match the %s contact schema: %w", r.c.ID, formName[f], err)
	}
	return nil
}

var formName = [2]string{formOwn: sparkmock.PathExport, formAll: sparkmock.PathExportAll}

// jsonHeader is the header a page is validated with; read only.
var jsonHeader = http.Header{"Content-Type": []string{contentTypeJSON}}

// checkSkeleton validates the envelope of a page with its Results emptied, once per distinct
// skeleton; with every item validated on its own and the item count allowed, that is the
// whole body validated.
func (v *validator) checkSkeleton(ctx context.Context, route *routers.Route, f form, skeleton []byte, items int) error {
	if err := v.page[f].CheckCount(items); err != nil {
		return err
	}
	return v.CheckSkeleton(ctx, route, jsonHeader, skeleton)
}

// bufferedWriter holds a response until it has been validated.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	// proven says the body is exactly a page validated while it was rendered (writePage
	// sets it); any later write clears it.
	proven bool
}

func (w *bufferedWriter) Header() http.Header { return w.header }
func (w *bufferedWriter) WriteHeader(status int) {
	w.proven = false
	if w.status == 0 {
		w.status = status
	}
}
func (w *bufferedWriter) Write(p []byte) (int, error) {
	w.proven = false
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

var bufferPool = sync.Pool{New: func() any { return &bufferedWriter{header: http.Header{}} }}

// validateResponses is the middleware that holds every response back until it has been
// validated against openapi.yaml. A response that breaks the contract is logged and
// replaced by a 500 envelope, so a bug in the mock can never pass silently.
func validateResponses(full, documented *validator, log *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			st := stateOf(c)
			route := full.Find(req)
			st.setRoute(route)
			res := c.Response()
			orig := res.Writer
			bw := bufferPool.Get().(*bufferedWriter)
			res.Writer = bw
			defer func() {
				res.Writer = orig
				clear(bw.header)
				bw.status = 0
				bw.proven = false
				bw.body.Reset()
				bufferPool.Put(bw)
			}()
			if err := next(c); err != nil {
				c.Error(err)
			}
			if st.gone {
				return nil // nothing to validate, nobody to answer
			}
			status := bw.status
			if status == 0 {
				status = http.StatusOK
			}
			body := bw.body.Bytes()
			var verr error
			if bw.proven && status == http.StatusOK {
				// The page was assembled from a validated skeleton and validated items.
			} else {
				// The verdict is the response's alone: a client that hung up meanwhile cancels
				// nothing here, so only the mock's own bugs are counted and logged as violations.
				v, r := full, route.Route
				if st.variants != 0 && r != nil {
					// A variant's answers are legal, not the mock's choices: judged against the
					// documented view.
					v, r = documented, documented.Route(r.Method, r.Path)
				}
				verr = v.checkResponse(context.WithoutCancel(req.Context()), req.Method, r, status, bw.header, body)
			}
			res.Writer = orig
			if verr != nil {
				m.validationFailures.WithLabelValues(routeLabel(c)).Inc()
				log.Error("response violates openapi.yaml; answering 500 instead",
					"method", req.Method, "path", req.URL.Path, "status", status, "violation", verr.Error(), "body", truncate(body, 2048))
				res.Committed = false
				res.Status = 0
				res.Size = 0
				msg := "Internal server error: the mock's response broke openapi.yaml (" + firstLine(verr.Error()) + ")"
				st.setError(sparkmock.CodeInternal, msg)
				return c.Blob(http.StatusInternalServerError, contentTypeJSON, sparkmock.Errorf(sparkmock.CodeInternal, "%s", msg).AppendEnvelope(nil))
			}
			h := orig.Header()
			for k, vs := range bw.header {
				h[k] = vs
			}
			// The whole body is known: with its length net/http sends it in one piece, not chunked.
			h["Content-Length"] = []string{strconv.Itoa(len(body))}
			orig.WriteHeader(status)
			_, err := orig.Write(body)
			return err
		}
	}
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// validateRequests checks parameters and headers against the operation's declaration in
// openapi.yaml; a violation becomes 1053 (or 1016 for the user agent header).
func validateRequests(v *validator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			m, ok := routeOf(c)
			if !ok {
				m = v.Find(c.Request())
			}
			if m.Route != nil {
				if err := v.checkRequest(c.Request().Context(), c.Request(), m); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}
