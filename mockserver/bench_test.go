package mockserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/mockserver"
)

func benchRequest(b *testing.B, validate bool, target, auth string) {
	benchServe(b, newServer(&testing.T{}, 1, validate), target, auth)
}

// benchServe measures one request to srv in the steady state: the first request builds the
// lists and encodes the records; the loop measures what follows.
func benchServe(b *testing.B, srv http.Handler, target, auth string) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("X-SparkApi-User-Agent", "bench")
	req.Header.Set("Authorization", auth)
	srv.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
}

// BenchmarkExportPage25 is the page of the issue: 25 contacts of /export, response
// validation on.
func BenchmarkExportPage25(b *testing.B) {
	benchRequest(b, true, "/v1/contacts/export?_limit=25", "OAuth private-member-avery")
}

func BenchmarkExportPage25NoValidation(b *testing.B) {
	benchRequest(b, false, "/v1/contacts/export?_limit=25", "OAuth private-member-avery")
}

func BenchmarkExportAllPage25Ordered(b *testing.B) {
	benchRequest(b, true, "/v1/contacts/export/all?_limit=25&_orderby=-DisplayName&_pagination=1", "OAuth private-mls")
}

// bigTree is an MLS with ten members of n/10 contacts each and a Private token on the MLS.
func bigTree(b *testing.B, n int) *fixtures.Tree {
	var y strings.Builder
	y.WriteString("epoch: 2010-01-01T00:00:00Z\nasOf: 2026-01-01T00:00:00Z\naccounts:\n")
	y.WriteString("  - {id: \"20000000000000000000000000\", name: Big MLS, type: Mls, contacts: 0}\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&y, "  - {id: \"2000000000000000000000001%d\", name: Agent %d, type: Member, parent: \"20000000000000000000000000\", contacts: %d}\n", i, i, n/10)
	}
	y.WriteString("tokens:\n  - {token: big, role: Private, account: \"20000000000000000000000000\"}\n")
	tree, err := fixtures.Parse("big", []byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	return tree
}

func benchBig(b *testing.B, n int, query string) {
	cfg := mockserver.DefaultConfig()
	cfg.Tree = bigTree(b, n)
	cfg.Clock = func() time.Time { return frozen }
	srv, err := mockserver.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchServe(b, srv, "/v1/contacts/export/all?"+query, "OAuth big")
}

// BenchmarkFilterModificationTimestamp100k: the incremental export's filter on 100,000
// contacts (the benchmark), a page of 25.
func BenchmarkFilterModificationTimestamp100k(b *testing.B) {
	benchBig(b, 100_000, "_limit=25&_pagination=1&_filter="+url.QueryEscape("ModificationTimestamp Gt 2026-11-01T00:00:00"))
}

// BenchmarkFilterModificationTimestampWide100k: the same filter, but a year wide.
func BenchmarkFilterModificationTimestampWide100k(b *testing.B) {
	benchBig(b, 100_000, "_limit=25&_pagination=1&_filter="+url.QueryEscape("ModificationTimestamp Gt 2025-11-01T00:00:00"))
}

// BenchmarkFilterID100k looks one contact up by Id among 100,000.
func BenchmarkFilterID100k(b *testing.B) {
	benchBig(b, 100_000, "_filter="+url.QueryEscape("Id Eq '20100101004656000000000000' Or Id Eq '20100101004656000000000001'"))
}
