package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/mockserver"
)

func TestScenarios(t *testing.T) {
	var slept []time.Duration
	var mu sync.Mutex
	m := newMock(t, func(c *mockserver.Config) {
		c.Sleep = func(_ context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return nil
		}
	})
	tests := []struct {
		scenario   string
		status     int
		code       int
		retryAfter bool
	}{
		{scenario: "rate-limited", status: 429, code: 1550, retryAfter: true},
		{scenario: "session-expired", status: 401, code: 1020},
		{scenario: "unavailable", status: 503, code: 1510, retryAfter: true},
		{scenario: "server-error", status: 500, code: 500},
		{scenario: "latency=1500ms", status: 200},
		{scenario: "none", status: 200},
		{scenario: "explode", status: 400, code: 1053},
		{scenario: "latency=forever", status: 400, code: 1053},
		{scenario: "latency=1h", status: 400, code: 1053},
	}
	for _, tt := range tests {
		for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
			t.Run(tt.scenario+" "+path, func(t *testing.T) {
				res := m.get(t, path, ua, avery, "X-Mock-Scenario: "+tt.scenario)
				if res.status != tt.status {
					t.Fatalf("status: got %d %s, want %d", res.status, res.body, tt.status)
				}
				if tt.code != 0 && res.code() != tt.code {
					t.Errorf("code: got %d, want %d", res.code(), tt.code)
				}
				if got := res.header.Get("Retry-After"); tt.retryAfter && got != "30" {
					t.Errorf("Retry-After: got %q, want 30", got)
				}
				if tt.scenario == "explode" {
					msg, _ := res.d["Message"].(string)
					for _, name := range mockserver.ScenarioNames {
						if !strings.Contains(msg, name) {
							t.Errorf("message %q does not name %s", msg, name)
						}
					}
				}
			})
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(slept) != 2 || slept[0] != 1500*time.Millisecond {
		t.Errorf("latency=1500ms slept %v, want 1.5s on each path", slept)
	}
}

func TestServerWideScenario(t *testing.T) {
	m := newMock(t, func(c *mockserver.Config) { c.Scenario = mockserver.Scenario{Name: "unavailable"} })
	if res := m.get(t, "/v1/contacts/export", ua, avery); res.status != 503 || res.code() != 1510 {
		t.Errorf("default scenario: got %d %s", res.status, res.body)
	}
	if res := m.get(t, "/v1/contacts/export", ua, avery, "X-Mock-Scenario: none"); res.status != 200 {
		t.Errorf("X-Mock-Scenario: none should win over the default: got %d", res.status)
	}
}

func TestResetCutsTheConnection(t *testing.T) {
	cfg := mockserver.DefaultConfig()
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/contacts/export", nil)
	req.Header.Set("X-Mock-Scenario", "reset")
	res, err := ts.Client().Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got an answer %d, want the connection cut", res.StatusCode)
	}
	// The server is still fine afterwards.
	req.Header.Del("X-Mock-Scenario")
	req.Header.Set("X-SparkApi-User-Agent", "t")
	req.Header.Set("Authorization", "OAuth private-member-avery")
	res, err = ts.Client().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after a reset: %v %v", res, err)
	}
	res.Body.Close()
}

