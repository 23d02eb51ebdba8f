package contracttest

import (
	"testing"
	"time"
)

func TestExportInstants(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name        string
		seen        []string // ModificationTimestamps the target showed
		ts          string
		early, late string
		ok          bool
	}{
		{name: "offsets agree with the zone: exact", seen: []string{"2024-01-10T08:00:00-06:00", "2024-07-10T08:00:00-05:00"},
			ts: "2024-01-31T13:45:00", early: "2024-01-31T19:45:00Z", late: "2024-01-31T19:45:00Z", ok: true},
		{name: "no data: the configured zone", ts: "2024-07-04T12:00:00", early: "2024-07-04T17:00:00Z", late: "2024-07-04T17:00:00Z", ok: true},
		{name: "an offset the zone never has: every offset seen", seen: []string{"2024-01-10T08:00:00-06:00", "2024-01-10T22:00:00+14:00"},
			ts: "2024-01-31T13:45:00", early: "2024-01-30T23:45:00Z", late: "2024-01-31T19:45:00Z", ok: true},
		// Instants in UTC say nothing of the zone: every offset on Earth (a service in Tokyo
		// writing Z was failed 9 hours ahead of its Date).
		{name: "UTC data: read at every offset on Earth", seen: []string{"2024-01-10T08:00:00Z"},
			ts: "2024-01-31T13:45:00", early: "2024-01-30T23:45:00Z", late: "2024-02-01T01:45:00Z", ok: true},
		{name: "UTC and a zone offset: the offsets seen", seen: []string{"2024-01-10T08:00:00Z", "2024-01-10T08:00:00+09:00"},
			ts: "2024-01-31T13:45:00", early: "2024-01-31T04:45:00Z", late: "2024-01-31T19:45:00Z", ok: true},
		{name: "with a zone: not the documented form", ts: "2024-01-31T13:45:00-06:00"},
		{name: "with a fraction", ts: "2024-01-31T13:45:00.5"},
		{name: "not a date", ts: "2024-13-31T13:45:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &run{cfg: &config{loc: chicago}}
			s.zone.loc = chicago
			for _, m := range tc.seen {
				s.zone.observe(at(m))
			}
			early, late, ok := s.exportInstants(tc.ts)
			if ok != tc.ok {
				t.Fatalf("got ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if !early.Equal(at(tc.early)) || !late.Equal(at(tc.late)) {
				t.Errorf("got %s … %s, want %s … %s", early.UTC().Format(time.RFC3339), late.UTC().Format(time.RFC3339), tc.early, tc.late)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		want     time.Duration
	}{
		{name: "seconds", in: "3", want: 3 * time.Second},
		{name: "zero", in: "0", want: 0},
		{name: "missing", in: "", want: defaultRetry},
		{name: "garbage", in: "soon", want: defaultRetry},
		{name: "negative", in: "-5", want: defaultRetry},
		{name: "bounded", in: "86400", want: maxRetryWait},
		{name: "an HTTP date", in: "Thu, 01 Jan 2026 00:00:10 GMT", want: 10 * time.Second},
		{name: "a date in the past", in: "Wed, 31 Dec 2025 00:00:00 GMT", want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryAfter(tc.in, now); got != tc.want {
				t.Errorf("retryAfter(%q): got %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
