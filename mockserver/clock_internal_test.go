package mockserver

import (
	"net/http"
	"testing"
	"time"
)

// TestDateHeadersFollowTheSecond: the Date header made once per second is that second's, and
// a new second gets its own.
func TestDateHeadersFollowTheSecond(t *testing.T) {
	var d dateHeaders
	t0 := time.Date(2026, 7, 4, 22, 30, 15, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{t0, "Sat, 04 Jul 2026 22:30:15 GMT"},
		{t0, "Sat, 04 Jul 2026 22:30:15 GMT"},
		{t0.Add(time.Second), "Sat, 04 Jul 2026 22:30:16 GMT"},
		{t0, "Sat, 04 Jul 2026 22:30:15 GMT"},
	} {
		if got := d.of(tc.at); len(got) != 1 || got[0] != tc.want || got[0] != tc.at.Format(http.TimeFormat) {
			t.Errorf("Date at %v: %q, want %q", tc.at, got, tc.want)
		}
	}
	if a, b := d.of(t0), d.of(t0); &a[0] != &b[0] {
		t.Error("two answers of one second made the header twice")
	}
}
