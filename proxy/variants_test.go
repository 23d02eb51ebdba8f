package proxy_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestLegalVariantsThroughProxy: the judge, like the suite, finds nothing wrong with a legal
// variant of the mock (a _select without Id or OwnerId, 405 with another code, 401 before
// 405, ModificationTimestamp in UTC…) when not strict.
func TestLegalVariantsThroughProxy(t *testing.T) {
	for _, v := range mockserver.Variants() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			mock := serve(t, newMock(t))
			p, srv := newProxy(t, mock.URL, nil)
			hc := &headerCheck{}
			rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL, Tokens: allTokens("private-company-prairie"),
				Header: http.Header{mockserver.VariantHeader: {v.Name}}, Client: &http.Client{Transport: hc}}, contracttest.Config{})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if f := rep.Failures(); f != "" {
				t.Errorf("the suite through the proxy failed:%s", f)
			}
			if len(hc.nonzero) > 0 {
				t.Errorf("got %d answers with violations, want none:\n%s", len(hc.nonzero), strings.Join(hc.nonzero, "\n"))
			}
			if f := p.Report().Failures(); f != "" {
				t.Errorf("the proxy's report holds violations:%s", f)
			}
		})
	}
}
