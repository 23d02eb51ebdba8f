package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/mockserver"
)

// preflight sends what a browser sends before a cross-origin GET with Spark's headers.
func preflight(t *testing.T, srv http.Handler, path, origin string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodOptions, path, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodGet)
	req.Header.Set("Access-Control-Request-Headers", "authorization,x-sparkapi-user-agent,x-mock-now,x-mock-scenario")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// headerList splits a comma-separated header into lower-case items.
func headerList(h string) []string {
	var out []string
	for _, item := range strings.Split(h, ",") {
		if item = strings.ToLower(strings.TrimSpace(item)); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func TestCORSPreflight(t *testing.T) {
	tests := []struct {
		name            string
		origins         []string
		path            string
		origin          string
		wantAllowOrigin string // "" when the origin must get no Access-Control-Allow-Origin
	}{
		{name: "export, any origin", origins: []string{"*"}, path: "/v1/contacts/export", origin: "http://localhost:5173", wantAllowOrigin: "*"},
		{name: "export/all, any origin", origins: []string{"*"}, path: "/v1/contacts/export/all", origin: "http://localhost:5173", wantAllowOrigin: "*"},
		{name: "listed origin", origins: []string{"http://app.example:3000", "https://qa.example"}, path: "/v1/contacts/export", origin: "https://qa.example", wantAllowOrigin: "https://qa.example"},
		{name: "listed origin, export/all", origins: []string{"http://app.example:3000"}, path: "/v1/contacts/export/all", origin: "http://app.example:3000", wantAllowOrigin: "http://app.example:3000"},
		{name: "pattern with any port", origins: []string{"http://localhost:*"}, path: "/v1/contacts/export", origin: "http://localhost:8081", wantAllowOrigin: "http://localhost:8081"},
		{name: "foreign origin", origins: []string{"http://app.example:3000"}, path: "/v1/contacts/export", origin: "http://evil.example"},
		{name: "foreign port", origins: []string{"http://app.example:3000"}, path: "/v1/contacts/export/all", origin: "http://app.example:3001"},
		{name: "pattern does not match another host", origins: []string{"http://localhost:*"}, path: "/v1/contacts/export", origin: "http://localhost.evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t, func(c *mockserver.Config) { c.CORSOrigins = tt.origins })
			rec := preflight(t, m.srv, tt.path, tt.origin)
			// A preflight wins over the 405 of the export path, and passes response validation
			// (which is on): no 500.
			if rec.Code != http.StatusNoContent {
				t.Fatalf("status: got %d, want 204; body %s", rec.Code, rec.Body)
			}
			h := rec.Header()
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.wantAllowOrigin {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, tt.wantAllowOrigin)
			}
			if tt.wantAllowOrigin == "" {
				for name := range h {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("a foreign origin got %s: %q", name, h.Get(name))
					}
				}
				return
			}
			allowHeaders := headerList(h.Get("Access-Control-Allow-Headers"))
			for _, want := range []string{"authorization", "x-sparkapi-user-agent", "x-mock-now", "x-mock-scenario", "content-type", "x-request-id"} {
				if !slices.Contains(allowHeaders, want) {
					t.Errorf("Access-Control-Allow-Headers %v lacks %s", allowHeaders, want)
				}
			}
			if methods := headerList(h.Get("Access-Control-Allow-Methods")); !slices.Contains(methods, "get") {
				t.Errorf("Access-Control-Allow-Methods %v lacks GET", methods)
			}
			if h.Get("Access-Control-Max-Age") == "" {
				t.Errorf("no Access-Control-Max-Age")
			}
			if h.Get("X-Request-Id") == "" {
				t.Errorf("a preflight has no X-Request-Id")
			}
		})
	}
}

// TestPlainOptionsKeeps405 pins that only a real preflight is answered by CORS: an OPTIONS
// without Access-Control-Request-Method is the 405 envelope of the export paths.
func TestPlainOptionsKeeps405(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		origin string
	}{
		{name: "export, no origin", path: "/v1/contacts/export"},
		{name: "export/all, no origin", path: "/v1/contacts/export/all"},
		{name: "export, with origin", path: "/v1/contacts/export", origin: "http://localhost:5173"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t)
			var headers []string
			if tt.origin != "" {
				headers = append(headers, "Origin: "+tt.origin)
			}
			res := m.do(t, http.MethodOptions, tt.path, headers...)
			if res.status != http.StatusMethodNotAllowed || res.code() != 405 || res.header.Get("Allow") != "GET" {
				t.Errorf("got %d code %d Allow %q, want 405 code 405 Allow GET", res.status, res.code(), res.header.Get("Allow"))
			}
		})
	}
}

