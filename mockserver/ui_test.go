package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/version"
	"github.com/sparkmock/sparkmock/mockserver"
)

// assetRef finds what a page loads from its own server: src and href attributes.
var assetRef = regexp.MustCompile(`(?:src|href)="(/[^"]*)"`)

func TestIndexServesThePageAndItsAssets(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "/")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: got %d %q, want 200 text/html", res.status, res.header.Get("Content-Type"))
	}
	page := string(res.body)
	for _, want := range []string{"Contacts: Export", `id="tree"`, `id="tokens"`, `id="run"`, `id="matrix"`, `id="reference"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	var assets []string
	for _, ref := range assetRef.FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(ref[1], mockserver.UIPrefix) {
			assets = append(assets, ref[1])
		}
	}
	if len(assets) < 3 {
		t.Fatalf("the page loads %v from %s; want its script, style sheet and icon", assets, mockserver.UIPrefix)
	}
	for _, a := range assets {
		res := m.get(t, a)
		ext := a[strings.LastIndex(a, "."):]
		if res.status != http.StatusOK || res.header.Get("Content-Type") != wantTypes[ext] || len(res.body) == 0 {
			t.Errorf("GET %s: got %d %q (%d bytes), want 200 %q", a, res.status, res.header.Get("Content-Type"), len(res.body), wantTypes[ext])
		}
	}
}

func TestUnknownAssetIs404Envelope(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{name: "missing file", path: mockserver.UIPrefix + "nope.js"},
		{name: "unserved extension", path: mockserver.UIPrefix + "index.html.bak"},
		{name: "escape attempt", path: mockserver.UIPrefix + "..%2fui.go"},
		{name: "the prefix itself", path: mockserver.UIPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newMock(t).get(t, tt.path)
			var env struct{ D struct{ Code int } }
			if err := json.Unmarshal(res.body, &env); err != nil || res.status != http.StatusNotFound || env.D.Code != 404 {
				t.Errorf("got %d %s, want a 404 envelope", res.status, res.body)
			}
		})
	}
}

func TestSpecIsServed(t *testing.T) {
	m := newMock(t)
	yml := m.get(t, "/openapi.yaml")
	if yml.status != http.StatusOK || !strings.HasPrefix(yml.header.Get("Content-Type"), "application/yaml") {
		t.Fatalf("GET /openapi.yaml: got %d %q", yml.status, yml.header.Get("Content-Type"))
	}
	if !bytes.Equal(yml.body, sparkmock.SpecYAML()) {
		t.Errorf("/openapi.yaml is not the embedded openapi.yaml")
	}

	js := m.get(t, "/openapi.json")
	if js.status != http.StatusOK || js.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET /openapi.json: got %d %q", js.status, js.header.Get("Content-Type"))
	}
	got, err := openapi3.NewLoader().LoadFromData(js.body)
	if err != nil {
		t.Fatalf("/openapi.json does not load: %v", err)
	}
	if err := got.Validate(context.Background()); err != nil {
		t.Fatalf("/openapi.json is not a valid document: %v", err)
	}
	want, _ := spec(t)
	if got.Info.Title != want.Info.Title || !slices.Equal(got.Paths.InMatchingOrder(), want.Paths.InMatchingOrder()) {
		t.Errorf("/openapi.json: got %q with paths %v, want %q with %v", got.Info.Title, got.Paths.InMatchingOrder(), want.Info.Title, want.Paths.InMatchingOrder())
	}
	for name := range want.Components.Schemas {
		if _, ok := got.Components.Schemas[name]; !ok {
			t.Errorf("/openapi.json lacks schema %s", name)
		}
	}
}

func TestInfo(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*mockserver.Config)
		headers   []string
		wantClock string
		wantNow   string
		wantCORS  []string
	}{
		{name: "custom clock", wantClock: "custom", wantNow: "2026-11-28T12:00:00Z", wantCORS: mockserver.DefaultCORSOrigins()},
		{name: "labelled clock", mutate: func(c *mockserver.Config) { c.ClockLabel = "frozen at 2026-11-28T12:00:00Z" }, wantClock: "frozen at 2026-11-28T12:00:00Z", wantNow: "2026-11-28T12:00:00Z", wantCORS: mockserver.DefaultCORSOrigins()},
		{name: "real clock", mutate: func(c *mockserver.Config) { c.Clock = nil }, headers: []string{"X-Mock-Now: 2020-01-01T00:00:00Z"}, wantClock: "real", wantNow: "2020-01-01T00:00:00Z", wantCORS: mockserver.DefaultCORSOrigins()},
		{name: "X-Mock-Now", headers: []string{"X-Mock-Now: 2024-02-29T10:00:00-06:00"}, wantClock: "custom", wantNow: "2024-02-29T16:00:00Z", wantCORS: mockserver.DefaultCORSOrigins()},
		{name: "CORS off", mutate: func(c *mockserver.Config) { c.CORSOrigins = nil }, wantClock: "custom", wantNow: "2026-11-28T12:00:00Z", wantCORS: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mutate []func(*mockserver.Config)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			m := newMock(t, mutate...)
			res := m.get(t, "/_mock/info", tt.headers...)
			var info struct {
				Service, TimeZone, Clock, Now, NowInZone, Fixtures string
				Seed                                               int64
				Endpoints, CORSOrigins, Scenarios                  []string
				Accounts, Tokens                                   int
				ValidateResponses                                  bool
			}
			if err := json.Unmarshal(res.body, &info); err != nil || res.status != http.StatusOK {
				t.Fatalf("GET /_mock/info: %d %s (%v)", res.status, res.body, err)
			}
			if info.Clock != tt.wantClock || info.Now != tt.wantNow || !slices.Equal(info.CORSOrigins, tt.wantCORS) {
				t.Errorf("got clock %q now %q CORS %q, want %q %q %q", info.Clock, info.Now, info.CORSOrigins, tt.wantClock, tt.wantNow, tt.wantCORS)
			}
			now, _ := time.Parse(time.RFC3339, info.Now)
			loc, _ := time.LoadLocation("America/Chicago")
			if info.NowInZone != now.In(loc).Format("2006-01-02T15:04:05") {
				t.Errorf("NowInZone %q does not match Now %q in America/Chicago", info.NowInZone, info.Now)
			}
			if info.Service != "sparkmock" || info.Seed != mockserver.DefaultSeed || info.TimeZone != "America/Chicago" ||
				info.Accounts == 0 || info.Tokens == 0 || !info.ValidateResponses || len(info.Endpoints) != 2 || info.Fixtures == "" ||
				!slices.Contains(info.Scenarios, "rate-limited") {
				t.Errorf("got %+v, want the default seed, zone, fixtures, the two endpoints and the scenarios", info)
			}
		})
	}
}

// TestInfoSaysTheVersion: the page and a person asking /_mock/info can tell which build runs.
func TestInfoSaysTheVersion(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "/_mock/info")
	var info struct {
		Version string
		Build   version.Info
	}
	if err := json.Unmarshal(res.body, &info); err != nil || res.status != http.StatusOK {
		t.Fatalf("GET /_mock/info: %d %s (%v)", res.status, res.body, err)
	}
	if want := version.Get(); info.Version != want.Short() || info.Build != want {
		t.Errorf("got Version %q Build %+v, want %q %+v", info.Version, info.Build, want.Short(), want)
	}
}
