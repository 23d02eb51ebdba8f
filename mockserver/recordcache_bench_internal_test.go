package mockserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

// BenchmarkWalkByNameHeap measures the live heap after asking for an export ordered by name
// (every contact generated, then sorted) and paging through it, with and without a bound on
// the record cache: the index alone, then what the walk leaves. 50,000 contacts unless
// SPARKMOCK_BENCH_CONTACTS says otherwise (docs/benchmarks.md has 1,000,000).
func BenchmarkWalkByNameHeap(b *testing.B) {
	n := 50_000
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
	tree, err := fixtures.Parse("walk.yaml", []byte(yaml.String()))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	// heapMB is the live heap after a collection: the bytes of reachable objects.
	heapMB := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	for _, mb := range []int64{0, 32} {
		b.Run(fmt.Sprintf("cache-mb=%d", mb), func(b *testing.B) {
			for b.Loop() {
				cfg := DefaultConfig()
				cfg.Tree, cfg.Clock, cfg.RecordCacheBytes = tree, func() time.Time { return now }, mb<<20
				srv, err := New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				srv.Warm(now)
				index := heapMB()
				get := func(page int) {
					req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/contacts/export/all?_orderby=DisplayName&_limit=25&_page=%d", page), nil)
					req.Header.Set("X-SparkApi-User-Agent", "bench")
					req.Header.Set("Authorization", "OAuth scale-mls")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("page %d: %d %s", page, rec.Code, rec.Body.String())
					}
				}
				get(1)
				srv.world().store.sorts.Wait()
				pages := n / 25
				for k := range 20 {
					get(1 + k*(pages-1)/19)
				}
				after := heapMB()
				b.ReportMetric(index, "index-MB")
				b.ReportMetric(after, "heap-after-MB")
				b.ReportMetric(after-index, "records-MB")
				runtime.KeepAlive(srv)
			}
		})
	}
}
