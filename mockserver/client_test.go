package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// frozen is the clock most tests run at.
var frozen = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specRtr  routers.Router
	specErr  error
)

// spec loads openapi.yaml once for the independent validation every test response gets.
func spec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		specDoc, specErr = sparkmock.LoadSpec(context.Background(), nil)
		if specErr == nil {
			specRtr, specErr = gorillamux.NewRouter(specDoc)
		}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specDoc, specRtr
}

type mock struct {
	srv http.Handler
}

func newMock(t testing.TB, mutate ...func(*mockserver.Config)) *mock {
	t.Helper()
	opts := []mocktest.Option{mocktest.Clock(mocktest.FrozenAt(frozen))}
	for _, m := range mutate {
		opts = append(opts, mocktest.Option(m))
	}
	return &mock{srv: mocktest.New(t, opts...)}
}

type response struct {
	status int
	header http.Header
	body   []byte
	d      map[string]any
}

// code returns D.Code of an error envelope.
func (r *response) code() int {
	c, _ := r.d["Code"].(float64)
	return int(c)
}

func (r *response) results() []map[string]any {
	raw, _ := r.d["Results"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (r *response) pagination() map[string]float64 {
	p, _ := r.d["Pagination"].(map[string]any)
	if p == nil {
		return nil
	}
	out := map[string]float64{}
	for k, v := range p {
		out[k], _ = v.(float64)
	}
	return out
}

func (r *response) ids() []string {
	var ids []string
	for _, c := range r.results() {
		ids = append(ids, c["Id"].(string))
	}
	return ids
}

// Headers a test request may carry.
const (
	ua     = "X-SparkApi-User-Agent: sparkmock-tests/1.0"
	avery  = "Authorization: OAuth private-member-avery"
	mls    = "Authorization: OAuth private-mls"
	office = "Authorization: OAuth private-office-downtown"
)

// do makes a request and checks what every response must be: a JSON body with a top-level D
// object and, for the routes of the spec, a response valid against openapi.yaml, validated
// here again independently of the server's own validation.
func (m *mock) do(t testing.TB, method, target string, headers ...string) *response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Add(name, value)
	}
	rec := httptest.NewRecorder()
	m.srv.ServeHTTP(rec, req)
	res := &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	var env struct {
		D map[string]any `json:"D"`
	}
	if strings.HasPrefix(req.URL.Path, "/v1/") {
		if err := json.Unmarshal(res.body, &env); err != nil || env.D == nil {
			t.Fatalf("%s %s: body is not a D envelope (%v): %q", method, target, err, res.body)
		}
		res.d = env.D
		checkAgainstSpec(t, req, res)
	}
	return res
}

func (m *mock) get(t testing.TB, target string, headers ...string) *response {
	t.Helper()
	return m.do(t, http.MethodGet, target, headers...)
}

func checkAgainstSpec(t testing.TB, req *http.Request, res *response) {
	t.Helper()
	doc, router := spec(t)
	route, params, err := router.FindRoute(req)
	if err != nil {
		// Not an operation of the spec (an unknown path): the body must still be an error envelope.
		var v any
		_ = json.Unmarshal(res.body, &v)
		if err := doc.Components.Schemas["ErrorEnvelope"].Value.VisitJSON(v); err != nil {
			t.Fatalf("%s %s: %d body is not an ErrorEnvelope: %v", req.Method, req.URL, res.status, err)
		}
		return
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.status,
		Header:                 res.header,
		Body:                   io.NopCloser(bytes.NewReader(res.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Fatalf("%s %s: response %d violates openapi.yaml: %v\nbody: %s", req.Method, req.URL, res.status, err, res.body)
	}
}
