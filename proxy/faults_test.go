package proxy_test

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/proxy"
)

// TestUpstreamFaults: an upstream that cannot be reached, is too slow, answers no JSON or cuts
// the connection gets the client a 502 envelope saying which, never a hang past the timeout.
func TestUpstreamFaults(t *testing.T) {
	const timeout = 300 * time.Millisecond
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	handler := func(h http.HandlerFunc) func(t *testing.T) string {
		return func(t *testing.T) string { return serve(t, h).URL }
	}
	tests := []struct {
		name     string
		upstream func(t *testing.T) string
		fault    string
		message  string
	}{
		{name: "unreachable port", upstream: closedPort, fault: proxy.FaultUnreachable, message: "unreachable"},
		{name: "slower than the timeout", fault: proxy.FaultTimeout, message: "did not answer within 300ms", upstream: handler(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})},
		{name: "headers in time, body too slow", fault: proxy.FaultTimeout, message: "did not answer within", upstream: handler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"D":`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})},
		{name: "an HTML page", fault: proxy.FaultNotJSON, message: "not JSON", upstream: handler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><body>Down for maintenance</body></html>"))
		})},
		{name: "an empty body", fault: proxy.FaultNotJSON, message: "empty", upstream: handler(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
		})},
		{name: "connection reset", fault: proxy.FaultReset, message: "cut the exchange short", upstream: handler(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &syncbuf.Buffer{}
			p, srv := newProxy(t, tc.upstream(t), func(c *proxy.Config) { c.Timeout = timeout; c.Logger = textLogger(logs) })
			start := time.Now()
			res, body := get(t, srv.URL+"/v1/contacts/export", "private-member-avery")
			took := time.Since(start)
			if res.StatusCode != http.StatusBadGateway || res.Header.Get(proxy.HeaderFault) != tc.fault {
				t.Errorf("got %d, %s=%q; want 502, %q: %s", res.StatusCode, proxy.HeaderFault, res.Header.Get(proxy.HeaderFault), tc.fault, body)
			}
			code, msg := envelope(t, body)
			if code != 502 || !strings.Contains(msg, tc.message) {
				t.Errorf("got code %d, message %q; want 502 and a message with %q", code, msg, tc.message)
			}
			if took > timeout+500*time.Millisecond {
				t.Errorf("the answer took %v, want at most the timeout %v and a small margin", took, timeout)
			}
			if tc.fault != proxy.FaultNotJSON && !strings.Contains(logs.String(), "fault="+tc.fault) {
				t.Errorf("the fault is not logged: %s", logs.String())
			}
			if r, _ := p.Report().Result("proxy.upstream"); r.Status != "failed" {
				t.Errorf("the report's proxy.upstream is %s (%s), want failed", r.Status, r.Reason)
			}
			t.Logf("%v: %s", took.Round(time.Millisecond), msg)
		})
	}
}

// TestAuthorizationPassesThroughAndIsMasked: the upstream gets the Authorization header byte
// for byte; the proxy's logs and violations show it only masked.
func TestAuthorizationPassesThroughAndIsMasked(t *testing.T) {
	const secret = "OAuth s3cr3t-t0ken-0123456789abcdef"
	var got []string
	upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Values("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"D":{"Success":true,"Results":[{"Id":"1"}]}}`)) // breaks the schema: logged
	}))
	logs := &syncbuf.Buffer{}
	_, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.Logger = textLogger(logs) })
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/contacts/export?_limit=1", nil)
	req.Header.Set("Authorization", secret)
	req.Header.Set("X-SparkApi-User-Agent", "proxy-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if len(got) != 1 || got[0] != secret {
		t.Errorf("the upstream got Authorization %q, want exactly %q", got, secret)
	}
	_, vb := get(t, srv.URL+"/_mock/violations", "")
	for name, text := range map[string]string{"log": logs.String(), "/_mock/violations": string(vb)} {
		if strings.Contains(text, "s3cr3t-t0ken-0123456789abcdef") {
			t.Errorf("the %s holds the token in full: %s", name, text)
		}
		if !strings.Contains(text, "s3cr...ef") {
			t.Errorf("the %s does not show the masked token s3cr...ef: %s", name, text)
		}
	}
	if !strings.Contains(logs.String(), "contract violation") {
		t.Errorf("no violation logged: %s", logs.String())
	}
}

// TestViolationsAreBounded: /_mock/violations keeps the last Keep violations, and counts all.
func TestViolationsAreBounded(t *testing.T) {
	upstream := serve(t, mockedit.Results(func(r *http.Request, i int, c map[string]any) {
		if i == 0 {
			c["OwnerId"] = "20100412160312774200000000"
		}
	})(newMock(t)))
	_, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.Keep = 5 })
	for range 12 {
		get(t, srv.URL+"/v1/contacts/export?_limit=2", "private-member-avery")
	}
	checks, total, kept := violationsOf(t, srv.URL)
	if kept != 5 || len(checks) != 5 {
		t.Errorf("got %d kept (%d listed), want 5", kept, len(checks))
	}
	if total < 12 {
		t.Errorf("got total %d, want at least 12 (one a request)", total)
	}
}

