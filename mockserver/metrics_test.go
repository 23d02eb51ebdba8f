package mockserver_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var requestsLine = regexp.MustCompile(`^sparkmock_http_requests_total\{path="([^"]*)",role="([^"]*)",status="(\d{3})"\} (\d+)$`)

// requestCounts reads sparkmock_http_requests_total from a mock's /metrics, by its labels.
func requestCounts(t *testing.T, m *mock) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, l := range strings.Split(string(m.get(t, "/metrics").body), "\n") {
		if !strings.HasPrefix(l, "sparkmock_http_requests_total{") {
			continue
		}
		g := requestsLine.FindStringSubmatch(l)
		if g == nil {
			t.Fatalf("unexpected series: %s", l)
		}
		n, _ := strconv.Atoi(g[4])
		out[g[1]+" "+g[2]+" "+g[3]] = n
	}
	return out
}

// TestRequestMetricsSumAcrossReplicas: a fleet's numbers add up only when every replica
// labels the same request the same way, with a few label values: the route (never the raw
// path, never a token), the role from the fixed set, the status.
func TestRequestMetricsSumAcrossReplicas(t *testing.T) {
	f := newFleet(t, 2)
	a, b := f.mocks[0], f.mocks[1]
	token := f.session(t)
	requests := func(m *mock, i int) {
		m.get(t, "/v1/contacts/export?_limit=1", ua, avery)
		m.get(t, "/v1/contacts/export/all", ua, "Authorization: OAuth idx-member-avery")
		m.get(t, fmt.Sprintf("/v1/contacts/%d/secret-%d", i, i), ua, avery)
		m.get(t, "/v1/contacts/export%2f"+strconv.Itoa(i), ua, avery)
		signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{"_limit": {"1"}})
		m.do(t, http.MethodPost, "/v1/contacts/export", ua, avery)
	}
	const n = 30
	for i := range n {
		if i%3 == 0 {
			requests(a, i)
		} else {
			requests(b, i)
		}
	}
	del := "/v1/session/" + token
	b.do(t, http.MethodDelete, del+"?ApiSig="+sign(privSecret, privKey, del, url.Values{}), ua)

	routes := map[string]bool{"/v1/contacts/export": true, "/v1/contacts/export/all": true, "/v1/session": true,
		"/v1/session/:token": true, "/metrics": true, "unmatched": true}
	roles := map[string]bool{"Private": true, "IDX": true, "Public": true, "VOW": true, "Portal": true, "none": true}
	sum := map[string]int{}
	for name, m := range map[string]*mock{"a": a, "b": b} {
		for labels, count := range requestCounts(t, m) {
			f := strings.Fields(labels)
			if !routes[f[0]] || !roles[f[1]] {
				t.Errorf("%s: series %q: a raw path or an unknown role", name, labels)
			}
			if strings.Contains(labels, token) || strings.Contains(labels, "secret-") {
				t.Errorf("%s: series %q holds a part of the request", name, labels)
			}
			sum[labels] += count
		}
	}
	for labels, want := range map[string]int{
		"/v1/contacts/export Private 200": 2 * n,
		"/v1/contacts/export/all IDX 403": n,
		"unmatched none 404":              2 * n,
		"/v1/contacts/export none 405":    n,
		"/v1/session none 200":            1,
		"/v1/session/:token none 200":     1,
	} {
		if sum[labels] != want {
			t.Errorf("fleet total of %s: %d, want %d", labels, sum[labels], want)
		}
	}
}
