package e2e_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestNoFalseAlarms: legal implementations the suite once failed, each a regression of its
// own. The default (non-strict) suite must report no failure.
func TestNoFalseAlarms(t *testing.T) {
	tests := []struct {
		name    string
		private string
		header  http.Header
		wrap    func(http.Handler) http.Handler
	}{
		// paging.arithmetic asked _limit=7&_page=2, past the end of an account with 6 contacts.
		{name: "past the end 400, a small account", private: smallToken, wrap: func(http.Handler) http.Handler {
			return withVariant("past-end-400")(smallAccountMock(t))
		}},
		// filter.complete blamed a contact modified after the listing was read.
		{name: "contacts modified between the listing and the filters", private: privateToken, wrap: filtersLater},
		// incremental.export-timestamp assumed America/Chicago unless -timezone.
		{name: "a service in another zone", private: privateToken, wrap: inZone("Asia/Tokyo")},
		// ... and one that writes every ModificationTimestamp in UTC (Z): its offsets say
		// nothing of its zone, so ExportTimestamp's zone cannot be read off them.
		{name: "a service in another zone writing instants in UTC", private: privateToken, wrap: func(h http.Handler) http.Handler {
			return withVariant("timestamps-utc")(inZone("Asia/Tokyo")(h))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := tc.wrap(newMock(t, mockserver.DefaultSeed, frozenClock(frozen)))
			rep := check(t, h, contracttest.Target{Tokens: allTokens(tc.private), Header: tc.header}, contracttest.Config{})
			if f := rep.Failures(); f != "" {
				t.Errorf("a legal implementation was reported broken:%s", f)
			}
		})
	}
}

// withVariant asks the mock for a variant on every request.
func withVariant(name string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set(mockserver.VariantHeader, name)
			next.ServeHTTP(w, r)
		})
	}
}

// filtersLater answers from the first filtered request on 400 days later: a busy account
// whose contacts changed after the suite read its listing.
func filtersLater(next http.Handler) http.Handler {
	var later atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("_filter") {
			later.Store(true)
		}
		if later.Load() {
			r.Header.Set(mockserver.MockNowHeader, frozen.Add(400*24*time.Hour).Format(time.RFC3339))
		}
		next.ServeHTTP(w, r)
	})
}

// inZone serves the mock from a service in another zone.
func inZone(zone string) func(http.Handler) http.Handler {
	return func(http.Handler) http.Handler {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			panic(err)
		}
		cfg := mockserver.DefaultConfig()
		cfg.Clock = frozenClock(frozen)
		cfg.Location = loc
		m, err := mockserver.New(cfg)
		if err != nil {
			panic(err)
		}
		return m
	}
}

// smallToken is a Private token of Prairie Realty Lakeshore, an office with 6 contacts of its
// own, added to the default fixtures by smallAccountMock.
const smallToken = "private-office-lakeshore"

// smallAccountMock is the mock with the default data and smallToken.
func smallAccountMock(t *testing.T) http.Handler {
	t.Helper()
	yaml := strings.Replace(string(fixtures.DefaultYAML()), "\n# Keys of the legacy",
		"  - {token: "+smallToken+", role: Private, account: \"20110719120856032180000000\"}\n\n# Keys of the legacy", 1)
	tree, err := fixtures.Parse("small.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return mocktest.New(t, func(c *mockserver.Config) { c.Tree = tree })
}

// TestSkipReasonsSayWhy: against a service that never sends Pagination, no skip reason shows
// a sentinel (-1) or blames a change of data.
func TestSkipReasonsSayWhy(t *testing.T) {
	noPagination := mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
		delete(d, "Pagination")
		return status
	})
	rep := check(t, noPagination(newMock(t, mockserver.DefaultSeed, frozenClock(frozen))), contracttest.Target{Tokens: allTokens(privateToken)}, contracttest.Config{})
	skipped := 0
	for _, r := range rep.Results {
		if r.Status != contracttest.StatusSkipped {
			continue
		}
		skipped++
		if sentinel.MatchString(r.Reason) || strings.Contains(r.Reason, "data changed") {
			t.Errorf("%s: skip reason %q shows a sentinel or blames a change of data", r.ID, r.Reason)
		}
	}
	if skipped == 0 {
		t.Errorf("no check skipped: the test proves nothing")
	}
}

// sentinel finds a -1 standing for "unknown".
var sentinel = regexp.MustCompile(`(^|[\s(\[,=])-1([\s)\],.:;]|$)`)

// TestSchemaMessagesNameTheMember: a schema break inside an allOf names the member that broke
// it, not only "doesn't match all schemas from allOf".
func TestSchemaMessagesNameTheMember(t *testing.T) {
	birthday := mockedit.Results(func(r *http.Request, i int, c map[string]any) {
		if strings.HasSuffix(r.URL.Path, "/all") {
			c["Birthday"] = "08/17/1988"
		}
	})
	rep := check(t, birthday(newMock(t, mockserver.DefaultSeed, frozenClock(frozen))), contracttest.Target{Tokens: allTokens(privateToken)},
		contracttest.Config{Strict: true, Run: regexp.MustCompile(`^conformance\.`)})
	r, ok := rep.Result("conformance.schema-choices")
	if !ok || r.Status != contracttest.StatusFailed || len(r.Evidence) == 0 {
		t.Fatalf("conformance.schema-choices: got %v, want failed", r.Status)
	}
	for _, e := range r.Evidence {
		if !strings.Contains(e.Message, "/Birthday") || !strings.Contains(e.Message, "pattern") {
			t.Errorf("got %q, want the message to name /Birthday and its pattern", e.Message)
		}
	}
}
