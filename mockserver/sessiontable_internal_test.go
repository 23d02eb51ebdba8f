package mockserver

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

func TestTokenTableIsBoundedAndForgetsExpiredFirst(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tab := newTokenTable[int](3)
	id := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte{byte(i)}) }
	// Expiries 1 h, 3 h, 2 h from now.
	for i, h := range []int{1, 3, 2} {
		if evicted := tab.put(id(i), now.Add(time.Duration(h)*time.Hour), i, now); evicted {
			t.Fatalf("put %d evicted an entry below the bound", i)
		}
	}
	// Full: the one that expires first (id 0) goes.
	if evicted := tab.put(id(3), now.Add(4*time.Hour), 3, now); !evicted {
		t.Errorf("past the bound nothing was evicted")
	}
	if _, ok := tab.get(id(0)); ok {
		t.Errorf("the soonest-expiring entry was kept")
	}
	if got := tab.len(); got != 3 {
		t.Errorf("len %d, want 3", got)
	}
	// Two hours later ids 2 has expired: it makes room, nothing open is evicted.
	if evicted := tab.put(id(4), now.Add(5*time.Hour), 4, now.Add(2*time.Hour)); evicted {
		t.Errorf("an open entry was evicted while an expired one could go")
	}
	if _, ok := tab.get(id(2)); ok {
		t.Errorf("the expired entry was kept")
	}
	// Updating an entry keeps one entry.
	tab.put(id(4), now.Add(5*time.Hour), 40, now)
	if v, _ := tab.get(id(4)); v != 40 || tab.len() != 3 {
		t.Errorf("update: value %d len %d, want 40 and 3", v, tab.len())
	}
}

// Regression (issue 13): the session table had no bound (and creating a session scanned it
// all under the lock once it was full).
func TestSessionTablesStayBoundedAndKeepEndings(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	s := newSessions([]byte("0123456789abcdef"), func() time.Time { return now }, 10)
	key := fixtures.APIKey{Key: "k", Secret: "s", Role: fixtures.Private}
	token, ended := s.create(key)
	s.end(ended)
	for range 1000 {
		s.create(key)
	}
	if n := s.seen.len(); n > 10 {
		t.Errorf("%d sessions remembered, want at most 10", n)
	}
	// Opening sessions never pushes an ended one out: the tables are separate.
	if _, err := s.check(token); err == nil {
		t.Errorf("a session ended before 1,000 others opened is open again")
	}
}

// BenchmarkSessionCreate opens sessions with 100,000 already remembered.
func BenchmarkSessionCreate(b *testing.B) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	s := newSessions([]byte("0123456789abcdef"), func() time.Time { return now }, defaultSessionTable)
	key := fixtures.APIKey{Key: "demo-private-key", Secret: "s", Role: fixtures.Private}
	for range defaultSessionTable {
		s.create(key)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.create(key)
	}
}