func TestLatencyIsDeterministicPerRequest(t *testing.T) {
	l, err := mockserver.ParseLatency("20ms-200ms")
	if err != nil {
		t.Fatal(err)
	}
	a := httptest.NewRequest(http.MethodGet, "/v1/contacts/export?_limit=3", nil)
	b := httptest.NewRequest(http.MethodGet, "/v1/contacts/export?_limit=4", nil)
	seen := map[time.Duration]bool{}
	for i := 0; i < 3; i++ {
		if l.For(1, a) != l.For(1, a) {
			t.Fatal("the same request got two latencies")
		}
		seen[l.For(1, a)] = true
	}
	for _, d := range []time.Duration{l.For(1, a), l.For(1, b), l.For(2, a)} {
		if d < 20*time.Millisecond || d > 200*time.Millisecond {
			t.Errorf("latency %v outside 20ms-200ms", d)
		}
	}
	if l.For(1, a) == l.For(1, b) && l.For(1, a) == l.For(2, a) {
		t.Errorf("other requests and seeds all got %v", l.For(1, a))
	}
	fixed, _ := mockserver.ParseLatency("20ms")
	if fixed.For(1, a) != 20*time.Millisecond {
		t.Errorf("fixed latency: %v", fixed.For(1, a))
	}
	for _, bad := range []string{"soon", "200ms-20ms", "-5ms", "20ms-x"} {
		if _, err := mockserver.ParseLatency(bad); err == nil {
			t.Errorf("ParseLatency(%q): no error", bad)
		}
	}

	var slept []time.Duration
	m := newMock(t, func(c *mockserver.Config) {
		c.Latency = l
		c.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	})
	m.get(t, "/v1/contacts/export?_limit=3", ua, avery)
	m.get(t, "/v1/contacts/export?_limit=3", ua, avery)
	if len(slept) != 2 || slept[0] != slept[1] || slept[0] < 20*time.Millisecond {
		t.Errorf("-latency slept %v, want the same 20ms-200ms twice", slept)
	}
}

// TestRateLimitOnTheMockClock: Spark's public limits, counted per token in fixed windows of
// the server's clock, with Retry-After the time left in the window; no sleeping.
func TestRateLimitOnTheMockClock(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 1, 0, 0, time.UTC) // one minute into a 5-minute window
	limits := mockserver.RateLimits{IDX: 3, Other: 5, Window: 5 * time.Minute}
	m := newMock(t, func(c *mockserver.Config) {
		c.Clock = func() time.Time { return now }
		c.RateLimits = &limits
	})
	for i := 0; i < 5; i++ {
		if res := m.get(t, "/v1/contacts/export?_limit=1", ua, avery); res.status != 200 {
			t.Fatalf("request %d: %d", i+1, res.status)
		}
	}
	res := m.get(t, "/v1/contacts/export?_limit=1", ua, avery)
	if res.status != 429 || res.code() != 1550 || res.header.Get("Retry-After") != "240" {
		t.Fatalf("6th private request: got %d %s Retry-After %q, want 429/1550 with 240", res.status, res.body, res.header.Get("Retry-After"))
	}
	// Another token has its own budget; IDX keys have the lower one (and still get 403 under it).
	for i := 0; i < 3; i++ {
		if res := m.get(t, "/v1/contacts/export", ua, "Authorization: OAuth idx-member-avery"); res.status != 403 {
			t.Fatalf("IDX request %d: %d", i+1, res.status)
		}
	}
	if res := m.get(t, "/v1/contacts/export", ua, "Authorization: OAuth idx-member-avery"); res.status != 429 {
		t.Fatalf("4th IDX request: %d, want 429", res.status)
	}
	if res := m.get(t, "/v1/contacts/export", ua, mls); res.status != 200 {
		t.Fatalf("another token: %d", res.status)
	}
	now = now.Add(4*time.Minute - time.Second)
	if res := m.get(t, "/v1/contacts/export", ua, avery); res.header.Get("Retry-After") != "1" {
		t.Fatalf("one second before the window ends: Retry-After %q", res.header.Get("Retry-After"))
	}
	now = now.Add(time.Second)
	if res := m.get(t, "/v1/contacts/export", ua, avery); res.status != 200 {
		t.Fatalf("new window: %d", res.status)
	}
}

// TestLatencyOnlyOnTheAPI: -latency delays the API, never the probes, metrics or the page: a
// latency past a probe's timeout would take the mock out of its load balancer.
func TestLatencyOnlyOnTheAPI(t *testing.T) {
	var slept []string
	var path string
	m := newMock(t, func(c *mockserver.Config) {
		c.Latency = mockserver.LatencyRange{Min: time.Hour}
		c.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, path); return nil }
	})
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/_mock/info", "/openapi.yaml", "/v1/contacts/export", "/v1/nothing"} {
		path = p
		m.get(t, p, ua, avery)
	}
	if want := []string{"/v1/contacts/export", "/v1/nothing"}; strings.Join(slept, " ") != strings.Join(want, " ") {
		t.Errorf("-latency delayed %v, want only %v", slept, want)
	}
}
