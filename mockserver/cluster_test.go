package mockserver_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/mockserver"
)

func TestHealthReadyAndMetrics(t *testing.T) {
	cfg := mockserver.DefaultConfig()
	cfg.Clock = func() time.Time { return frozen }
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := &mock{srv: srv}
	for _, path := range []string{"/healthz", "/readyz"} {
		if res := m.get(t, path); res.status != 200 {
			t.Errorf("%s: %d", path, res.status)
		}
	}
	m.get(t, "/v1/contacts/export", ua, avery)
	m.get(t, "/v1/contacts/export", ua, avery)
	m.get(t, "/v1/contacts/export/all", ua, "Authorization: OAuth idx-member-avery")
	m.get(t, "/v1/nothing/here", ua)
	res := m.get(t, "/metrics")
	text := string(res.body)
	for _, want := range []string{
		`sparkmock_http_requests_total{path="/v1/contacts/export",role="Private",status="200"} 2`,
		`sparkmock_http_requests_total{path="/v1/contacts/export/all",role="IDX",status="403"} 1`,
		`sparkmock_http_requests_total{path="unmatched",role="none",status="404"} 1`,
		`sparkmock_http_request_duration_seconds_count{path="/v1/contacts/export"} 2`,
		`sparkmock_response_validation_failures_total`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	srv.SetReady(false)
	if res := m.get(t, "/readyz"); res.status != 503 {
		t.Errorf("/readyz going down: %d, want 503", res.status)
	}
}

func TestValidationFailuresAreCounted(t *testing.T) {
	m := newMock(t, stricter(t, "        DisplayName:\n          type: string\n", "        DisplayName:\n          type: string\n          maxLength: 3\n"))
	m.get(t, "/v1/contacts/export?_limit=3", ua, avery)
	res := m.get(t, "/metrics")
	if !strings.Contains(string(res.body), `sparkmock_response_validation_failures_total{path="/v1/contacts/export"} 1`) {
		t.Errorf("validation failure not counted:\n%s", grep(string(res.body), "validation"))
	}
}

func grep(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

const pinnedTree = `epoch: 2010-01-01T00:00:00Z
asOf: 2026-01-01T00:00:00Z
accounts:
  - {id: "10000000000000000000000001", name: Office, type: Office, contacts: 20}
  - {id: "10000000000000000000000002", name: Agent, type: Member, parent: "10000000000000000000000001", contacts: 5}
tokens:
  - {token: office, role: Private, account: "10000000000000000000000001"}
  - {token: agent, role: Private, account: "10000000000000000000000002"}
contacts:
  - account: "10000000000000000000000002"
    Id: "20240131194500123456000001"
    DisplayName: "Renée O'Hara-Łukasiewicz"
    PrimaryEmail: "renee+bug4211@example.com"
    Tags: [Bug 4211, "Hot Prospect"]
    VowEnabled: true
    Birthday: 1980-05-04
    ModificationTimestamp: 2024-01-31T13:45:00-06:00
    FavoriteColor: teal
`

func TestPinnedContactsAreServedBesideGeneratedOnes(t *testing.T) {
	tree, err := fixtures.Parse("pinned.yaml", []byte(pinnedTree))
	if err != nil {
		t.Fatal(err)
	}
	m := newMock(t, func(c *mockserver.Config) { c.Tree = tree })
	filter := "_filter=Id%20Eq%20'20240131194500123456000001'"
	for _, tc := range []struct{ path, auth string }{
		{"/v1/contacts/export", "Authorization: OAuth agent"},
		{"/v1/contacts/export/all", "Authorization: OAuth office"},
	} {
		res := m.get(t, tc.path+"?"+filter, ua, tc.auth)
		if len(res.results()) != 1 {
			t.Fatalf("%s: the pinned contact by Id: %s", tc.path, res.body)
		}
		c := res.results()[0]
		if c["DisplayName"] != "Renée O'Hara-Łukasiewicz" || c["FavoriteColor"] != "teal" || c["Birthday"] != "1980-05-04" ||
			c["ModificationTimestamp"] != "2024-01-31T13:45:00-06:00" || c["VowEnabled"] != true {
			t.Errorf("%s: pinned contact served as %v", tc.path, c)
		}
		if (c["OwnerId"] != nil) != (tc.path == "/v1/contacts/export/all") {
			t.Errorf("%s: OwnerId %v", tc.path, c["OwnerId"])
		}
	}
	// It shows from its ModificationTimestamp on, in filters on any field and in counts.
	before := m.get(t, "/v1/contacts/export?_pagination=count", ua, "Authorization: OAuth agent", "X-Mock-Now: 2024-01-31T19:44:59Z")
	after := m.get(t, "/v1/contacts/export?_pagination=count", ua, "Authorization: OAuth agent", "X-Mock-Now: 2024-01-31T19:45:00Z")
	if after.pagination()["TotalRows"] != before.pagination()["TotalRows"]+1 {
		t.Errorf("pinned contact did not appear at its ModificationTimestamp: %v then %v", before.pagination(), after.pagination())
	}
	tagged := m.get(t, "/v1/contacts/export/all?_filter=Tags%20Eq%20'Bug%204211'", ua, "Authorization: OAuth office")
	if len(tagged.results()) != 1 {
		t.Errorf("filter on the pinned contact's tag: %s", tagged.body)
	}
}

func TestBadPinnedContactsAreRefusedWithTheirLine(t *testing.T) {
	tests := []struct {
		name, contact, want string
	}{
		{name: "id not a string", contact: "    Id: 20240131194500123456000001\n", want: "pinned.yaml:10"},
		{name: "null", contact: "    Id: \"20240131194500123456000001\"\n    DisplayName: null\n", want: "null"},
		{name: "wrong type", contact: "    Id: \"20240131194500123456000001\"\n    Tags: urgent\n", want: "Contact schema"},
		{name: "owner given", contact: "    Id: \"20240131194500123456000001\"\n    OwnerId: \"10000000000000000000000001\"\n", want: "OwnerId comes from account"},
		{name: "bad timestamp", contact: "    Id: \"20240131194500123456000001\"\n    ModificationTimestamp: yesterday\n", want: "pinned.yaml:10"},
	}
	head := pinnedTree[:strings.Index(pinnedTree, "contacts:\n")] + "contacts:\n  - account: \"10000000000000000000000002\"\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := fixtures.Parse("pinned.yaml", []byte(head+tt.contact))
			if err == nil {
				cfg := mockserver.DefaultConfig()
				cfg.Tree = tree
				_, err = mockserver.New(cfg)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func writeAtomically(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestHotReloadKeepsOldDataOnABadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tree.yaml")
	if err := os.WriteFile(path, []byte(pinnedTree), 0o600); err != nil {
		t.Fatal(err)
	}
	tree, err := fixtures.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncbuf.Buffer
	cfg := mockserver.DefaultConfig()
	cfg.Tree = tree
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.WatchFixtures(ctx, path, 10*time.Millisecond)
	status := func(token string) int {
		req := httptest.NewRequest(http.MethodGet, "/v1/contacts/export", nil)
		req.Header.Set("X-SparkApi-User-Agent", "reload")
		req.Header.Set("Authorization", "OAuth "+token)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("waited 10 s for %s; log:\n%s", what, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if status("newcomer") != 401 {
		t.Fatal("token known before the reload")
	}
	good := strings.Replace(pinnedTree, "tokens:\n", "tokens:\n  - {token: newcomer, role: Private, account: \"10000000000000000000000001\"}\n", 1)
	// Written as editors and config tools do: a new file renamed over the old, so the watcher
	// never reads half a file.
	writeAtomically(t, path, good)
	waitFor("the new token", func() bool { return status("newcomer") == 200 })

	// A broken file: logged, and the data of the last good file stays.
	writeAtomically(t, path, strings.Replace(good, "role: Private", "role: Root", 1))
	waitFor("the refusal in the log, with its reason", func() bool {
		return strings.Contains(logs.String(), "keeping the previous data") && strings.Contains(logs.String(), `unknown role \"Root\"`)
	})
	if status("newcomer") != 200 || status("office") != 200 {
		t.Errorf("after a bad file the previous data is gone")
	}
	res := httptest.NewRecorder()
	srv.ServeHTTP(res, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "sparkmock_fixtures_reloads_total 1") || !strings.Contains(string(body), "sparkmock_fixtures_reload_errors_total 1") {
		t.Errorf("reload metrics:\n%s", grep(string(body), "reload"))
	}
}
