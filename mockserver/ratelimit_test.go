package mockserver_test

import (
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/mockserver"
)

// TestRateLimitShareOfAReplica: with Replicas, each process enforces its share of the limits
// (rounded down), so a fleet behind a load balancer allows at most the documented numbers.
func TestRateLimitShareOfAReplica(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 1, 0, 0, time.UTC)
	limits := mockserver.RateLimits{IDX: 5, Other: 10, Window: 5 * time.Minute, Replicas: 3}
	m := newMock(t, func(c *mockserver.Config) { c.Clock, c.RateLimits = func() time.Time { return now }, &limits })
	// A third of 10 Private requests and of 5 IDX ones (still 403 under the limit).
	for _, tc := range []struct {
		auth   string
		status []int
	}{
		{auth: avery, status: []int{200, 200, 200, 429}},
		{auth: "Authorization: OAuth idx-member-avery", status: []int{403, 429}},
	} {
		for i, want := range tc.status {
			if res := m.get(t, "/v1/contacts/export?_limit=1", ua, tc.auth); res.status != want {
				t.Fatalf("%s, request %d: %d %s, want %d", tc.auth, i+1, res.status, res.body, want)
			}
		}
	}
	for _, bad := range []mockserver.RateLimits{
		{IDX: 2, Other: 10, Window: time.Minute, Replicas: 3},
		{IDX: 5, Other: 10, Window: time.Minute, Replicas: -1},
	} {
		cfg := mockserver.DefaultConfig()
		cfg.RateLimits = &bad
		if _, err := mockserver.New(cfg); err == nil {
			t.Errorf("%+v: accepted, want an error", bad)
		}
	}
}
