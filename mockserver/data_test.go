package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/mockserver"
)

func TestAllContainsOwnAndOwnersAreControlled(t *testing.T) {
	m := newMock(t)
	tree, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tree.Tokens {
		if tok.Role != fixtures.Private || tok.Status != fixtures.Active {
			continue
		}
		t.Run(tok.Token, func(t *testing.T) {
			auth := "Authorization: OAuth " + tok.Token
			own := walk(t, m, "/v1/contacts/export", 100, ua, auth)
			all := walk(t, m, "/v1/contacts/export/all", 25, ua, auth)
			inAll := map[string]bool{}
			for _, id := range all {
				inAll[id] = true
			}
			for _, id := range own {
				if !inAll[id] {
					t.Fatalf("contact %s of /export is missing from /export/all", id)
				}
			}
			controlled := map[string]bool{}
			for _, id := range tree.Controlled(tok.AccountID) {
				controlled[id] = true
			}
			owners := map[string]int{}
			for page := 1; ; page++ {
				res := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d", page), ua, auth)
				if len(res.results()) == 0 {
					break
				}
				for _, c := range res.results() {
					owner, _ := c["OwnerId"].(string)
					if !controlled[owner] {
						t.Fatalf("contact %s: OwnerId %q is neither the user nor under its control", c["Id"], owner)
					}
					owners[owner]++
				}
			}
			if owners[tok.AccountID] != len(own) {
				t.Errorf("/export/all has %d contacts owned by the user, /export has %d", owners[tok.AccountID], len(own))
			}
			a, _ := tree.Account(tok.AccountID)
			if a.Type == fixtures.Member && len(all) != len(own) {
				t.Errorf("a Member's /export/all has %d contacts, /export %d: a Member controls nobody", len(all), len(own))
			}
			for _, c := range m.get(t, "/v1/contacts/export?_limit=100", ua, auth).results() {
				if _, ok := c["OwnerId"]; ok {
					t.Fatalf("/export result carries OwnerId: %v", c)
				}
			}
		})
	}
}

// requests is a set of requests determinism is checked on.
var requests = []struct{ target, auth string }{
	{"/v1/contacts/export?_limit=100&_pagination=1", avery},
	{"/v1/contacts/export/all?_limit=25&_page=3&_pagination=1", mls},
	{"/v1/contacts/export/all?_limit=25&_orderby=-DisplayName&_select=DisplayName,Tags", mls},
	{"/v1/contacts/export?_skip=40&_limit=60", "Authorization: OAuth private-member-dana"},
	{"/v1/contacts/export?_limit=500", avery},
	{"/_mock/accounts", ""},
}

