package mockserver_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sparkmock/sparkmock/fixtures"
)

// TestRoleMatrix covers every token of the default tree × both paths × GET, POST, PUT,
// DELETE (and PATCH), plus no credentials, an unknown token and a missing user agent.
func TestRoleMatrix(t *testing.T) {
	m := newMock(t)
	tree, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	type cell struct {
		name    string
		headers []string
		status  int
		code    int // 0 for a success
	}
	var rows []cell
	for _, tok := range tree.Tokens {
		c := cell{name: fmt.Sprintf("%s %s %s", tok.Role, tok.Status, tok.Token), headers: []string{ua, "Authorization: OAuth " + tok.Token}}
		switch {
		case tok.Status == fixtures.Expired:
			c.status, c.code = http.StatusUnauthorized, 1020
		case tok.Status == fixtures.Disabled:
			c.status, c.code = http.StatusUnauthorized, 1010
		case tok.Role == fixtures.Private:
			c.status = http.StatusOK
		default:
			c.status, c.code = http.StatusForbidden, 1500
		}
		rows = append(rows, c)
	}
	rows = append(rows,
		cell{name: "bearer scheme", headers: []string{ua, "Authorization: Bearer private-member-avery"}, status: http.StatusOK},
		cell{name: "lower-case oauth scheme", headers: []string{ua, "Authorization: oauth private-member-avery"}, status: http.StatusOK},
		cell{name: "no credentials", headers: []string{ua}, status: http.StatusUnauthorized, code: 1000},
		cell{name: "unknown token", headers: []string{ua, "Authorization: OAuth no-such-token"}, status: http.StatusUnauthorized, code: 1000},
		cell{name: "basic scheme", headers: []string{ua, "Authorization: Basic dXNlcjpwYXNz"}, status: http.StatusUnauthorized, code: 1000},
		cell{name: "scheme without token", headers: []string{ua, "Authorization: OAuth"}, status: http.StatusUnauthorized, code: 1000},
		cell{name: "missing user agent, good token", headers: []string{avery}, status: http.StatusBadRequest, code: 1016},
		cell{name: "missing user agent, no token", headers: nil, status: http.StatusBadRequest, code: 1016},
		cell{name: "missing user agent, IDX token", headers: []string{"Authorization: OAuth idx-member-avery"}, status: http.StatusBadRequest, code: 1016},
	)
	for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
		for _, row := range rows {
			for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
				t.Run(fmt.Sprintf("%s %s %s", method, path, row.name), func(t *testing.T) {
					res := m.do(t, method, path, row.headers...)
					wantStatus, wantCode := row.status, row.code
					if method != http.MethodGet {
						wantStatus, wantCode = http.StatusMethodNotAllowed, 405
						if got := res.header.Get("Allow"); got != http.MethodGet {
							t.Errorf("Allow: got %q, want GET", got)
						}
					}
					if res.status != wantStatus {
						t.Fatalf("status: got %d, want %d; body %s", res.status, wantStatus, res.body)
					}
					if wantCode == 0 {
						if res.d["Success"] != true {
							t.Errorf("Success: got %v, want true", res.d["Success"])
						}
						return
					}
					if res.d["Success"] != false || res.code() != wantCode {
						t.Errorf("Success, Code: got %v, %d, want false, %d; body %s", res.d["Success"], res.code(), wantCode, res.body)
					}
					if msg, _ := res.d["Message"].(string); msg == "" {
						t.Errorf("empty Message")
					}
				})
			}
		}
	}
}

func TestUnknownPathsAre404Envelopes(t *testing.T) {
	m := newMock(t)
	for _, path := range []string{"/v1/contacts", "/v1/contacts/export/", "/v1/contacts/exports", "/v1/listings", "/v2/contacts/export", "/v1/contacts/export/all/more"} {
		t.Run(path, func(t *testing.T) {
			res := m.get(t, path, ua, avery)
			if path == "/v2/contacts/export" {
				if res.status != http.StatusNotFound {
					t.Fatalf("status: got %d, want 404", res.status)
				}
				return
			}
			if res.status != http.StatusNotFound || res.code() != 404 || res.d["Success"] != false {
				t.Fatalf("got %d %s, want a 404 envelope with Code 404", res.status, res.body)
			}
		})
	}
}

func TestContentTypeIsJSON(t *testing.T) {
	m := newMock(t)
	for _, res := range []*response{
		m.get(t, "/v1/contacts/export", ua, avery),
		m.get(t, "/v1/contacts/export", ua),
		m.do(t, http.MethodPost, "/v1/contacts/export"),
		m.get(t, "/v1/nothing", ua, avery),
	} {
		if got := res.header.Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("%d: Content-Type %q, want application/json; charset=utf-8", res.status, got)
		}
		if res.header.Get("X-Request-Id") == "" {
			t.Errorf("%d: no X-Request-Id", res.status)
		}
	}
}
