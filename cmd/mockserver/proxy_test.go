package main

import (
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunAsProxy starts the mock, then the program with -upstream in front of it (the
// upstream given by its environment twin): answers come through with X-Contract-Violations,
// /_mock/violations is the proxy's own, and on shutdown the report files are written.
func TestRunAsProxy(t *testing.T) {
	mockURL, stopMock := start(t, []string{"-now", "2026-11-28T12:00:00Z", "-log-level", "error"}, nil)
	defer stopMock()
	dir := t.TempDir()
	file := filepath.Join(dir, "proxy.json")
	url, stop := start(t, []string{"-report", file, "-upstream-timeout", "5s", "-log-level", "error"}, map[string]string{"SPARKMOCK_UPSTREAM": mockURL})
	status, d := get(t, url+"/v1/contacts/export?_limit=3", "private-member-avery")
	if status != 200 || len(d["Results"].([]any)) != 3 {
		t.Errorf("through the proxy: %d %v", status, d)
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/contacts/export/all?_limit=2", nil)
	req.Header.Set("X-SparkApi-User-Agent", "run-test")
	req.Header.Set("Authorization", "OAuth private-mls")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if v := res.Header.Get("X-Contract-Violations"); v != "0" {
		t.Errorf("X-Contract-Violations = %q, want 0", v)
	}
	res, err = http.Get(url + "/_mock/violations")
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Total, Capacity int }
	err = json.NewDecoder(res.Body).Decode(&v)
	res.Body.Close()
	if err != nil || v.Total != 0 || v.Capacity != 200 {
		t.Errorf("/_mock/violations: %v, %+v; want no violation, capacity 200", err, v)
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no JSON report: %v", err)
	}
	var rep struct {
		Requests int
		Verdict  string
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Requests < 2 || rep.Verdict != "PASS" {
		t.Errorf("JSON report: %v, %+v", err, rep)
	}
	x, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".xml")
	if err != nil {
		t.Fatalf("no JUnit report: %v", err)
	}
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(x, &suites); err != nil || suites.Tests == 0 {
		t.Errorf("JUnit report: %v, %d tests", err, suites.Tests)
	}
}

func TestProxyFlagsRejected(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no scheme", args: []string{"-upstream", "localhost:9"}, want: "give the scheme"},
		{name: "bad scheme", args: []string{"-upstream", "ftp://x"}, want: "http or https"},
		{name: "negative timeout", args: []string{"-upstream", "http://127.0.0.1:9", "-upstream-timeout", "-1s"}, want: "must be positive"},
		{name: "report folder missing", args: []string{"-upstream", "http://127.0.0.1:9", "-report", "/no/such/folder/r.json"}, want: "does not exist"},
		{name: "proxy flag without -upstream", args: []string{"-fail-on-violation"}, want: "go with -upstream"},
		{name: "CA without -upstream", args: []string{"-upstream-ca", "ca.pem"}, want: "go with -upstream"},
		{name: "CA for an http upstream", args: []string{"-upstream", "http://127.0.0.1:9", "-upstream-ca", "ca.pem"}, want: "https upstream"},
		{name: "CA file missing", args: []string{"-upstream", "https://127.0.0.1:9", "-upstream-ca", "/no/such/ca.pem"}, want: "no such file"},
		{name: "CA file not PEM", args: []string{"-upstream", "https://127.0.0.1:9", "-upstream-ca", "proxy_test.go"}, want: "no PEM certificate"},
		{name: "max body not a size", args: []string{"-upstream", "http://127.0.0.1:9", "-upstream-max-body", "lots"}, want: "want a positive size"},
		{name: "budget below one answer", args: []string{"-upstream", "http://127.0.0.1:9", "-upstream-max-body", "8MiB", "-upstream-max-buffered", "4MiB"}, want: "must be at least -upstream-max-body (8MiB)"},
		{name: "negative drain", args: []string{"-drain-delay", "-1s"}, want: "must not be negative"},
		{name: "zero idle timeout", args: []string{"-idle-timeout", "0s"}, want: "-idle-timeout must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := runUsage(t, tc.args, nil); !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want exit 2 with %q", err, tc.want)
			}
		})
	}
}

// TestProxyTrustsTheGivenCA: -upstream-ca lets the proxy reach an https upstream whose
// certificate is self-signed; without it the client gets a 502 saying the TLS was refused.
func TestProxyTrustsTheGivenCA(t *testing.T) {
	const expired = `{"D":{"Success":false,"Code":1020,"Message":"Session token has expired"}}`
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(expired))
	}))
	upstream.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	defer upstream.Close()
	ca := filepath.Join(t.TempDir(), "upstream.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: upstream.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		fault  string
	}{
		{name: "with -upstream-ca", args: []string{"-upstream-ca", ca}, status: http.StatusUnauthorized},
		{name: "without", status: http.StatusBadGateway, fault: "tls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, stop := start(t, append([]string{"-upstream", upstream.URL, "-log-level", "error"}, tc.args...), nil)
			defer stop()
			status, _ := get(t, url+"/v1/contacts/export", "private-member-avery")
			res, err := http.Get(url + "/v1/contacts/export")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if status != tc.status || res.Header.Get("X-Upstream-Fault") != tc.fault {
				t.Errorf("got %d, X-Upstream-Fault %q; want %d, %q", status, res.Header.Get("X-Upstream-Fault"), tc.status, tc.fault)
			}
		})
	}
}

// TestUpstreamMaxBodyFlag: -upstream-max-body (and its environment twin) bounds the answers:
// a page larger than it is a 502 too-large.
func TestUpstreamMaxBodyFlag(t *testing.T) {
	mockURL, stopMock := start(t, []string{"-log-level", "error"}, nil)
	defer stopMock()
	url, stop := start(t, []string{"-upstream", mockURL, "-log-level", "error"}, map[string]string{"SPARKMOCK_UPSTREAM_MAX_BODY": "1KiB"})
	defer stop()
	res, _, err := apiGet(t, url+"/v1/contacts/export?_limit=10", "private-member-avery")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadGateway || res.Header.Get("X-Upstream-Fault") != "too-large" {
		t.Errorf("a page of 10 under a 1 KiB bound: got %d %q, want 502 too-large", res.StatusCode, res.Header.Get("X-Upstream-Fault"))
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"65536": 65536, "64KiB": 64 << 10, "32MiB": 32 << 20, "1GiB": 1 << 30, "2MB": 2e6, " 5 KB": 5000} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "12XB", "MiB", "1.5MiB", "9999999GiB"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) = %d, want an error", bad, b)
		}
	}
	if s := (func() string { b := byteSize(64 << 10); return b.String() })(); s != "64KiB" {
		t.Errorf("String() = %q, want 64KiB", s)
	}
}
