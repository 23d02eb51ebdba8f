package mockserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

// BenchmarkWalkByNameHeap measures the live heap after asking for an export ordered by name
// (every contact generated, then sorted) and paging through it, with and without a bound on
// the record cache: the index alone, then what the walk leaves. 50,000 contacts unless
// SPARKMOCK_BENCH_CONTACTS says otherwise (docs/benchmarks.md has 1,000,000 and 3,000,000),
// with no bound and 32 MB unless SPARKMOCK_BENCH_CACHE_MB lists others ("64" or "0 64").
// It also reports the process's RSS: once the index is built (rss-index-MB) and at its peak
// during the walk (peak-RSS-MB, Linux only: the peak is reset after the index is built), the
// walk's time (walk-s), and the soft memory limit the binary would set (mem-limit-MB; none
// when GOMEMLIMIT is set: GOMEMLIMIT=off measures without one).
func BenchmarkWalkByNameHeap(b *testing.B) {
	n := benchContacts(50_000)
	tree := scaleTree(b, n)
	now := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	// heapMB is the live heap after a collection: the bytes of reachable objects.
	heapMB := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	budgets := []int64{0, 32}
	if v := os.Getenv("SPARKMOCK_BENCH_CACHE_MB"); v != "" {
		budgets = nil
		for _, f := range strings.Fields(v) {
			mb, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			budgets = append(budgets, mb)
		}
	}
	for _, mb := range budgets {
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
				// The soft memory limit the binary sets (cmd/mockserver), unless GOMEMLIMIT is set.
				if os.Getenv("GOMEMLIMIT") == "" {
					defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
					srv.ManageMemoryLimit(func(limit int64) { debug.SetMemoryLimit(limit) })
				}
				debug.FreeOSMemory()
				rssIndex := procStatusMB("VmRSS")
				_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM
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
				start := time.Now()
				get(1)
				srv.world().store.sorts.Wait()
				pages := min(n/25, 100_000) // _page stops at 100,000; the sort has read every contact anyway
				for k := range 20 {
					get(1 + k*(pages-1)/19)
				}
				walk := time.Since(start)
				if limit := srv.MemoryLimit(); limit > 0 {
					b.ReportMetric(float64(limit)/(1<<20), "mem-limit-MB") // as the walk left it
				}
				after := heapMB()
				b.ReportMetric(walk.Seconds(), "walk-s")
				b.ReportMetric(index, "index-MB")
				b.ReportMetric(after, "heap-after-MB")
				b.ReportMetric(after-index, "records-MB")
				if rssIndex > 0 {
					b.ReportMetric(rssIndex, "rss-index-MB")
					b.ReportMetric(procStatusMB("VmHWM"), "peak-RSS-MB")
				}
				runtime.KeepAlive(srv)
			}
		})
	}
}

// procStatusMB reads a size from /proc/self/status in MB; 0 where there is none.
func procStatusMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// benchContacts is SPARKMOCK_BENCH_CONTACTS, or def.
func benchContacts(def int) int {
	if v, err := strconv.Atoi(os.Getenv("SPARKMOCK_BENCH_CONTACTS")); err == nil && v > 0 {
		return v
	}
	return def
}

// scaleTree is bench/genfixtures' tree: an MLS whose 100 members share n contacts, and a
// Private token on the MLS (scale-mls).
func scaleTree(b *testing.B, n int) *fixtures.Tree {
	var yaml strings.Builder
	yaml.WriteString("epoch: 2010-01-01T00:00:00Z\nasOf: 2026-01-01T00:00:00Z\naccounts:\n")
	yaml.WriteString(`  - {id: "30000000000000000000000000", name: Scale MLS, type: Mls, contacts: 0}` + "\n")
	for i := range 100 {
		fmt.Fprintf(&yaml, "  - {id: \"3%025d\", name: Agent %d, type: Member, parent: \"30000000000000000000000000\", contacts: %d}\n", i+1, i, n/100)
	}
	yaml.WriteString("tokens:\n  - {token: scale-mls, role: Private, account: \"30000000000000000000000000\"}\n")
	tree, err := fixtures.Parse("scale.yaml", []byte(yaml.String()))
	if err != nil {
		b.Fatal(err)
	}
	return tree
}
