package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/proxy"
)

// frozen is the mock's clock in these tests (mocktest.New's).
var frozen = mocktest.Frozen

func newMock(t testing.TB) http.Handler {
	t.Helper()
	return mocktest.New(t)
}

// serve serves h on 127.0.0.1 for the test.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newProxy starts a proxy in front of upstream; edit changes its config.
func newProxy(t testing.TB, upstream string, edit func(*proxy.Config)) (*proxy.Proxy, *httptest.Server) {
	t.Helper()
	cfg := proxy.DefaultConfig()
	cfg.Upstream = upstream
	if edit != nil {
		edit(&cfg)
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatalf("proxy.New: %v", err)
	}
	t.Cleanup(p.Close)
	return p, serve(t, p)
}

var allTokens = mocktest.Tokens

// headerCheck is a transport that remembers every X-Contract-Violations it sees.
type headerCheck struct {
	mu      sync.Mutex
	seen    int
	nonzero []string
}

func (h *headerCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		h.mu.Lock()
		h.seen++
		if v := res.Header.Get(proxy.HeaderViolations); v != "0" {
			h.nonzero = append(h.nonzero, fmt.Sprintf("%s %s → %d, %s=%q", r.Method, r.URL, res.StatusCode, proxy.HeaderViolations, v))
		}
		h.mu.Unlock()
	}
	return res, err
}

// TestMockThroughProxyPassesTheSuite runs the whole contract suite through the proxy in front
// of the mock: the suite must pass, every answer must carry X-Contract-Violations: 0, and the
// proxy's own report must hold no violation.
func TestMockThroughProxyPassesTheSuite(t *testing.T) {
	tests := []struct {
		name    string
		private string
		strict  bool
	}{
		{name: "company, default", private: "private-company-prairie"},
		{name: "company, strict", private: "private-company-prairie", strict: true},
		{name: "member, strict", private: "private-member-avery", strict: true},
		{name: "MLS, default", private: "private-mls"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prep, seen := suiteThroughProxy(t, tc.strict, allTokens(tc.private), nil)
			if prep.Requests != seen || seen < 100 {
				t.Errorf("the proxy judged %d exchanges, the suite received %d answers; want equal, and at least 100", prep.Requests, seen)
			}
			passed := 0
			for _, r := range prep.Results {
				if r.Status == contracttest.StatusPassed {
					passed++
				}
			}
			t.Logf("%d exchanges; %d of %d proxy checks judged and passed", prep.Requests, passed, len(prep.Results))
		})
	}
}

// suiteThroughProxy runs the whole suite through a proxy in front of a fresh mock, with
// header on every request, and fails t when the suite fails, when an answer carries a
// violation, or when the proxy's report holds one. It returns the proxy's report and how
// many answers the suite received.
func suiteThroughProxy(t *testing.T, strict bool, tokens map[contracttest.Role]string, header http.Header) (*contracttest.Report, int) {
	t.Helper()
	mock := serve(t, newMock(t))
	p, srv := newProxy(t, mock.URL, func(c *proxy.Config) { c.Strict = strict })
	hc := &headerCheck{}
	rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL, Tokens: tokens,
		Header: header, Client: &http.Client{Transport: hc}}, contracttest.Config{Strict: strict})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if f := rep.Failures(); f != "" {
		t.Errorf("the suite through the proxy failed:%s", f)
	}
	if len(hc.nonzero) > 0 {
		t.Errorf("got %d answers with violations, want none:\n%s", len(hc.nonzero), strings.Join(hc.nonzero, "\n"))
	}
	prep := p.Report()
	if f := prep.Failures(); f != "" {
		t.Errorf("the proxy's report holds violations:%s", f)
	}
	return prep, hc.seen
}

// get sends a GET through the proxy and returns the answer.
func get(t testing.TB, url, token string) (*http.Response, []byte) {
	t.Helper()
	return getAs(t, url, token, "proxy-test")
}