func bodies(t *testing.T, srv http.Handler, now string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, r := range requests {
		req := httptest.NewRequest(http.MethodGet, r.target, nil)
		req.Header.Set("X-SparkApi-User-Agent", "determinism")
		if r.auth != "" {
			req.Header.Set("Authorization", r.auth[len("Authorization: "):])
		}
		if now != "" {
			req.Header.Set("X-Mock-Now", now)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		out = append(out, rec.Body.Bytes())
	}
	return out
}

func newServer(t *testing.T, seed int64, validate bool) http.Handler {
	t.Helper()
	return mocktest.New(t, mocktest.Seed(seed), mocktest.Clock(mocktest.FrozenAt(frozen)),
		func(c *mockserver.Config) { c.ValidateResponses = validate })
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b := newServer(t, 42, true), newServer(t, 42, true)
	// b warms up on other requests first: caches must not change a byte.
	_ = bodies(t, b, "2019-05-01T00:00:00Z")
	ba, bb := bodies(t, a, ""), bodies(t, b, "")
	for i := range ba {
		if !bytes.Equal(ba[i], bb[i]) {
			t.Errorf("%s: two servers with seed 42 differ:\n%s\n%s", requests[i].target, ba[i], bb[i])
		}
	}
	// A second pass over the same server, now served from caches.
	again := bodies(t, a, "")
	for i := range ba {
		if !bytes.Equal(ba[i], again[i]) {
			t.Errorf("%s: the cached answer differs from the first", requests[i].target)
		}
	}
	other := bodies(t, newServer(t, 43, true), "")
	if bytes.Equal(ba[0], other[0]) {
		t.Errorf("seeds 42 and 43 gave the same contacts")
	}
}

func TestValidationDoesNotChangeBytes(t *testing.T) {
	on, off := bodies(t, newServer(t, 1, true), ""), bodies(t, newServer(t, 1, false), "")
	for i := range on {
		if !bytes.Equal(on[i], off[i]) {
			t.Errorf("%s: answers with and without response validation differ", requests[i].target)
		}
	}
}

func TestLaterClockNeverShowsFewerContacts(t *testing.T) {
	m := newMock(t)
	prev := -1
	for year := 2009; year <= 2030; year++ {
		now := fmt.Sprintf("%d-06-01T00:00:00Z", year)
		res := m.get(t, "/v1/contacts/export/all?_pagination=count", ua, mls, "X-Mock-Now: "+now)
		n := int(res.pagination()["TotalRows"])
		if n < prev {
			t.Fatalf("%s: %d contacts, fewer than %d a year before", now, n, prev)
		}
		prev = n
	}
	if prev == 0 {
		t.Fatal("no contacts at all by 2030")
	}
}

// TestValuesOnlyChangeWithModificationTimestamp compares every contact at two times: where the
// ModificationTimestamp is the same, so is every byte.
func TestValuesOnlyChangeWithModificationTimestamp(t *testing.T) {
	m := newMock(t)
	at := func(now string) map[string]string {
		out := map[string]string{}
		for page := 1; ; page++ {
			res := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d", page), ua, mls, "X-Mock-Now: "+now)
			raw, _ := res.d["Results"].([]any)
			if len(raw) == 0 {
				return out
			}
			for _, c := range raw {
				b, _ := json.Marshal(c)
				out[c.(map[string]any)["Id"].(string)] = string(b)
			}
		}
	}
	t1, t2 := at("2026-03-01T00:00:00Z"), at("2026-09-01T00:00:00Z")
	same, changed := 0, 0
	for id, before := range t1 {
		after, ok := t2[id]
		if !ok {
			t.Fatalf("contact %s disappeared", id)
		}
		var b, a map[string]any
		_ = json.Unmarshal([]byte(before), &b)
		_ = json.Unmarshal([]byte(after), &a)
		if b["ModificationTimestamp"] == a["ModificationTimestamp"] {
			same++
			if before != after {
				t.Errorf("contact %s: same ModificationTimestamp, different values:\n%s\n%s", id, before, after)
			}
		} else {
			changed++
		}
	}
	if same == 0 || changed == 0 {
		t.Errorf("want both unchanged and changed contacts over six months, got %d and %d", same, changed)
	}
}

func TestExportTimestampIsTheRequestClockInTheServiceZone(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "/v1/contacts/export", ua, avery)
	if got := res.d["ExportTimestamp"]; got != "2026-11-28T06:00:00" {
		t.Errorf("ExportTimestamp at 12:00Z: got %v, want 2026-11-28T06:00:00 (Chicago, CST)", got)
	}
	res = m.get(t, "/v1/contacts/export", ua, avery, "X-Mock-Now: 2026-07-04T17:30:15.9-05:00")
	if got := res.d["ExportTimestamp"]; got != "2026-07-04T17:30:15" {
		t.Errorf("ExportTimestamp with X-Mock-Now: got %v, want 2026-07-04T17:30:15", got)
	}
	if got := res.header.Get("Date"); got != "Sat, 04 Jul 2026 22:30:15 GMT" {
		t.Errorf("Date with X-Mock-Now: got %q, want the mock's time", got)
	}
	utc := newMock(t, func(c *mockserver.Config) { c.Location = time.UTC })
	if got := utc.get(t, "/v1/contacts/export", ua, avery).d["ExportTimestamp"]; got != "2026-11-28T12:00:00" {
		t.Errorf("ExportTimestamp in UTC: got %v", got)
	}
	for _, bad := range []string{"tomorrow", "2026-13-01T00:00:00Z", "2150-01-01T00:00:00Z", "1969-12-31T23:59:59Z"} {
		res := m.get(t, "/v1/contacts/export", ua, avery, "X-Mock-Now: "+bad)
		if res.status != 400 || res.code() != 1053 {
			t.Errorf("X-Mock-Now %s: got %d %s, want 400/1053", bad, res.status, res.body)
		}
	}
}

func TestMockAccounts(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "/_mock/accounts")
	var v struct {
		Accounts []struct {
			ID           string  `json:"Id"`
			Name         string  `json:"Name"`
			UserType     string  `json:"UserType"`
			ParentID     *string `json:"ParentId"`
			ContactCount int     `json:"ContactCount"`
		}
		Tokens []struct{ Token, Role, AccountId, Status string }
	}
	if err := json.Unmarshal(res.body, &v); err != nil {
		t.Fatal(err)
	}
	tree, _ := fixtures.Default()
	if len(v.Accounts) != len(tree.Accounts) || len(v.Tokens) != len(tree.Tokens) {
		t.Fatalf("got %d accounts and %d tokens, want %d and %d", len(v.Accounts), len(v.Tokens), len(tree.Accounts), len(tree.Tokens))
	}
	tops := 0
	for _, a := range v.Accounts {
		if a.ParentID == nil {
			tops++
		}
	}
	if tops != 1 {
		t.Errorf("%d accounts with a null ParentId, want 1", tops)
	}
	avery := m.get(t, "/v1/contacts/export?_pagination=count", ua, "Authorization: OAuth private-member-avery")
	for _, a := range v.Accounts {
		if a.Name == "Avery Johnson" && a.ContactCount != int(avery.pagination()["TotalRows"]) {
			t.Errorf("ContactCount %d, export says %v", a.ContactCount, avery.pagination()["TotalRows"])
		}
	}
	early := m.get(t, "/_mock/accounts", "X-Mock-Now: 2012-01-01T00:00:00Z")
	if bytes.Equal(early.body, res.body) {
		t.Errorf("ContactCount does not follow X-Mock-Now")
	}
}
