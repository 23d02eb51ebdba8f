package openapicheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	sparkmock "github.com/sparkmock/sparkmock"
)

func TestHeaderParametersAndRequestKey(t *testing.T) {
	doc := loadSpec(t)
	op := doc.Paths.Find(sparkmock.PathExport).Get
	declared := headerParameters(doc)[op]
	if !slices.Contains(declared, http.CanonicalHeaderKey("X-SparkApi-User-Agent")) {
		t.Fatalf("GET %s declares headers %v, want X-SparkApi-User-Agent among them", sparkmock.PathExport, declared)
	}
	key := func(query string, h http.Header) string {
		return string(requestKey(nil, http.MethodGet, sparkmock.PathExport, query, h, declared))
	}
	base := key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"a"}, "Authorization": {"OAuth one"}})
	if same := key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"a"}, "Authorization": {"OAuth two"}}); same != base {
		t.Errorf("a header the operation does not declare changed the key: %q vs %q", same, base)
	}
	for name, other := range map[string]string{
		"another query":      key("_limit=3", http.Header{"X-Sparkapi-User-Agent": {"a"}}),
		"another user agent": key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"b"}}),
		"no user agent":      key("_limit=2", http.Header{}),
	} {
		if other == base {
			t.Errorf("%s gives the same key %q", name, base)
		}
	}
}

// TestCachedRequestVerdictsAreTheFreshOnes: the request-verdict cache answers exactly what
// kin-openapi answers, for good and bad requests, first time and second, whether the request
// is validated as it came (the mock) or made again from its URL and headers (the judge).
func TestCachedRequestVerdictsAreTheFreshOnes(t *testing.T) {
	ctx := context.Background()
	c, err := New(loadSpec(t), Config{Router: true})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	verdicts := NewVerdicts(c, func(_ Request, err error) string {
		calls++
		if err == nil {
			return ""
		}
		return err.Error()
	})
	targets := []string{
		"/v1/contacts/export", "/v1/contacts/export?_limit=5", "/v1/contacts/export?_limit=500",
		"/v1/contacts/export/all?_limit=26", "/v1/contacts/export?_page=0", "/v1/contacts/export?_pagination=x",
		"/v1/contacts/export?_limit=abc", "/v1/contacts/export/all?_orderby=-Id", "/v1/contacts/export?_select=,",
	}
	bad := 0
	for _, target := range targets {
		for _, ua := range []string{"", "client/1"} {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			if ua != "" {
				req.Header.Set("X-SparkApi-User-Agent", ua)
			}
			req.Header.Set("Authorization", "OAuth "+ua) // not declared: no part of the verdict
			m := c.Find(req)
			if m.Route == nil {
				t.Fatalf("%s: no route", target)
			}
			in := Request{Method: req.Method, URL: req.URL, Header: req.Header, Match: m, HTTP: req}
			fresh := ""
			if err := c.ValidateRequest(ctx, in); err != nil {
				fresh = err.Error()
				bad++
			}
			rebuilt := in
			rebuilt.HTTP = nil
			for i := 0; i < 2; i++ {
				for _, x := range []Request{in, rebuilt} {
					if got := verdicts.Of(ctx, x); got != fresh {
						t.Fatalf("%s (ua %q), call %d: cached %q, fresh %q", target, ua, i, got, fresh)
					}
				}
			}
		}
	}
	if calls != 2*len(targets) || bad < len(targets) {
		t.Errorf("%d validations for %d distinct requests, %d bad: the cache does not work, or the table tests nothing", calls, 2*len(targets), bad)
	}
}

// TestFindSeesTheRawPath: a path spelled with escapes is the path Echo routes on, not its
// decoded twin; path parameters are found.
func TestFindSeesTheRawPath(t *testing.T) {
	c, err := New(loadSpec(t), Config{Router: true})
	if err != nil {
		t.Fatal(err)
	}
	for target, want := range map[string]string{
		"/v1/contacts/export":       sparkmock.PathExport,
		"/v1/contacts/%65xport":     "",
		"/v1/contacts/export/all":   sparkmock.PathExportAll,
		"/v1/contacts/export/al%6C": "",
	} {
		m := c.Find(httptest.NewRequest(http.MethodGet, target, nil))
		got := ""
		if m.Route != nil {
			got = m.Route.Path
		}
		if got != want {
			t.Errorf("%s: found %q, want %q", target, got, want)
		}
	}
	m := c.Find(httptest.NewRequest(http.MethodDelete, sparkmock.PathSession+"/abc", nil))
	if m.Route == nil || m.Params["AuthToken"] != "abc" {
		t.Errorf("DELETE %s/abc: %+v", sparkmock.PathSession, m)
	}
}
