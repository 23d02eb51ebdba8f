package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/golden"
	"github.com/sparkmock/sparkmock/mockserver"
)

// goldenRequests are answers users' snapshot tests depend on: the same version, seed,
// fixtures, clock and request give these bytes. A change in them (a dependency upgrade that
// changes the generated data, say) fails here, loudly, and goes in the changelog.
var goldenRequests = []struct {
	name     string
	dense    bool // testdata/dense.yaml instead of the default data
	target   string
	headers  []string
	wantCode int
}{
	{"own-first-page", false, "/v1/contacts/export?_limit=5&_pagination=1", []string{avery}, 200},
	{"all-mls-page-2", false, "/v1/contacts/export/all?_limit=25&_page=2&_pagination=1", []string{mls}, 200},
	{"all-office-newest-first-selected", false, "/v1/contacts/export/all?_limit=10&_orderby=-ModificationTimestamp&_select=DisplayName,PrimaryEmail", []string{office}, 200},
	{"own-ordered-by-region-and-name", false, "/v1/contacts/export?_limit=10&_skip=20&_pagination=1&_orderby=HomeRegion,-DisplayName", []string{avery}, 200},
	{"all-filter-tags", false, "/v1/contacts/export/all?_limit=10&_pagination=1&_filter=" + url.QueryEscape("Tags Eq 'Hot Prospect' And HomeRegion Ne NULL"), []string{mls}, 200},
	{"all-incremental", false, "/v1/contacts/export/all?_limit=25&_pagination=1&_filter=" + url.QueryEscape("ModificationTimestamp Gt 2026-05-10T10:04:05"), []string{mls, "X-Mock-Now: 2026-06-20T08:00:00Z"}, 200},
	{"own-count", false, "/v1/contacts/export?_pagination=count", []string{"Authorization: OAuth private-member-dana"}, 200},
	{"idx-forbidden", false, "/v1/contacts/export", []string{"Authorization: OAuth idx-member-avery"}, 403},
	{"expired-token", false, "/v1/contacts/export/all", []string{"Authorization: OAuth expired-member-brooke"}, 401},
	{"bad-filter", false, "/v1/contacts/export/all?_filter=" + url.QueryEscape("Emial Eq 'x'"), []string{mls}, 400},
	{"dense-all-by-name", true, "/v1/contacts/export/all?_limit=25&_page=3&_pagination=1&_orderby=DisplayName", []string{"Authorization: OAuth private-company", "X-Mock-Now: 2026-03-08T08:00:00Z"}, 200},
	{"dense-own-selected", true, "/v1/contacts/export?_limit=20&_select=GivenName,Tags,VowEnabled", []string{"Authorization: OAuth private-mls", "X-Mock-Now: 2026-03-08T07:59:59Z"}, 200},
}

// TestGoldenResponses compares answers byte for byte with testdata/golden; -update rewrites
// them (go test ./mockserver -update).
func TestGoldenResponses(t *testing.T) {
	doc, _ := spec(t)
	dense, err := fixtures.Load("testdata/dense.yaml")
	if err != nil {
		t.Fatal(err)
	}
	servers := map[bool]http.Handler{}
	for _, d := range []bool{false, true} {
		cfg := mockserver.DefaultConfig()
		cfg.Spec, cfg.Clock = doc, func() time.Time { return frozen }
		if d {
			cfg.Tree = dense
		}
		srv, err := mockserver.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		servers[d] = srv
	}
	for _, g := range goldenRequests {
		t.Run(g.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, g.target, nil)
			req.Header.Set("X-SparkApi-User-Agent", "sparkmock-golden/1.0")
			for _, h := range g.headers {
				name, value, _ := strings.Cut(h, ": ")
				req.Header.Set(name, value)
			}
			rec := httptest.NewRecorder()
			servers[g.dense].ServeHTTP(rec, req)
			if rec.Code != g.wantCode {
				t.Fatalf("status %d, want %d: %s", rec.Code, g.wantCode, rec.Body)
			}
			path := filepath.Join("testdata", "golden", g.name+".json")
			got := rec.Body.Bytes()
			if golden.Update() {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./mockserver -run TestGoldenResponses -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("GET %s: the bytes changed (same version, seed, fixtures, clock and request must give the same bytes; if the change is meant, run -update and record it in CHANGELOG.md)\n got %s\nwant %s", g.target, got, want)
			}
		})
	}
}