// TestReportFiles: WriteReport writes the JSON and JUnit reports, in contracttest's formats.
func TestReportFiles(t *testing.T) {
	upstream := serve(t, mockedit.Results(func(r *http.Request, i int, c map[string]any) {
		c["OwnerId"] = "20100412160312774200000000"
	})(newMock(t)))
	p, srv := newProxy(t, upstream.URL, nil)
	get(t, srv.URL+"/v1/contacts/export?_limit=2", "private-member-avery")
	get(t, srv.URL+"/v1/contacts/export/all?_limit=2", "private-mls")
	file := filepath.Join(t.TempDir(), "proxy.json")
	if err := p.WriteReport(file); err != nil {
		t.Fatal(err)
	}
	jp, xp := proxy.ReportPaths(file)
	if xp != strings.TrimSuffix(file, ".json")+".xml" || jp != file {
		t.Errorf("ReportPaths(%q) = %q, %q", file, jp, xp)
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Requests int
		Verdict  string
		Results  []struct{ ID, Status string }
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	status := map[string]string{}
	for _, r := range rep.Results {
		status[r.ID] = r.Status
	}
	if rep.Requests != 2 || rep.Verdict != "FAIL" || status["own-all.owner-id"] != "failed" || status["paging.limit"] != "passed" {
		t.Errorf("JSON report: %d requests, verdict %s, own-all.owner-id %s, paging.limit %s; want 2, FAIL, failed, passed",
			rep.Requests, rep.Verdict, status["own-all.owner-id"], status["paging.limit"])
	}
	x, err := os.ReadFile(xp)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(x, &suites); err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	if suites.Tests == 0 || suites.Failures == 0 {
		t.Errorf("JUnit report: %d tests, %d failures; want some of each", suites.Tests, suites.Failures)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name, upstream string
		timeout        time.Duration
		want           string
	}{
		{name: "empty", upstream: "", timeout: time.Second, want: "empty"},
		{name: "no scheme", upstream: "127.0.0.1:8080", timeout: time.Second, want: "scheme"},
		{name: "ftp", upstream: "ftp://example.com", timeout: time.Second, want: "scheme"},
		{name: "no host", upstream: "http://", timeout: time.Second, want: "no host"},
		{name: "credentials", upstream: "https://user:pw@example.com", timeout: time.Second, want: "no credentials"},
		{name: "query", upstream: "https://example.com/?a=1", timeout: time.Second, want: "query"},
		{name: "zero timeout", upstream: "https://example.com", timeout: 0, want: "timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := proxy.DefaultConfig()
			cfg.Upstream, cfg.Timeout = tc.upstream, tc.timeout
			_, err := proxy.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "pw@") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
		})
	}
}

// TestQuerySecretsAreMaskedEverywhere: AuthToken, ApiSig and ApiKey sent in the query, with a
// percent-encoded or lower-cased name, and a session's token in a DELETE path, never show in
// full: not in the log, /_mock/violations, the report, nor a fault's evidence, even when the
// upstream echoes them JSON-escaped or upper-cased.
func TestQuerySecretsAreMaskedEverywhere(t *testing.T) {
	const tok, sig, key = "session-token-0123456789", "5f4dcc3b5aa765d61d8327deb882cf99", "api-key-abcdefghij"
	upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/v1/session/") {
			w.Header().Set("Content-Type", "text/html") // a fault: not JSON
			return
		}
		echo := strings.ReplaceAll(tok, "-", `\u002d`) + " " + strings.ToUpper(sig) + " " + key
		_, _ = w.Write([]byte(`{"D":{"Success":true,"Results":[{"Id":"` + echo + `"}]}}`)) // breaks the schema
	}))
	logs := &syncbuf.Buffer{}
	p, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.Logger = textLogger(logs) })
	for _, target := range []string{
		"/v1/contacts/export?Auth%54oken=" + tok + "&apisig=" + sig + "&ApiKey=" + key,
		"/v1/session/" + tok + "?ApiSig=" + sig,
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+target, nil)
		req.Header.Set("X-SparkApi-User-Agent", "proxy-test")
		if strings.HasPrefix(target, "/v1/session/") {
			req.Method = http.MethodDelete
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	_, vb := get(t, srv.URL+"/_mock/violations", "")
	rep, err := json.Marshal(p.Report())
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"log": logs.String(), "/_mock/violations": string(vb), "report": string(rep)} {
		lower := strings.ToLower(strings.ReplaceAll(text, `\\u002d`, "-"))
		lower = strings.ReplaceAll(lower, `\u002d`, "-")
		for _, secret := range []string{tok, sig, key} {
			if strings.Contains(lower, secret) {
				t.Errorf("the %s holds %s in full: %s", name, secret, text)
			}
		}
	}
	if !strings.Contains(logs.String(), "upstream fault") || !strings.Contains(logs.String(), "contract violation") {
		t.Errorf("want a fault and a violation logged: %s", logs.String())
	}
}
