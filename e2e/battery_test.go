package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/mockserver"
	"github.com/sparkmock/sparkmock/proxy"
)

// oddRequest is one generated request of the battery.
type oddRequest struct {
	method, target string // target: path and query as sent, escapes and all
	header         http.Header
	body           []byte
}

func (o oddRequest) String() string {
	var h []string
	for k, vs := range o.header {
		for _, v := range vs {
			h = append(h, fmt.Sprintf("%s: %.60q", k, v))
		}
	}
	sort.Strings(h)
	return fmt.Sprintf("%s %.200s [%s] (%d bytes of body)", o.method, o.target, strings.Join(h, ", "), len(o.body))
}

// Pieces the battery draws from: each one odd, or a plain value odd pieces are mixed with.
var (
	oddMethods = []string{"GET", "GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get"}
	oddPaths   = []string{
		"/v1/contacts/export", "/v1/contacts/export", "/v1/contacts/export/all", "/v1/contacts/export/all",
		"/v1/session", "/v1/session/abc", "/v1/session/private-member-avery", "/v1/session/", "/v1/session/%00",
		"/v1", "/v1/", "/", "/healthz", "/readyz", "/metrics", "/_mock/accounts", "/_mock/info", "/openapi.yaml",
		"//v1/contacts/export", "/v1//contacts/export", "/v1/./contacts/export", "/v1/contacts/../contacts/export",
		"/v1/contacts/export/", "/v1/contacts/export/all/", "/v1/contacts/export/all/..", "/V1/CONTACTS/EXPORT",
		"/v1/contacts/export;jsessionid=1", "/v1/contacts/%65xport", "/v1/contacts/export%2Fall", "/v1/contacts/export%2fall",
		"/v1/contacts/export/%61ll", "/v1/contacts/%C3%A9", "/v1/contacts/export/all/extra", "/v1/contacts",
		"/v1/contacts/export%00", "/v1/contacts/export%20", "/%2e%2e/v1/contacts/export", "/v1/contacts/export/" + strings.Repeat("a", 3000),
		"/_mock/ui/../../etc/passwd", "/_mock/ui/%2e%2e/x", "/v2/contacts/export",
	}
	oddParams = []string{"_limit", "_page", "_skip", "_pagination", "_orderby", "_select", "_filter", "_expand",
		"AuthToken", "ApiSig", "ApiKey", "Auth%54oken", "_LIMIT", "unknown", "", "_limit[]", "%5Flimit"}
	oddValues = []string{"", "0", "1", "5", "25", "26", "100", "101", "-1", "1e3", "0x10", "99999999999999999999", "abc",
		"%00", "%ZZ", "'", "\"", "%27", "1,2", "+", "%2B", "count", "Id", "-Id", "ModificationTimestamp,-Id", "Id,Id",
		"DisplayName,PrimaryEmail", "Nope", strings.Repeat("9", 400), "%C3%A9", "%FF%FE", "true", "null", "[]",
		url.QueryEscape("DisplayName Eq 'x'"), url.QueryEscape("ModificationTimestamp Gt 2020-01-01T00:00:00Z"),
		url.QueryEscape("Tags Eq 'Hot Prospect' Or (PrimaryEmail Eq 'a@b.c' And Not Foo Eq 1)"),
		url.QueryEscape("((((((((((DisplayName Eq 'a'))))))))))"), url.QueryEscape("DisplayName Eq '" + strings.Repeat("x", 2000) + "'"),
		url.QueryEscape("ModificationTimestamp Bt 2030-01-01,2020-01-01"), url.QueryEscape("DisplayName Eq"), url.QueryEscape("Eq Eq Eq"),
		url.QueryEscape("DisplayName Eq '\\'"), url.QueryEscape("Id Eq 1 And") + "%00"}
	oddHeaders = map[string][]string{
		"Authorization": {"OAuth private-member-avery", "OAuth private-mls", "OAuth idx-member-avery", "OAuth expired-member-brooke",
			"OAuth nope", "OAuth", "OAuth ", "Bearer private-member-avery", "oauth private-member-avery", "OAuth  private-member-avery",
			"OAuth " + strings.Repeat("x", 5000), "Basic dXNlcjpwYXNz", "OAuth private-member-avery, OAuth private-mls"},
		"X-SparkApi-User-Agent": {"battery", "battery", "", " ", strings.Repeat("u", 3000), "ünïcode"},
		"X-Mock-Now":            {"", "2026-01-01T00:00:00Z", "yesterday", "1969-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "2026-13-45T99:99:99Z"},
		// The scenarios that fail on purpose (server-error, unavailable, reset) are left out:
		// their 5xx and cut connections are the point of them.
		"X-Mock-Scenario":               {"", "none", "rate-limited", "session-expired", "latency=1ms", "latency=-1s", "latency=1h", "nope", "RESET"},
		"Accept-Encoding":               {"gzip", "br", "gzip;q=0", "*", ""},
		"Content-Type":                  {"application/json", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded", "\x7f"},
		"Origin":                        {"http://localhost:3000", "https://evil.example", "null", ""},
		"X-Request-Id":                  {"abc", "", strings.Repeat("i", 200), "<script>"},
		"Access-Control-Request-Method": {"GET", "DELETE", ""},
	}
	oddBodies = [][]byte{nil, []byte("{}"), []byte(`{"D":{}}`), []byte("ApiKey=a&ApiSig=b"), []byte("\x00\x01\x02"), bytes.Repeat([]byte("z"), 70<<10)}
)

// generate makes n odd requests, the same for the same seed.
func generate(seed uint64, n int) []oddRequest {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	headerNames := make([]string, 0, len(oddHeaders))
	for k := range oddHeaders {
		headerNames = append(headerNames, k)
	}
	sort.Strings(headerNames) // map order is random
	out := make([]oddRequest, 0, n)
	for range n {
		o := oddRequest{method: pick(oddMethods), header: http.Header{}}
		var q []string
		for range rng.IntN(5) {
			q = append(q, pick(oddParams)+"="+pick(oddValues))
		}
		o.target = pick(oddPaths)
		if len(q) > 0 || rng.IntN(10) == 0 {
			o.target += "?" + strings.Join(q, "&")
		}
		// Most requests carry a sane token and agent, so the odd parts reach the handlers.
		o.header.Set("Authorization", "OAuth private-member-avery")
		o.header.Set("X-SparkApi-User-Agent", "battery")
		for _, name := range headerNames {
			if rng.IntN(4) == 0 {
				if v := pick(oddHeaders[name]); v != "" || rng.IntN(2) == 0 {
					o.header.Set(name, v)
				} else {
					o.header.Del(name)
				}
			}
		}
		if o.method != "GET" && o.method != "HEAD" && rng.IntN(2) == 0 {
			o.body = oddBodies[rng.IntN(len(oddBodies))]
		}
		out = append(out, o)
	}
	return out
}

// judgeAnswer says what is wrong with a handler's answer to o, "" when nothing.
func judgeAnswer(o oddRequest, status int, h http.Header, body []byte) string {
	path := o.target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	switch {
	case status >= 500:
		return fmt.Sprintf("a %d", status)
	case status == 200 && len(body) == 0 && o.method != "HEAD":
		return "an empty 200"
	}
	api := strings.HasPrefix(strings.TrimLeft(path, "/"), "v1")
	if !api || o.method == "HEAD" || status == http.StatusNoContent || status == http.StatusNotModified {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Sprintf("a %d with Content-Type %q on /v1", status, h.Get("Content-Type"))
	}
	if !json.Valid(body) {
		return fmt.Sprintf("a %d whose body is not JSON on /v1", status)
	}
	return ""
}

// battery sends each request and collects what is wrong; send returns the handler's answer,
// or ok false for a request that never reached a handler (net/http refused it first).
func battery(t *testing.T, reqs []oddRequest, workers int, send func(oddRequest) (status int, h http.Header, body []byte, ok bool)) (sent int) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	next := make(chan oddRequest)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range next {
				status, h, body, ok := send(o)
				if !ok {
					continue
				}
				mu.Lock()
				sent++
				if p := judgeAnswer(o, status, h, body); p != "" && len(problems) < 1000 {
					problems = append(problems, fmt.Sprintf("%s: %.300s\n    for %s", p, body, o))
				}
				mu.Unlock()
			}
		}()
	}
	for _, o := range reqs {
		next <- o
	}
	close(next)
	wg.Wait()
	for i, p := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-i)
			break
		}
		t.Error(p)
	}
	return sent
}

