package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/bounded"
)

// validator checks requests and responses against openapi.yaml. Everything it needs is
// built once, at start-up.
type validator struct {
	doc         *openapi3.T
	router      routers.Router
	literal     map[string]*routers.Route // "METHOD /path" for paths without parameters
	errorSchema *openapi3.Schema
	item        [2]*openapi3.Schema // the contact of /export and of /export/all
	maxResults  [2]int

	skeletons [2]bounded.Map[string, bool] // envelope skeletons already validated, per form, by their bytes
	projected [2]bounded.Map[string, bool] // _select projections already validated, per form, by their bytes
	// requests remembers request verdicts. A verdict depends only on the method, the path, the
	// query string and the headers the operation declares (security is the auth middleware's,
	// bodies are not validated), so identical inputs are validated once.
	requests  bounded.Map[string, *sparkmock.Error]
	headersOf map[*openapi3.Operation][]string
}

func newValidator(doc *openapi3.T) (*validator, error) {
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi router: %w", err)
	}
	v := &validator{doc: doc, router: router, literal: map[string]*routers.Route{}, headersOf: sparkmock.HeaderParameters(doc)}
	for path, item := range doc.Paths.Map() {
		if strings.Contains(path, "{") {
			continue
		}
		for method, op := range item.Operations() {
			v.literal[method+" "+path] = &routers.Route{Spec: doc, Server: doc.Servers[0], Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	schema := func(name string) (*openapi3.Schema, error) {
		ref, ok := doc.Components.Schemas[name]
		if !ok || ref.Value == nil {
			return nil, fmt.Errorf("openapi.yaml has no components.schemas.%s", name)
		}
		return ref.Value, nil
	}
	if v.errorSchema, err = schema("ErrorEnvelope"); err != nil {
		return nil, err
	}
	for f, name := range map[form]string{formOwn: "ExportEnvelope", formAll: "ExportAllEnvelope"} {
		env, err := schema(name)
		if err != nil {
			return nil, err
		}
		results := env.Properties["D"].Value.Properties["Results"].Value
		if results.UniqueItems {
			// Item-by-item validation cannot see duplicates; the shortcut would be unsound.
			return nil, fmt.Errorf("%s.D.Results has uniqueItems: the piecewise validation does not support it", name)
		}
		v.item[f] = results.Items.Value
		v.maxResults[f] = -1
		if results.MaxItems != nil {
			v.maxResults[f] = int(*results.MaxItems)
		}
	}
	return v, nil
}

// matched is the operation of a request and its path parameters.
type matched struct {
	route  *routers.Route
	params map[string]string
}

// route finds the operation of a request; route is nil when the spec has none. It sees the
// path Echo routes on ([choice]: an escaped spelling of a path is not that path, 404): the raw one when the client spelled it with escapes
// (/v1/contacts/%65xport is no export path to Echo, so it is none here either; otherwise its
// 404 would be judged against an operation that documents none).
func (v *validator) route(req *http.Request) matched {
	if req.URL.RawPath == "" {
		if r, ok := v.literal[req.Method+" "+req.URL.Path]; ok {
			return matched{route: r}
		}
	}
	r, params, err := v.router.FindRoute(req)
	if err != nil {
		return matched{}
	}
	if req.URL.RawPath != "" && !routesTo(r.Path, req.URL.RawPath) {
		return matched{}
	}
	return matched{route: r, params: params}
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

// requestOptions: authentication is the auth middleware's business (it answers with Spark
// codes) and runs first; the validator only confirms credentials are there.
var requestOptions = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true, SkipSettingDefaults: true}

// checkRequest validates a request against its operation and turns a violation into the
// Spark error the contract names: 1016 for the user agent header, 1053 for a parameter.
func (v *validator) checkRequest(ctx context.Context, req *http.Request, m matched) *sparkmock.Error {
	key := sparkmock.RequestKey(req.Method, req.URL.Path, req.URL.RawQuery, req.Header, v.headersOf[m.route.Operation])
	if e, ok := v.requests.Get(key); ok {
		return e
	}
	e := v.validateRequest(ctx, req, m)
	v.requests.Put(key, e, len(key))
	return e
}

func (v *validator) validateRequest(ctx context.Context, req *http.Request, m matched) *sparkmock.Error {
	err := openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{Request: req, Route: m.route, PathParams: m.params, Options: requestOptions})
	if err == nil {
		return nil
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		if strings.EqualFold(re.Parameter.Name, "X-SparkApi-User-Agent") {
			return sparkmock.Errorf(sparkmock.CodeUserAgent, "X-SparkApi-User-Agent header is required: name your application, e.g. X-SparkApi-User-Agent: MyCompany-App/1.0")
		}
		value := req.URL.Query().Get(re.Parameter.Name)
		if s := re.Parameter.Schema; re.Parameter.In == openapi3.ParameterInQuery && s != nil && s.Value != nil &&
			s.Value.Type.Is(openapi3.TypeInteger) && s.Value.Min != nil && s.Value.Max != nil {
			// One message for every integer out of its range, the one openapi.yaml's example shows.
			return integerRangeError(re.Parameter.Name, int(*s.Value.Min), int(*s.Value.Max), m.route.Path, value)
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

var responseOptions = &openapi3filter.Options{IncludeResponseStatus: true}

// checkResponse validates a whole buffered response the slow, general way.
func (v *validator) checkResponse(ctx context.Context, req *http.Request, m matched, status int, header http.Header, body []byte) error {
	if m.route == nil {
		if status < 400 {
			return nil // mock-only surface (/healthz, /_mock/…): not part of the contract
		}
		return v.checkErrorBody(body)
	}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: m.route, PathParams: m.params, Options: requestOptions},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                responseOptions,
	})
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
	var doc any
	err := json.Unmarshal(item, &doc)
	if err == nil {
		err = v.item[f].VisitJSON(doc)
	}
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

var formName = [2]string{formOwn: "/export", formAll: "/export/all"}

// checkSkeleton validates the envelope of a page with its Results emptied, once per distinct
// skeleton; with every item validated on its own and the item count within maxItems, that
// is the whole body validated.
func (v *validator) checkSkeleton(ctx context.Context, req *http.Request, m matched, f form, skeleton []byte, items int) error {
	if max := v.maxResults[f]; max >= 0 && items > max {
		return fmt.Errorf("results: %d items, the schema allows at most %d", items, max)
	}
	if ok, seen := v.skeletons[f].GetBytes(skeleton); seen {
		if ok {
			return nil
		}
		return fmt.Errorf("the envelope does not match openapi.yaml")
	}
	h := http.Header{"Content-Type": []string{contentTypeJSON}}
	own := bytes.Clone(skeleton) // the caller's buffer stays on its stack
	err := v.checkResponse(ctx, req, m, http.StatusOK, h, own)
	v.skeletons[f].Put(string(own), err == nil, len(own))
	return err
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
			v := full
			if st.variants != 0 {
				v = documented // a variant's answers are legal, not the mock's choices
			}
			route := v.route(req)
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
				verr = v.checkResponse(context.WithoutCancel(req.Context()), req, route, status, bw.header, body)
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
				m = v.route(c.Request())
			}
			if m.route != nil {
				if err := v.checkRequest(c.Request().Context(), c.Request(), m); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}
