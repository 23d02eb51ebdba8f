package proxy_test

import (
	"net/http"
	"testing"

	"github.com/sparkmock/sparkmock/mockserver"
)

// TestLegalVariantsThroughProxy: the judge, like the suite, finds nothing wrong with a legal
// variant of the mock (a _select without Id or OwnerId, 405 with another code, 401 before
// 405, ModificationTimestamp in UTC…) when not strict.
func TestLegalVariantsThroughProxy(t *testing.T) {
	for _, v := range mockserver.Variants() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			suiteThroughProxy(t, false, allTokens("private-company-prairie"), http.Header{mockserver.VariantHeader: {v.Name}})
		})
	}
}