func TestCORSOnResponses(t *testing.T) {
	tests := []struct {
		name            string
		origins         []string
		origin          string
		token           string
		wantStatus      int
		wantAllowOrigin string
	}{
		{name: "success, any origin", origins: []string{"*"}, origin: "http://localhost:5173", token: avery, wantStatus: 200, wantAllowOrigin: "*"},
		{name: "error envelope is readable too", origins: []string{"*"}, origin: "http://localhost:5173", token: "Authorization: OAuth idx-member-avery", wantStatus: 403, wantAllowOrigin: "*"},
		{name: "listed origin", origins: []string{"http://app.example:3000"}, origin: "http://app.example:3000", token: avery, wantStatus: 200, wantAllowOrigin: "http://app.example:3000"},
		{name: "foreign origin: answered, but not readable by its page", origins: []string{"http://app.example:3000"}, origin: "http://evil.example", token: avery, wantStatus: 200},
		{name: "CORS off", origins: nil, origin: "http://localhost:5173", token: avery, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t, func(c *mockserver.Config) { c.CORSOrigins = tt.origins })
			res := m.get(t, "/v1/contacts/export?_limit=1", ua, tt.token, "Origin: "+tt.origin)
			if res.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", res.status, tt.wantStatus)
			}
			if got := res.header.Get("Access-Control-Allow-Origin"); got != tt.wantAllowOrigin {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, tt.wantAllowOrigin)
			}
			expose := headerList(res.header.Get("Access-Control-Expose-Headers"))
			if tt.wantAllowOrigin == "" {
				if len(expose) > 0 {
					t.Errorf("Access-Control-Expose-Headers without an allowed origin: %v", expose)
				}
				return
			}
			for _, want := range []string{"x-request-id", "retry-after", "x-contract-violations"} {
				if !slices.Contains(expose, want) {
					t.Errorf("Access-Control-Expose-Headers %v lacks %s", expose, want)
				}
			}
		})
	}
}

func TestCORSOffLeavesPreflightsTo405(t *testing.T) {
	m := newMock(t, func(c *mockserver.Config) { c.CORSOrigins = nil })
	rec := preflight(t, m.srv, "/v1/contacts/export", "http://localhost:5173")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("got %d with Access-Control-Allow-Origin %q, want the 405 envelope and no CORS", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}

func TestNewRejectsBadCORSOrigins(t *testing.T) {
	tests := []struct {
		name    string
		origins []string
	}{
		{name: "no scheme", origins: []string{"localhost:3000"}},
		{name: "trailing slash", origins: []string{"http://localhost:3000/"}},
		{name: "path", origins: []string{"http://localhost:3000/app"}},
		{name: "empty item", origins: []string{"*", ""}},
		{name: "no host", origins: []string{"http://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mockserver.DefaultConfig()
			cfg.CORSOrigins = tt.origins
			_, err := mockserver.New(cfg)
			if err == nil || !strings.Contains(err.Error(), "CORS origin") {
				t.Errorf("got %v, want an error naming the CORS origin", err)
			}
		})
	}
}

// TestCORSOnTheValidation500: when the mock's answer breaks the contract, the 500 envelope
// that replaces it is readable from another origin too.
func TestCORSOnTheValidation500(t *testing.T) {
	// The error envelope of a missing token (code 1000) breaks this spec; the response
	// validation replaces it.
	m := newMock(t, stricter(t, "            Code:\n              type: integer\n", "            Code:\n              type: integer\n              maximum: 999\n"))
	res := m.get(t, "/v1/contacts/export", ua, "Origin: http://localhost:5173")
	if res.status != http.StatusInternalServerError {
		t.Fatalf("got %d, want the 500 of a contract violation", res.status)
	}
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "http://localhost:5173" {
		t.Errorf("Access-Control-Allow-Origin on the 500: got %q, want the local origin", got)
	}
}
