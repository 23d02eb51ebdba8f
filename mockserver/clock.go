package mockserver

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

// MockNowHeader answers one request as of another time: the mock-only way to replay any
// past state or jump ahead, e.g. to test an incremental export.
const MockNowHeader = "X-Mock-Now"

// The times the clock model accepts.
var (
	minClock = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxClock = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ParseClock reads an RFC 3339 time for -now and X-Mock-Now, and checks it is within the
// years the clock model serves.
func ParseClock(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, sparkmock.Errorf(sparkmock.CodeBadParameter, "%s must be an RFC 3339 time like 2026-01-31T13:45:00Z or 2026-01-31T07:45:00-06:00, not %q", MockNowHeader, s)
	}
	if t.Before(minClock) || !t.Before(maxClock) {
		return time.Time{}, sparkmock.Errorf(sparkmock.CodeBadParameter, "%s must be from 1970 to 2099, not %q", MockNowHeader, s)
	}
	return t, nil
}

// requestClock fixes the time of each request: X-Mock-Now when given, the server's clock
// otherwise, truncated to the second (ExportTimestamp and ModificationTimestamp have
// seconds), so every part of one answer sees the same instant.
func requestClock(clock func() time.Time) echo.MiddlewareFunc {
	var dates dateHeaders
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var now time.Time
			if h := c.Request().Header.Get(MockNowHeader); h != "" {
				t, err := ParseClock(h)
				if err != nil {
					return err
				}
				now = t
			} else {
				now = clock()
			}
			st := stateOf(c)
			st.setNow(now)
			// [choice] An answer given as of another time says so in its Date too, so
			// ExportTimestamp is never in the future of Date, whatever the clock.
			c.Response().Header()["Date"] = dates.of(st.now)
			return next(c)
		}
	}
}

// dateHeaders keeps the Date header of the last second asked for: requests at any rate worth
// counting share their second, and so the header's value, made once.
type dateHeaders struct{ last atomic.Pointer[dateHeader] }

type dateHeader struct {
	unix  int64
	value []string // shared by every response of that second: read only
}

// of returns the Date header's value for t, a UTC time to the second.
func (d *dateHeaders) of(t time.Time) []string {
	if h := d.last.Load(); h != nil && h.unix == t.Unix() {
		return h.value
	}
	h := &dateHeader{unix: t.Unix(), value: []string{t.Format(http.TimeFormat)}}
	d.last.Store(h)
	return h.value
}
