package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestVariantHeader: X-Mock-Variant switches a [choice] on one request, replacing the
// server's variants ("none" turns them off); every answer still passes the response
// validation (a violation would be a 500).
func TestVariantHeader(t *testing.T) {
	cfg := mockserver.DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2026, 6, 1, 17, 30, 0, 0, time.UTC) }
	cfg.Variants = []string{"past-end-400"}
	m, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		method     string
		target     string
		token      string
		variant    string // "-": no header
		wantStatus int
		wantCode   int
		check      func(t *testing.T, h http.Header, d map[string]any)
	}{
		{name: "unknown variant", target: "/v1/contacts/export", token: "private-mls", variant: "nope", wantStatus: 400, wantCode: 1053},
		{name: "server default: past the end is 400", target: "/v1/contacts/export?_page=900", token: "private-mls", variant: "-", wantStatus: 400, wantCode: 1053},
		{name: "none: past the end is 200", target: "/v1/contacts/export?_page=900", token: "private-mls", variant: "none", wantStatus: 200},
		{name: "limit clamped", target: "/v1/contacts/export/all?_limit=26", token: "private-mls", variant: "limit-clamp", wantStatus: 200, check: func(t *testing.T, h http.Header, d map[string]any) {
			if n := len(d["Results"].([]any)); n != 25 {
				t.Errorf("got %d contacts, want 25", n)
			}
		}},
		{name: "select exact", target: "/v1/contacts/export/all?_select=DisplayName&_limit=3", token: "private-mls", variant: "select-exact", wantStatus: 200, check: func(t *testing.T, h http.Header, d map[string]any) {
			for _, c := range d["Results"].([]any) {
				for k := range c.(map[string]any) {
					if k != "DisplayName" {
						t.Errorf("got member %s, want only DisplayName", k)
					}
				}
			}
		}},
		{name: "select exact with OwnerId first", target: "/v1/contacts/export/all?_select=OwnerId,DisplayName&_limit=3", token: "private-mls", variant: "select-exact", wantStatus: 200},
		{name: "unknown _select ignored", target: "/v1/contacts/export?_select=Nope&_limit=1", token: "private-mls", variant: "select-unknown-ignored", wantStatus: 200},
		{name: "_expand ignored", target: "/v1/contacts/export?_expand=x&_limit=1", token: "private-mls", variant: "expand-ignored", wantStatus: 200},
		{name: "403 with code 403", target: "/v1/contacts/export", token: "idx-member-avery", variant: "forbidden-code-403", wantStatus: 403, wantCode: 403},
		{name: "405 with another code", method: http.MethodPost, target: "/v1/contacts/export", token: "private-mls", variant: "method-code", wantStatus: 405, wantCode: 1405, check: func(t *testing.T, h http.Header, d map[string]any) {
			if got := h.Get("Allow"); got != "GET, HEAD" {
				t.Errorf("got Allow %q, want GET, HEAD", got)
			}
		}},
		{name: "HEAD allowed with method-code", method: http.MethodHead, target: "/v1/contacts/export", token: "private-mls", variant: "method-code", wantStatus: 200},
		{name: "401 before 405", method: http.MethodDelete, target: "/v1/contacts/export/all", variant: "auth-before-method", wantStatus: 401, wantCode: 1000},
		{name: "405 before 401 by default", method: http.MethodDelete, target: "/v1/contacts/export/all", variant: "none", wantStatus: 405, wantCode: 405},
		{name: "timestamps in UTC", target: "/v1/contacts/export?_limit=5", token: "private-mls", variant: "timestamps-utc", wantStatus: 200, check: func(t *testing.T, h http.Header, d map[string]any) {
			for _, c := range d["Results"].([]any) {
				if ts, _ := c.(map[string]any)["ModificationTimestamp"].(string); !strings.HasSuffix(ts, "Z") {
					t.Errorf("got ModificationTimestamp %q, want UTC with Z", ts)
				}
			}
		}},
		{name: "ties by Id descending", target: "/v1/contacts/export/all?_orderby=HomeRegion&_limit=25", token: "private-mls", variant: "ties-id-desc", wantStatus: 200, check: func(t *testing.T, h http.Header, d map[string]any) {
			res := d["Results"].([]any)
			ties := 0
			for i := 1; i < len(res); i++ {
				a, b := res[i-1].(map[string]any), res[i].(map[string]any)
				if a["HomeRegion"] == b["HomeRegion"] {
					ties++
					if a["Id"].(string) < b["Id"].(string) {
						t.Errorf("tie %v: %s before %s, want Id descending", a["HomeRegion"], a["Id"], b["Id"])
					}
				}
			}
			if ties == 0 {
				t.Errorf("no tie on the page: the test proves nothing")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tc.target, nil)
			req.Header.Set("X-SparkApi-User-Agent", "test")
			if tc.token != "" {
				req.Header.Set("Authorization", "OAuth "+tc.token)
			}
			if tc.variant != "-" {
				req.Header.Set(mockserver.VariantHeader, tc.variant)
			}
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, req)
			var env struct{ D map[string]any }
			if method == http.MethodHead {
				if rec.Code != tc.wantStatus {
					t.Fatalf("got %d, want %d", rec.Code, tc.wantStatus)
				}
				return
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != tc.wantStatus {
				t.Fatalf("got %d %v, want %d", rec.Code, env.D, tc.wantStatus)
			}
			if tc.wantCode != 0 && env.D["Code"] != float64(tc.wantCode) {
				t.Errorf("got code %v, want %d", env.D["Code"], tc.wantCode)
			}
			if tc.check != nil {
				tc.check(t, rec.Header(), env.D)
			}
		})
	}
}

// TestTimestampsUTCKeepsTheInstants: timestamps-utc writes each ModificationTimestamp in UTC
// with Z and changes nothing else: the same contacts, at the same instants.
func TestTimestampsUTCKeepsTheInstants(t *testing.T) {
	m := newMock(t)
	const target = "/v1/contacts/export/all?_limit=25"
	zoned := m.get(t, target, ua, mls).results()
	utc := m.get(t, target, ua, mls, mockserver.VariantHeader+": timestamps-utc").results()
	if len(zoned) == 0 || len(zoned) != len(utc) {
		t.Fatalf("got %d contacts with the variant, %d without; want the same page, not empty", len(utc), len(zoned))
	}
	for i := range zoned {
		z, _ := zoned[i]["ModificationTimestamp"].(string)
		u, _ := utc[i]["ModificationTimestamp"].(string)
		tz, errZ := time.Parse(time.RFC3339Nano, z)
		tu, errU := time.Parse(time.RFC3339Nano, u)
		if errZ != nil || errU != nil || !tz.Equal(tu) || !strings.HasSuffix(u, "Z") {
			t.Errorf("contact %d: got ModificationTimestamp %q with the variant, want %q in UTC with Z", i, u, z)
		}
		delete(zoned[i], "ModificationTimestamp")
		delete(utc[i], "ModificationTimestamp")
		if diff := cmp.Diff(utc[i], zoned[i]); diff != "" {
			t.Errorf("contact %d: the variant changed more than the timestamp (-got +want):\n%s", i, diff)
		}
	}
}
