package mockserver

import (
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// RateLimits are requests allowed per key and window. Spark's public numbers: 1,500 requests
// per 5 minutes for IDX keys, 4,000 for VOW and back-office (Private) keys.
type RateLimits struct {
	IDX    int
	Other  int
	Window time.Duration
	// Replicas is how many processes share these limits behind a load balancer (0 means 1).
	// [choice] Replicas share nothing: each enforces its share, a limit divided by Replicas
	// and rounded down, so a key spread evenly over the fleet gets at most the documented
	// limit in all; a key that lands unevenly meets a 429 a little earlier, never later.
	Replicas int
}

// share is what one process allows of limit.
func (l RateLimits) share(limit int) int {
	if l.Replicas > 1 {
		return limit / l.Replicas
	}
	return limit
}

// SparkRateLimits are the documented limits.
var SparkRateLimits = RateLimits{IDX: 1500, Other: 4000, Window: 5 * time.Minute}

// rateLimiter counts requests per key in fixed windows of its clock (the wall clock in the
// command, a fake one in tests): a window starts
// at a multiple of Window since the Unix epoch ([choice]: fixed windows, so Retry-After is the
// time left in the current one).
type rateLimiter struct {
	limits RateLimits
	clock  func() time.Time

	mu     sync.Mutex
	counts map[string]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newRateLimiter(l RateLimits, clock func() time.Time) *rateLimiter {
	return &rateLimiter{limits: l, clock: clock, counts: map[string]*windowCount{}}
}

// allow counts one request of key; when over the limit it returns how long until the window
// ends.
func (r *rateLimiter) allow(key string, role fixtures.Role) (bool, time.Duration) {
	limit := r.limits.share(r.limits.Other)
	if role == fixtures.IDX {
		limit = r.limits.share(r.limits.IDX)
	}
	now := r.clock()
	start := now.Truncate(r.limits.Window)
	r.mu.Lock()
	defer r.mu.Unlock()
	wc, ok := r.counts[key]
	if !ok || !wc.start.Equal(start) {
		if len(r.counts) > 100_000 {
			clear(r.counts) // stale keys of long-gone sessions
		}
		wc = &windowCount{start: start}
		r.counts[key] = wc
	}
	if wc.n >= limit {
		return false, start.Add(r.limits.Window).Sub(now)
	}
	wc.n++
	return true, 0
}

// limitRate answers 429 with code 1550 and Retry-After once a key is over its limit.
func limitRate(r *rateLimiter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			st := stateOf(c)
			tok := st.token
			key := tok.Token
			if st.apiKey != "" {
				key = "key:" + st.apiKey // a legacy session counts against its API key
			}
			ok, wait := r.allow(key, tok.Role)
			if !ok {
				secs := int((wait + time.Second - 1) / time.Second)
				return sparkmock.Errorf(sparkmock.CodeRateLimited, "Over the rate limit of the %s role; retry in %d seconds", tok.Role, secs).
					WithHeader("Retry-After", strconv.Itoa(secs))
			}
			return next(c)
		}
	}
}
