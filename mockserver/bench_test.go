package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func benchRequest(b *testing.B, validate bool, target, auth string) {
	srv := newServer(&testing.T{}, 1, validate)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("X-SparkApi-User-Agent", "bench")
	req.Header.Set("Authorization", auth)
	// The first request builds the snapshot and encodes the records; the loop measures the
	// steady state.
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
