package e2e_test

import (
	"sort"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestLegalVariants proves the suite's tags with every variant of the mock (another legal
// behaviour where the documentation is silent): the default suite passes it, and -strict
// fails the [choice] check the variant names, and no [doc] or [client] check.
func TestLegalVariants(t *testing.T) {
	variants := mockserver.Variants()
	if len(variants) < 8 {
		t.Fatalf("got %d variants, want at least 8", len(variants))
	}
	sources := map[string]contracttest.Source{}
	for _, c := range contracttest.Checks() {
		sources[c.ID] = c.Source
	}
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			if src, ok := sources[v.Check]; !ok || src != contracttest.SourceChoice {
				t.Fatalf("variant %s names check %q: in the catalog %v, source %q; want a [choice] check", v.Name, v.Check, ok, src)
			}
			m := mocktest.New(t, func(c *mockserver.Config) { c.Variants = []string{v.Name} })
			target := contracttest.Target{Tokens: allTokens(privateToken)}
			if f := check(t, m, target, contracttest.Config{}).Failures(); f != "" {
				t.Errorf("the default suite fails a legal variant:%s", f)
			}
			rep := check(t, m, target, contracttest.Config{Strict: true})
			var docFailed []string
			for _, r := range rep.Results {
				if (r.Status == contracttest.StatusFailed || r.Status == contracttest.StatusErrored) && sources[r.ID] != contracttest.SourceChoice {
					docFailed = append(docFailed, r.ID)
				}
			}
			sort.Strings(docFailed)
			if len(docFailed) > 0 {
				t.Errorf("-strict fails [doc]/[client] checks %v on a legal variant:%s", docFailed, rep.Failures())
			}
			if r, ok := rep.Result(v.Check); !ok || r.Status != contracttest.StatusFailed {
				t.Errorf("-strict: %s is %v (%s), want failed", v.Check, r.Status, r.Reason)
			}
		})
	}
}
