package mockserver_test

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/mockserver"
)

// md5hex and sign compute the legacy signature here, independently of the server's code.
func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func sign(secret, key, path string, params url.Values) string {
	var pairs []string
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, k+v)
		}
	}
	sort.Strings(pairs)
	rest := ""
	for _, p := range pairs {
		rest += p
	}
	return md5hex(secret + "ApiKey" + key + "ServicePath" + path + rest)
}

func openSession(t *testing.T, m *mock, key, secret string) (string, *response) {
	t.Helper()
	res := m.do(t, http.MethodPost, "/v1/session?ApiKey="+key+"&ApiSig="+md5hex(secret+"ApiKey"+key), ua)
	if res.status != 200 {
		return "", res
	}
	results := res.results()
	return results[0]["AuthToken"].(string), res
}

func signedGet(t *testing.T, m *mock, token, key, secret, path string, params url.Values) *response {
	t.Helper()
	params.Set("AuthToken", token)
	params.Set("ApiSig", sign(secret, key, path, params))
	return m.get(t, path+"?"+params.Encode(), ua)
}

func TestSessionFlow(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	m := newMock(t, func(c *mockserver.Config) { c.Clock = func() time.Time { return now } })
	const key, secret = "demo-private-key", "demo-private-secret"

	token, res := openSession(t, m, key, secret)
	if token == "" {
		t.Fatalf("open: %d %s", res.status, res.body)
	}
	r := res.results()[0]
	if r["Expires"] != "2026-11-29T06:00:00-06:00" || len(r["Roles"].([]any)) != 1 || r["Roles"].([]any)[0] != "Private" {
		t.Errorf("session: %v, want Expires 24 h later in the service zone and Roles [Private]", r)
	}

	for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
		got := signedGet(t, m, token, key, secret, path, url.Values{"_limit": {"5"}, "_pagination": {"1"}})
		if got.status != 200 || len(got.results()) != 5 {
			t.Fatalf("signed %s: %d %s", path, got.status, got.body)
		}
	}
	same := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{"_limit": {"5"}})
	oauth := m.get(t, "/v1/contacts/export?_limit=5", ua, avery)
	if string(same.body) != string(oauth.body) {
		t.Errorf("a session of Avery's key sees other data than Avery's token")
	}

	// A signature over other parameters, or with another secret, is refused with 1000.
	params := url.Values{"_limit": {"5"}, "AuthToken": {token}}
	params.Set("ApiSig", sign(secret, key, "/v1/contacts/export", url.Values{"_limit": {"6"}, "AuthToken": {token}}))
	if bad := m.get(t, "/v1/contacts/export?"+params.Encode(), ua); bad.status != 401 || bad.code() != 1000 {
		t.Errorf("signature over other parameters: %d %s", bad.status, bad.body)
	}
	if bad := signedGet(t, m, token, key, "wrong-secret", "/v1/contacts/export", url.Values{}); bad.status != 401 || bad.code() != 1000 {
		t.Errorf("wrong secret: %d %s", bad.status, bad.body)
	}
	unsigned := m.get(t, "/v1/contacts/export?AuthToken="+token, ua)
	if unsigned.status != 401 || unsigned.code() != 1000 {
		t.Errorf("no ApiSig: %d %s", unsigned.status, unsigned.body)
	}

	// Idle for 59 minutes: still open. Then an hour unused: expired, 1020.
	now = now.Add(59 * time.Minute)
	if got := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{}); got.status != 200 {
		t.Fatalf("after 59 idle minutes: %d %s", got.status, got.body)
	}
	now = now.Add(time.Hour)
	if got := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
		t.Fatalf("after an idle hour: %d %s, want 401/1020", got.status, got.body)
	}

	// Used every 50 minutes, a session still ends 24 hours after it opened.
	token, _ = openSession(t, m, key, secret)
	opened := now
	for now.Sub(opened) < 24*time.Hour-50*time.Minute {
		now = now.Add(50 * time.Minute)
		if got := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{}); got.status != 200 {
			t.Fatalf("%s after opening: %d %s", now.Sub(opened), got.status, got.body)
		}
	}
	now = opened.Add(24 * time.Hour)
	if got := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1020 {
		t.Fatalf("24 h after opening: %d %s, want 401/1020", got.status, got.body)
	}

	// DELETE /v1/session/<token> ends it.
	token, _ = openSession(t, m, key, secret)
	del := "/v1/session/" + token
	res = m.do(t, http.MethodDelete, del+"?ApiSig="+sign(secret, key, del, url.Values{}), ua)
	if res.status != 200 || res.d["Success"] != true {
		t.Fatalf("DELETE: %d %s", res.status, res.body)
	}
	if got := signedGet(t, m, token, key, secret, "/v1/contacts/export", url.Values{}); got.status != 401 || got.code() != 1000 {
		t.Fatalf("after DELETE: %d %s, want 401/1000", got.status, got.body)
	}
}

func TestSessionRefusals(t *testing.T) {
	m := newMock(t)
	tests := []struct {
		name   string
		query  string
		status int
		code   int
	}{
		{name: "unknown key", query: "ApiKey=nope&ApiSig=" + md5hex("xApiKeynope"), status: 401, code: 1000},
		{name: "bad signature", query: "ApiKey=demo-private-key&ApiSig=" + md5hex("wrongApiKeydemo-private-key"), status: 401, code: 1000},
		{name: "no signature", query: "ApiKey=demo-private-key", status: 400, code: 1053},
		{name: "disabled key", query: "ApiKey=demo-disabled-key&ApiSig=" + md5hex("demo-disabled-secretApiKeydemo-disabled-key"), status: 401, code: 1010},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.do(t, http.MethodPost, "/v1/session?"+tt.query, ua)
			if res.status != tt.status || res.code() != tt.code {
				t.Fatalf("got %d %s, want %d/%d", res.status, res.body, tt.status, tt.code)
			}
		})
	}
	if res := m.do(t, http.MethodGet, "/v1/session", ua); res.status != 405 || res.header.Get("Allow") != "POST" {
		t.Errorf("GET /v1/session: %d Allow %q", res.status, res.header.Get("Allow"))
	}
	// An IDX key opens a session, which the export then refuses with 1500.
	token, res := openSession(t, m, "demo-idx-key", "demo-idx-secret")
	if token == "" {
		t.Fatalf("IDX session: %d %s", res.status, res.body)
	}
	if got := signedGet(t, m, token, "demo-idx-key", "demo-idx-secret", "/v1/contacts/export", url.Values{}); got.status != 403 || got.code() != 1500 {
		t.Errorf("IDX session on the export: %d %s", got.status, got.body)
	}
}