// newBatteryMock is the mock the battery runs against: a frozen clock, no sleeping.
func newBatteryMock(t *testing.T) http.Handler {
	t.Helper()
	return mocktest.New(t, func(c *mockserver.Config) {
		c.Sleep = func(context.Context, time.Duration) error { return nil }
	})
}

// TestBadInputBattery: 20,500 generated odd requests (methods, paths encoded and not clean,
// queries, headers, bodies), 12,000 to the mock's handler and 8,500 through the validating
// proxy in front of the mock, over HTTP; at least 20,000 must reach a handler (Go's client
// will not send a few). No handler answers a 5xx or an empty 200, and every answer on /v1 is
// JSON. About 25 s under -race on a busy 2-core machine.
func TestBadInputBattery(t *testing.T) {
	reqs := generate(20261129, 20500)
	mock := newBatteryMock(t)

	direct := battery(t, reqs[:12000], 2, func(o oddRequest) (int, http.Header, []byte, bool) {
		u, err := url.ParseRequestURI(o.target)
		if err != nil {
			return 0, nil, nil, false // net/http answers 400 before any handler
		}
		r := httptest.NewRequest("GET", "/", bytes.NewReader(o.body))
		r.Method, r.URL, r.RequestURI, r.Header = o.method, u, o.target, o.header.Clone()
		r.ContentLength = int64(len(o.body))
		w := httptest.NewRecorder()
		mock.ServeHTTP(w, r)
		return w.Code, w.Header(), w.Body.Bytes(), true
	})

	upstream := httptest.NewServer(mock)
	defer upstream.Close()
	cfg := proxy.DefaultConfig()
	cfg.Upstream = upstream.URL
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	front := httptest.NewServer(p)
	defer front.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}}
	viaProxy := battery(t, reqs[12000:], 4, func(o oddRequest) (int, http.Header, []byte, bool) {
		req, err := http.NewRequest(o.method, front.URL+o.target, bytes.NewReader(o.body))
		if err != nil {
			return 0, nil, nil, false // a request Go's client will not send
		}
		req.Header = o.header.Clone()
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, nil, false // refused by net/http (a header it will not send)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == 400 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") && res.Header.Get("X-Contract-Violations") == "" {
			return 0, nil, nil, false // net/http's own 400 (a malformed request line), no handler's
		}
		return res.StatusCode, res.Header, b, true
	})
	t.Logf("answers judged: %d from the mock, %d through the proxy", direct, viaProxy)
	if direct+viaProxy < 20000 {
		t.Errorf("only %d of %d requests reached a handler, want 20000 at least", direct+viaProxy, len(reqs))
	}
}