// getAs is get with the given X-SparkApi-User-Agent; "-" sends none.
func getAs(t testing.TB, url, token, agent string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if agent != "-" {
		req.Header.Set("X-SparkApi-User-Agent", agent)
	}
	if token != "" {
		req.Header.Set("Authorization", "OAuth "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// envelope reads an error envelope.
func envelope(t testing.TB, b []byte) (code int, msg string) {
	t.Helper()
	var env struct {
		D struct {
			Success bool
			Code    int
			Message string
		}
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("not an envelope: %v: %s", err, b)
	}
	if env.D.Success {
		t.Errorf("Success true in an error envelope: %s", b)
	}
	return env.D.Code, env.D.Message
}

// violationsOf reads GET /_mock/violations.
func violationsOf(t testing.TB, base string) (checks []string, total, kept int) {
	t.Helper()
	res, b := get(t, base+"/_mock/violations", "")
	if res.StatusCode != 200 {
		t.Fatalf("/_mock/violations: %d %s", res.StatusCode, b)
	}
	var v struct {
		Total, Kept int
		Violations  []struct {
			Check, Message string
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("/_mock/violations: %v", err)
	}
	for _, e := range v.Violations {
		checks = append(checks, e.Check)
	}
	return checks, v.Total, v.Kept
}

func textLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// TestMockThroughProxyOddRequests: requests the suite does not send, valid and invalid, get
// the mock's answers through the proxy without a violation.
func TestMockThroughProxyOddRequests(t *testing.T) {
	mock := serve(t, newMock(t))
	_, srv := newProxy(t, mock.URL, func(c *proxy.Config) { c.Strict = true })
	tests := []struct {
		name, method, url, token string
		status                   int
	}{
		{name: "filter on a field _select leaves out", url: "/v1/contacts/export/all?_limit=25&_select=DisplayName&_filter=ModificationTimestamp%20Gt%202015-01-01T00:00:00", status: 200},
		{name: "Ne on a field some contacts lack", url: "/v1/contacts/export/all?_limit=25&_filter=HomeRegion%20Ne%20'TX'", status: 200},
		{name: "relative time", url: "/v1/contacts/export?_limit=25&_filter=ModificationTimestamp%20Gt%20days(-400)", status: 200},
		{name: "_limit=0 with Pagination", url: "/v1/contacts/export?_limit=0&_pagination=1", status: 200},
		{name: "_skip", url: "/v1/contacts/export/all?_skip=7&_limit=5&_pagination=1", status: 200},
		{name: "count", url: "/v1/contacts/export/all?_pagination=count", status: 200},
		{name: "past the end", url: "/v1/contacts/export?_page=900&_pagination=1", status: 200},
		{name: "orderby and select", url: "/v1/contacts/export?_orderby=-DisplayName&_select=DisplayName,Tags", status: 200},
		{name: "_limit past the maximum", url: "/v1/contacts/export/all?_limit=500", status: 400},
		{name: "a bad page", url: "/v1/contacts/export?_page=0", status: 400},
		{name: "a bad filter", url: "/v1/contacts/export?_filter=Nope%20Eq%201", status: 400},
		{name: "no credentials", url: "/v1/contacts/export", token: "-", status: 401},
		{name: "IDX", url: "/v1/contacts/export/all", token: "idx-member-avery", status: 403},
		{name: "POST", method: http.MethodPost, url: "/v1/contacts/export", status: 405},
		{name: "HEAD", method: http.MethodHead, url: "/v1/contacts/export", status: 405},
		{name: "unknown path", url: "/v1/contacts/exports", status: 404},
		{name: "the mock's own surface", url: "/_mock/accounts", status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, srv.URL+tc.url, nil)
			req.Header.Set("X-SparkApi-User-Agent", "proxy-test")
			switch tc.token {
			case "":
				req.Header.Set("Authorization", "OAuth private-mls")
			case "-":
			default:
				req.Header.Set("Authorization", "OAuth "+tc.token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || res.Header.Get(proxy.HeaderViolations) != "0" {
				t.Errorf("got %d, %s=%q; want %d, 0: %.300s", res.StatusCode, proxy.HeaderViolations, res.Header.Get(proxy.HeaderViolations), tc.status, b)
			}
		})
	}
	if checks, total, _ := violationsOf(t, srv.URL); total != 0 {
		t.Errorf("got %d violations %v, want none", total, checks)
	}
}

// TestUpstreamUnderAPrefix: a service mounted under a path prefix is judged on the contract's
// paths.
func TestUpstreamUnderAPrefix(t *testing.T) {
	broken := mockedit.Results(func(r *http.Request, i int, c map[string]any) { c["OwnerId"] = "20100412160312774200000000" })(newMock(t))
	upstream := serve(t, http.StripPrefix("/spark", broken))
	_, srv := newProxy(t, upstream.URL+"/spark/", nil)
	res, body := get(t, srv.URL+"/v1/contacts/export?_limit=2", "private-member-avery")
	if res.StatusCode != 200 || res.Header.Get(proxy.HeaderViolations) == "0" {
		t.Errorf("got %d, %s=%q; want 200 and violations: %.200s", res.StatusCode, proxy.HeaderViolations, res.Header.Get(proxy.HeaderViolations), body)
	}
	if checks, _, _ := violationsOf(t, srv.URL); !strings.Contains(strings.Join(checks, " "), "own-all.owner-id") {
		t.Errorf("got %v, want own-all.owner-id", checks)
	}
}

// TestHTTPSUpstream: an https upstream is reached over TLS (its CA given in the config), and
// its answers are judged as an http one's are.
func TestHTTPSUpstream(t *testing.T) {
	broken := mockedit.Results(func(r *http.Request, i int, c map[string]any) { c["OwnerId"] = "20100412160312774200000000" })(newMock(t))
	upstream := httptest.NewTLSServer(broken)
	t.Cleanup(upstream.Close)
	_, srv := newProxy(t, upstream.URL, func(c *proxy.Config) {
		c.TLSClientConfig = upstream.Client().Transport.(*http.Transport).TLSClientConfig
	})
	for range 3 {
		res, body := get(t, srv.URL+"/v1/contacts/export?_limit=2", "private-member-avery")
		if res.StatusCode != 200 || res.Header.Get(proxy.HeaderViolations) == "0" || !strings.Contains(string(body), `"Results"`) {
			t.Errorf("got %d, %s=%q; want the upstream's 200 page, with violations: %.200s", res.StatusCode, proxy.HeaderViolations, res.Header.Get(proxy.HeaderViolations), body)
		}
	}
	if checks, _, _ := violationsOf(t, srv.URL); !strings.Contains(strings.Join(checks, " "), "own-all.owner-id") {
		t.Errorf("got %v, want own-all.owner-id", checks)
	}
	// Without the CA the certificate is refused: a 502, not an answer from an unknown party.
	_, bad := newProxy(t, upstream.URL, nil)
	res, body := get(t, bad.URL+"/v1/contacts/export?_limit=2", "private-member-avery")
	if res.StatusCode != http.StatusBadGateway || res.Header.Get(proxy.HeaderFault) != proxy.FaultTLS {
		t.Errorf("an untrusted certificate: got %d, %s=%q; want 502, %q: %.200s", res.StatusCode, proxy.HeaderFault, res.Header.Get(proxy.HeaderFault), proxy.FaultTLS, body)
	}
	if _, msg := envelope(t, body); !strings.Contains(msg, "certificate") {
		t.Errorf("the message %q does not say the certificate was refused", msg)
	}
}
