package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sparkmock/sparkmock/internal/version"
)

func TestVersionFlag(t *testing.T) {
	// An environment twin must not turn a check run into a version printer.
	r := runCmd(t, map[string]string{"CONTRACTTEST_VERSION": "1"}, "-version")
	if r.code != 0 {
		t.Fatalf("-version: exit %d (%v)", r.code, r.err)
	}
	if want := version.Get().String() + "\n"; r.stdout != want {
		t.Errorf("-version printed %q, want %q", r.stdout, want)
	}
	r = runCmd(t, map[string]string{"CONTRACTTEST_VERSION": "1"}, "-list")
	if strings.HasPrefix(r.stdout, "sparkmock ") {
		t.Errorf("CONTRACTTEST_VERSION=1 printed the version instead of the list")
	}
}

// TestUserAgentCarriesTheVersion: a service's operators can tell which suite called them.
func TestUserAgentCarriesTheVersion(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	url := mock(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if ua := r.Header.Get("X-SparkApi-User-Agent"); ua != "" {
				seen[ua] = true
			}
			mu.Unlock()
			h.ServeHTTP(w, r)
		})
	})
	r := runCmd(t, nil, append([]string{"-base-url", url, "-run", `^envelope\.`}, tokenFlags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d (%v)\n%s", r.code, r.err, r.stdout)
	}
	want := "sparkmock-contracttest/" + version.Get().Short()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || !seen[want] {
		t.Errorf("X-SparkApi-User-Agent sent: %v, want only %q", seen, want)
	}
}
