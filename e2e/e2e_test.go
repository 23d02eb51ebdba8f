// Package e2e_test runs the contract suite (contracttest) against the mock (mockserver), in
// process: the mock must pass every check, at several seeds, times and tokens, and every
// deliberately broken variant of the mock must be caught by the check named for it.
//
// It is the one place that imports both: contracttest must never import mockserver, and
// mockserver never imports contracttest.
package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/internal/mocktest"
)

// frozen is the mock clock of most runs (mocktest.Frozen).
var frozen = mocktest.Frozen

// allTokens are tokens of the default fixtures for every role; private is set per run.
func allTokens(private string) map[contracttest.Role]string {
	tokens := mocktest.Tokens(private)
	if private == privateToken {
		// Prairie Realty Group controls Prairie Realty Downtown, not Northstar Homes.
		tokens[contracttest.RoleControlled] = controlledToken
		tokens[contracttest.RoleOutsider] = outsiderToken
	}
	return tokens
}

// Tokens of accounts privateToken's does and does not control.
const (
	controlledToken = "private-office-downtown"
	outsiderToken   = "private-company-northstar"
)

// newMock returns the mock as an http.Handler; clock nil is the wall clock.
func newMock(t testing.TB, seed int64, clock func() time.Time) http.Handler {
	t.Helper()
	return mocktest.New(t, mocktest.Seed(seed), mocktest.Clock(clock))
}

var frozenClock = mocktest.FrozenAt

// check runs the suite against a handler served on 127.0.0.1.
func check(t testing.TB, h http.Handler, target contracttest.Target, cfg contracttest.Config) *contracttest.Report {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	target.BaseURL = srv.URL
	rep, err := contracttest.Check(context.Background(), target, cfg)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}
