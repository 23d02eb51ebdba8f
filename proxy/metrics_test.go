package proxy_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
)

// scrape returns the lines of a /metrics answer that start with prefix.
func scrape(t *testing.T, url, prefix string) []string {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// TestViolationCountersStartAtZeroForEveryCheck: a fleet's sum(increase(...)) of a series that
// appears at 1 misses that first violation, so every check id is exported from the start, and
// the label takes no other value.
func TestViolationCountersStartAtZeroForEveryCheck(t *testing.T) {
	broken := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"D":{"Success":true,"Results":[{"Id":"1"}]}}`) // no ResourceUri, no ModificationTimestamp
	}))
	_, srv := newProxy(t, broken.URL, nil)
	known := map[string]bool{}
	for _, c := range contracttest.ExchangeChecks() {
		known[c.ID] = true
	}
	line := regexp.MustCompile(`^sparkmock_proxy_violations_total\{check="([^"]+)"\} (\d+)$`)
	lines := scrape(t, srv.URL, "sparkmock_proxy_violations_total{")
	if len(lines) != len(known) {
		t.Errorf("%d violation series before any exchange, want one per check (%d):\n%s", len(lines), len(known), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if m := line.FindStringSubmatch(l); m == nil || !known[m[1]] || m[2] != "0" {
			t.Errorf("before any exchange: %s, want a known check at 0", l)
		}
	}

	getAs(t, srv.URL+"/v1/contacts/export", "some-token", "metrics-test")
	counted := 0
	for _, l := range scrape(t, srv.URL, "sparkmock_proxy_violations_total{") {
		m := line.FindStringSubmatch(l)
		if m == nil || !known[m[1]] {
			t.Errorf("after a violation: %s is not a known check", l)
			continue
		}
		if m[2] != "0" {
			counted++
		}
	}
	if counted == 0 {
		t.Errorf("a broken answer counted no violation")
	}
}
