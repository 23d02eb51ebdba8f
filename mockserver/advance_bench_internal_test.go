package mockserver

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

// BenchmarkAdvanceList measures what the real clock costs when the data changes: the /export/all
// list of an MLS whose 100 members hold the contacts is advanced to the next change, then
// to the next. 100,000 contacts unless SPARKMOCK_BENCH_CONTACTS says otherwise.
func BenchmarkAdvanceList(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SPARKMOCK_BENCH_CONTACTS")); err == nil && v > 0 {
		n = v
	}
	var yaml strings.Builder
	yaml.WriteString("epoch: 2010-01-01T00:00:00Z\nasOf: 2026-01-01T00:00:00Z\naccounts:\n")
	yaml.WriteString(`  - {id: "30000000000000000000000000", name: Scale MLS, type: Mls, contacts: 0}` + "\n")
	for i := range 100 {
		fmt.Fprintf(&yaml, "  - {id: \"3%025d\", name: Agent %d, type: Member, parent: \"30000000000000000000000000\", contacts: %d}\n", i+1, i, n/100)
	}
	yaml.WriteString("tokens:\n  - {token: scale-mls, role: Private, account: \"30000000000000000000000000\"}\n")
	tree, err := fixtures.Parse("advance.yaml", []byte(yaml.String()))
	if err != nil {
		b.Fatal(err)
	}
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
