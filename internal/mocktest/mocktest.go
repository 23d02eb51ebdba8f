// Package mocktest is test support: the mock server as the tests of several packages start
// it (mockserver, proxy, e2e), and the tokens of the default fixtures for every role of the
// contract suite. Only tests import it.
package mocktest

import (
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/mockserver"
)

// Frozen is the clock of most tests that run the suite against the mock: a time in the past
// of any real Date header, with plenty of data.
var Frozen = time.Date(2026, 6, 1, 17, 30, 0, 0, time.UTC)

// FrozenAt returns a clock stopped at t.
func FrozenAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// Option changes the mock's configuration before it is built.
type Option func(*mockserver.Config)

// Seed sets the seed of the generated contacts.
func Seed(seed int64) Option { return func(c *mockserver.Config) { c.Seed = seed } }

// Clock sets the mock's clock; nil is the wall clock.
func Clock(clock func() time.Time) Option { return func(c *mockserver.Config) { c.Clock = clock } }

// New builds the mock from mockserver.DefaultConfig with its clock at Frozen, then opts in
// order; a configuration New refuses fails the test.
func New(t testing.TB, opts ...Option) *mockserver.Server {
	t.Helper()
	cfg := mockserver.DefaultConfig()
	cfg.Clock = FrozenAt(Frozen)
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatalf("mockserver.New: %v", err)
	}
	return srv
}

// Tokens are tokens of the default fixtures for every role of the suite; private is the
// Private role's, chosen per run.
func Tokens(private string) map[contracttest.Role]string {
	return map[contracttest.Role]string{
		contracttest.RolePrivate:  private,
		contracttest.RoleIDX:      "idx-member-avery",
		contracttest.RolePublic:   "public-member-avery",
		contracttest.RoleVOW:      "vow-member-avery",
		contracttest.RolePortal:   "portal-member-avery",
		contracttest.RoleExpired:  "expired-member-brooke",
		contracttest.RoleDisabled: "disabled-office-lakeshore",
	}
}
