package e2e_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestMockPassesTheSuite runs the suite against the mock, default and strict, at several
// seeds, clock times (a frozen clock, X-Mock-Now in the past, the real clock) and Private
// tokens (a company, a member, the MLS, a member without contacts): no check may fail or
// error, and a check may be skipped only with a reason.
func TestMockPassesTheSuite(t *testing.T) {
	tests := []struct {
		name    string
		seed    int64
		clock   func() time.Time // nil: the real clock
		mockNow string           // X-Mock-Now, when set
		private string
		// noSkips says the data is rich enough for every check to be judged.
		noSkips bool
	}{
		{name: "default seed, frozen, company", seed: mockserver.DefaultSeed, clock: frozenClock(frozen), private: "private-company-prairie", noSkips: true},
		{name: "default seed, real clock, MLS", seed: mockserver.DefaultSeed, private: "private-mls"},
		{name: "seed 1, X-Mock-Now 2019, member", seed: 1, mockNow: "2019-03-15T10:00:00Z", private: "private-member-avery"},
		{name: "seed 987654321, X-Mock-Now 2012, office", seed: 987654321, mockNow: "2012-01-10T00:00:00-06:00", private: "private-office-downtown"},
		{name: "seed 42, frozen in summer time, company", seed: 42, clock: frozenClock(time.Date(2024, 7, 4, 15, 4, 5, 0, time.UTC)), private: "private-company-northstar"},
		{name: "default seed, frozen, member without contacts", seed: mockserver.DefaultSeed, clock: frozenClock(frozen), private: "private-member-carlos"},
	}
	for _, tc := range tests {
		for _, strict := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, strict %v", tc.name, strict), func(t *testing.T) {
				t.Parallel()
				target := contracttest.Target{Tokens: allTokens(tc.private), UserAgent: "e2e-test"}
				if tc.mockNow != "" {
					target.Header = http.Header{mockserver.MockNowHeader: {tc.mockNow}}
				}
				rep := check(t, newMock(t, tc.seed, tc.clock), target, contracttest.Config{Strict: strict})
				if f := rep.Failures(); f != "" {
					t.Errorf("the mock broke the contract:%s", f)
				}
				for _, r := range rep.Results {
					if r.Status != contracttest.StatusSkipped {
						continue
					}
					if r.Reason == "" {
						t.Errorf("%s skipped without a reason", r.ID)
					}
					if tc.noSkips {
						t.Errorf("%s skipped on rich data: %s", r.ID, r.Reason)
					}
					t.Logf("skipped %s: %s", r.ID, r.Reason)
				}
				if got, want := len(rep.Results), wantChecks(strict); got != want {
					t.Errorf("got %d results, want %d (every check of the catalog that applies)", got, want)
				}
				// docs/contracttest.md promises a few hundred requests a run: at 5 a second, about a minute.
				if rep.Requests > maxRequests {
					t.Errorf("got %d requests, want at most %d", rep.Requests, maxRequests)
				}
				t.Logf("%d checks, %d requests, %v", len(rep.Results), rep.Requests, rep.Duration)
			})
		}
	}
}

// maxRequests bounds one run of the suite on the default data.
const maxRequests = 350

// wantChecks counts the catalog's checks a run runs.
func wantChecks(strict bool) int {
	n := 0
	for _, c := range contracttest.Checks() {
		if strict || c.Source != contracttest.SourceChoice {
			n++
		}
	}
	return n
}

// BenchmarkSuiteAgainstMock measures one whole run of the suite, strict, against the mock in
// process on 127.0.0.1 (the run CI asks to stay under 10 s).
func BenchmarkSuiteAgainstMock(b *testing.B) {
	h := newMock(b, mockserver.DefaultSeed, frozenClock(frozen))
	target := contracttest.Target{Tokens: allTokens("private-company-prairie")}
	requests := 0
	for b.Loop() {
		rep := check(b, h, target, contracttest.Config{Strict: true})
		if !rep.OK() {
			b.Fatalf("the mock broke the contract:%s", rep.Failures())
		}
		requests = rep.Requests
	}
	b.ReportMetric(float64(requests), "requests/run")
}
