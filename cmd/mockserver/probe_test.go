package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/internal/version"
)

func TestVersionFlag(t *testing.T) {
	var out strings.Builder
	// An environment twin must not turn a server into a version printer.
	if err := run(context.Background(), []string{"mockserver", "-version"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatalf("-version: %v", err)
	}
	if got, want := out.String(), version.Get().String()+"\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
	env := map[string]string{"SPARKMOCK_VERSION": "1", "SPARKMOCK_PROBE": "http://127.0.0.1:9/readyz"}
	o, err := parseFlags([]string{"mockserver"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.version || o.probe != "" {
		t.Errorf("SPARKMOCK_VERSION and SPARKMOCK_PROBE set: version %v, probe %q; want both ignored", o.version, o.probe)
	}
}

// TestProbe: -probe is the container's health check (a scratch image has no curl): exit 0 on a
// 2xx, 1 on anything else or no answer, 2 on a URL that is not one.
func TestProbe(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	tlsTS := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsTS.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/healthz"
	ln.Close()
	tests := []struct {
		name     string
		url      string
		wantCode int
	}{
		{name: "ready", url: ts.URL + "/readyz", wantCode: 0},
		{name: "self-signed https", url: tlsTS.URL + "/readyz", wantCode: 0},
		{name: "503", url: ts.URL + "/draining", wantCode: 1},
		{name: "nobody listening", url: closed, wantCode: 1},
		{name: "not a URL", url: "127.0.0.1:8080/readyz", wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := run(context.Background(), []string{"mockserver", "-probe", tt.url}, func(k string) string {
				if k == "SPARKMOCK_ADDR" {
					return "127.0.0.1:1" // the image's environment: ignored by -probe
				}
				return ""
			}, nil, &out, io.Discard)
			code := 0
			var ee *exitError
			if errors.As(err, &ee) {
				code = ee.code
			} else if err != nil {
				code = -1
			}
			if code != tt.wantCode {
				t.Errorf("-probe %s: exit %d (%v), want %d", tt.url, code, err, tt.wantCode)
			}
		})
	}
}

// TestImageHealthChecksProbeTheMock: the HEALTHCHECK of both Dockerfiles is a command this binary
// runs, and it passes against a running mock (its URL swapped for the test's).
func TestImageHealthChecksProbeTheMock(t *testing.T) {
	url, stop := start(t, []string{"-log-level", "error"}, nil)
	defer stop()
	for _, file := range []string{"../../Dockerfile", "../../Dockerfile.release"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$`).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no HEALTHCHECK … CMD [...]", file)
			continue
		}
		var cmd []string
		if err := json.Unmarshal(m[1], &cmd); err != nil || len(cmd) != 3 || cmd[0] != "/usr/local/bin/mockserver" || cmd[1] != "-probe" {
			t.Errorf("%s: HEALTHCHECK CMD %s, want [\"/usr/local/bin/mockserver\", \"-probe\", URL]", file, m[1])
			continue
		}
		target := strings.Replace(cmd[2], "http://127.0.0.1:8080", url, 1)
		if target == cmd[2] {
			t.Errorf("%s: HEALTHCHECK probes %s, not the image's address http://127.0.0.1:8080", file, cmd[2])
			continue
		}
		if err := run(context.Background(), []string{"mockserver", cmd[1], target}, func(string) string { return "" }, nil, io.Discard, io.Discard); err != nil {
			t.Errorf("%s: the HEALTHCHECK against a running mock: %v", file, err)
		}
	}
}
