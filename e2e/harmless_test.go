package e2e_test

import (
	"github.com/sparkmock/sparkmock"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestHarmlessVariantsPass is the other half of TestBrokenVariantsAreCaught: servers that
// differ from the mock where the contract allows it must pass, so the suite never cries
// wolf. In default mode [choice] differences are allowed too.
func TestHarmlessVariantsPass(t *testing.T) {
	tests := []struct {
		name   string
		strict bool
		wrap   func(http.Handler) http.Handler
	}{
		// Not strict: the zone ModificationTimestamp is written in is a [choice]
		// (incremental.modification-zone).
		{name: "timestamps at mixed offsets, ordered as instants", wrap: mixedOffsets},
		{name: "extra fields on every contact", strict: true, wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if !r.URL.Query().Has("_select") {
				c["Zz_Custom"] = "allowed by additionalProperties"
			}
		})},
		{name: "data changing during the run", strict: true, wrap: fastClock},
		{name: "an unconfirmed field in a form the docs never gave", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			c["Birthday"] = "08/17/1988"
		})},
		{name: "_limit past the maximum clamped", wrap: clampLimit},
		{name: "403 with another code, no Allow header", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			h.Del("Allow")
			return status, body
		})},
		{name: "bad _limit and unknown _select ignored", wrap: clampParam("_select", "DisplayName")},
		{name: "Pagination without CurrentPage for _skip", strict: true, wrap: mockedit.Pagination(func(r *http.Request, p map[string]any) {
			if r.URL.Query().Has("_skip") {
				delete(p, "CurrentPage")
			}
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := check(t, tc.wrap(newMock(t, mockserver.DefaultSeed, frozenClock(frozen))), contracttest.Target{Tokens: allTokens(privateToken)}, contracttest.Config{Strict: tc.strict})
			if f := rep.Failures(); f != "" {
				t.Errorf("a harmless difference was reported as a break:%s", f)
			}
			for _, r := range rep.Results {
				if r.Status == contracttest.StatusSkipped {
					t.Logf("skipped %s: %s", r.ID, r.Reason)
				}
			}
		})
	}
}

// TestMixedOffsetsNeedInstants makes sure the mixed-offset variant means something: in its
// listing some neighbours sort one way as text and the other as instants, so a suite that
// compared timestamps as strings would fail on it.
func TestMixedOffsetsNeedInstants(t *testing.T) {
	h := mixedOffsets(newMock(t, mockserver.DefaultSeed, frozenClock(frozen)))
	r, _ := http.NewRequest(http.MethodGet, sparkmock.PathExportAll+"?_orderby=ModificationTimestamp", nil)
	r.Header.Set("Authorization", "OAuth "+privateToken)
	r.Header.Set("X-SparkApi-User-Agent", "e2e-test")
	all := fetchAll(h, r)
	stamps := make([]string, 0, len(all))
	for _, c := range all {
		stamps = append(stamps, c.(map[string]any)["ModificationTimestamp"].(string))
	}
	if len(stamps) < 50 {
		t.Fatalf("got %d contacts, want a real listing", len(stamps))
	}
	inversions := 0
	for i := 1; i < len(stamps); i++ {
		if stamps[i] < stamps[i-1] {
			inversions++
		}
	}
	if inversions == 0 {
		t.Errorf("got no neighbours out of text order, want some: the variant proves nothing")
	}
	if !sort.SliceIsSorted(stamps, func(i, j int) bool {
		a, _ := time.Parse(time.RFC3339, stamps[i])
		b, _ := time.Parse(time.RFC3339, stamps[j])
		return a.Before(b)
	}) {
		t.Errorf("the listing is not in instant order: the variant is broken itself")
	}
	t.Logf("%d of %d neighbours out of text order", inversions, len(stamps)-1)
}

// fastClock moves the mock's clock an hour forward at every request (X-Mock-Now), so
// contacts are created and modified while the suite runs, as on a live service.
func fastClock(next http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := frozen.Add(time.Duration(n.Add(1)) * time.Hour)
		r.Header.Set(mockserver.MockNowHeader, at.Format(time.RFC3339))
		next.ServeHTTP(w, r)
	})
}

// clampLimit clamps _limit past the path's maximum instead of rejecting it.
func clampLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		maxLimit := 100
		if strings.HasSuffix(r.URL.Path, "/all") {
			maxLimit = 25
		}
		if n, err := strconv.Atoi(q.Get("_limit")); err == nil && n > maxLimit {
			q.Set("_limit", strconv.Itoa(maxLimit))
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}
