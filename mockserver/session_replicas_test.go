package mockserver_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/mockserver"
)

const (
	privKey, privSecret = "demo-private-key", "demo-private-secret"
	sharedSecret        = "a-session-secret-shared-by-every-replica"
)

// replica is one mock of a fleet: its own process state, the fleet's secret and clock.
func replica(t *testing.T, secret string, clock func() time.Time) (*mock, *mockserver.Server) {
	t.Helper()
	cfg := mockserver.DefaultConfig()
	cfg.Clock = clock
	cfg.SessionSecret = []byte(secret)
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatalf("mockserver.New: %v", err)
	}
	return &mock{srv: srv}, srv
}

// fleet is replicas sharing the session secret and a clock the test moves.
type fleet struct {
	now   time.Time
	mocks []*mock
}

func newFleet(t *testing.T, n int) *fleet {
	t.Helper()
	f := &fleet{now: frozen}
	for range n {
		m, _ := replica(t, sharedSecret, func() time.Time { return f.now })
		f.mocks = append(f.mocks, m)
	}
	return f
}

// session opens a session of demo-private-key on the first replica.
func (f *fleet) session(t *testing.T) string {
	t.Helper()
	token, res := openSession(t, f.mocks[0], privKey, privSecret)
	if token == "" {
		t.Fatalf("open on the first replica: %d %s", res.status, res.body)
	}
	return token
}

func TestSessionOpenedOnOneReplicaWorksOnTheOthers(t *testing.T) {
	f := newFleet(t, 3)
	a, b, c := f.mocks[0], f.mocks[1], f.mocks[2]
	token := f.session(t)
	want := signedGet(t, a, token, privKey, privSecret, "/v1/contacts/export", url.Values{"_limit": {"5"}, "_pagination": {"1"}})
	if want.status != 200 {
		t.Fatalf("on a: %d %s", want.status, want.body)
	}
	for name, m := range map[string]*mock{"b": b, "c": c} {
		got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{"_limit": {"5"}, "_pagination": {"1"}})
		if got.status != 200 || !bytes.Equal(got.body, want.body) {
			t.Errorf("on %s: %d %s, want a's 200 answer", name, got.status, got.body)
		}
	}

	// A replica with another secret does not know the session: 401/1000.
	other, _ := replica(t, "another-secret-of-another-fleet", func() time.Time { return f.now })
	if got := signedGet(t, other, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Errorf("another secret: %d %s, want 401/1000", got.status, got.body)
	}
	// A token changed by one character (here in its expiry) is not a session anywhere.
	swap := map[byte]byte{'A': 'B'}
	forged := []byte(token)
	if b, ok := swap[forged[20]]; ok {
		forged[20] = b
	} else {
		forged[20] = 'A'
	}
	if got := signedGet(t, b, string(forged), privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Errorf("forged token: %d %s, want 401/1000", got.status, got.body)
	}

	// [choice] DELETE ends the session on the replica that answers it; the others keep it
	// until its idle hour or its 24 hours (docs/mockserver.md: sessions across replicas).
	del := "/v1/session/" + token
	if res := b.do(t, http.MethodDelete, del+"?ApiSig="+sign(privSecret, privKey, del, url.Values{}), ua); res.status != 200 {
		t.Fatalf("DELETE on b: %d %s", res.status, res.body)
	}
	if got := signedGet(t, b, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Errorf("on b after its DELETE: %d %s, want 401/1000", got.status, got.body)
	}
	if got := signedGet(t, c, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 200 {
		t.Errorf("on c after b's DELETE: %d %s, want 200 (the documented choice)", got.status, got.body)
	}

	// Every replica ends it 24 hours after it opened, whichever saw it last.
	f.now = f.now.Add(24 * time.Hour)
	for name, m := range map[string]*mock{"a": a, "c": c} {
		if got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
			t.Errorf("on %s 24 h later: %d %s, want 401/1020", name, got.status, got.body)
		}
	}
}

