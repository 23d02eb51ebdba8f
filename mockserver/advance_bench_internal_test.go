package mockserver

import (
	"testing"
	"time"
)

// BenchmarkAdvanceList measures what the real clock costs when the data changes: the /export/all
// list of an MLS whose 100 members hold the contacts is advanced to the next change, then
// to the next. 100,000 contacts unless SPARKMOCK_BENCH_CONTACTS says otherwise.
func BenchmarkAdvanceList(b *testing.B) {
	tree := scaleTree(b, benchContacts(100_000))
	cfg := DefaultConfig()
	cfg.Tree = tree
	srv, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	st := srv.world().store
	now := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC).Unix()
	tl := snapshot{t: now, store: st}.allTimed(0)
	b.ResetTimer()
	for b.Loop() {
		now = tl.until
		tl = snapshot{t: now, store: st}.allTimed(0)
	}
}