func TestSessionIdleHourIsCountedPerReplica(t *testing.T) {
	f := newFleet(t, 2)
	a, b := f.mocks[0], f.mocks[1]
	token := f.session(t)
	// b first sees the session 50 minutes after it opened: a first sight counts as a use.
	f.now = f.now.Add(50 * time.Minute)
	if got := signedGet(t, b, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 200 {
		t.Fatalf("b at +50m: %d %s", got.status, got.body)
	}
	f.now = f.now.Add(20 * time.Minute)
	if got := signedGet(t, b, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 200 {
		t.Errorf("b at +70m, 20 minutes after its last use there: %d %s", got.status, got.body)
	}
	// [choice] a saw no use for 70 minutes: for a the session is idle (an approximation
	// behind a load balancer, written in docs/mockserver.md).
	if got := signedGet(t, a, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
		t.Errorf("a at +70m: %d %s, want 401/1020", got.status, got.body)
	}
	// Once ended as idle, it stays ended there.
	if got := signedGet(t, a, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
		t.Errorf("a again: %d %s, want 401/1020", got.status, got.body)
	}
}

// Regression (issue 13): a failed request used to refresh the session's idle hour, so anyone
// holding a token, without the secret, could keep it alive.
func TestUnsignedRequestsDoNotKeepASessionAlive(t *testing.T) {
	now := frozen
	m, _ := replica(t, sharedSecret, func() time.Time { return now })
	token, res := openSession(t, m, privKey, privSecret)
	if token == "" {
		t.Fatalf("open: %d %s", res.status, res.body)
	}
	now = now.Add(50 * time.Minute)
	if got := signedGet(t, m, token, privKey, "wrong-secret", "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Fatalf("wrong signature: %d %s, want 401/1000", got.status, got.body)
	}
	if got := m.get(t, "/v1/contacts/export?AuthToken="+url.QueryEscape(token), ua); got.status != 401 || got.code() != 1000 {
		t.Fatalf("no signature: %d %s, want 401/1000", got.status, got.body)
	}
	now = now.Add(20 * time.Minute)
	if got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
		t.Errorf("70 minutes after the last signed request: %d %s, want 401/1020", got.status, got.body)
	}
}

// Regression (issue 13): a session kept the key it was opened with, so disabling the key in
// the fixtures (a -watch reload) did not end its sessions.
func TestSessionFollowsItsKeyAcrossReloads(t *testing.T) {
	m, srv := replica(t, sharedSecret, func() time.Time { return frozen })
	token, res := openSession(t, m, privKey, privSecret)
	if token == "" {
		t.Fatalf("open: %d %s", res.status, res.body)
	}
	reload := func(yaml string) {
		t.Helper()
		tree, err := fixtures.Parse("reloaded.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Reload(tree); err != nil {
			t.Fatal(err)
		}
	}
	def := string(fixtures.DefaultYAML())
	line := `{key: demo-private-key, secret: demo-private-secret, role: Private, account: "20101115092241660520000000"}`
	if !strings.Contains(def, line) {
		t.Fatalf("the default fixtures no longer hold %s", line)
	}
	reload(strings.Replace(def, line, strings.TrimSuffix(line, "}")+", status: disabled}", 1))
	if got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1010 {
		t.Errorf("key disabled by a reload: %d %s, want 401/1010", got.status, got.body)
	}
	reload(strings.Replace(def, "  - "+line+"\n", "", 1))
	if got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Errorf("key removed by a reload: %d %s, want 401/1000", got.status, got.body)
	}
	reload(def)
	if got := signedGet(t, m, token, privKey, privSecret, "/v1/contacts/export", url.Values{}); got.status != 200 {
		t.Errorf("key back: %d %s, want 200", got.status, got.body)
	}
}

func TestSessionSecret(t *testing.T) {
	var logs syncbuf.Buffer
	cfg := mockserver.DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := mockserver.New(cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "-session-secret") {
		t.Errorf("no warning without a session secret; log:\n%s", logs.String())
	}

	cfg.SessionSecret = []byte("too-short")
	if _, err := mockserver.New(cfg); err == nil || !strings.Contains(err.Error(), "at least 16 bytes") {
		t.Errorf("a 9-byte secret: %v, want an error", err)
	}
}
