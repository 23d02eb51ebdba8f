package mockserver

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/version"
)

// UIPrefix is where the assets of the page at / are served.
const UIPrefix = "/_mock/ui/"

// uiFiles is the page at / and its assets: plain HTML, CSS and JavaScript, no build step and
// nothing loaded from anywhere but this server, so the page works offline.
//
//go:embed ui
var uiFiles embed.FS

// uiTypes are the content types of the assets, by extension.
var uiTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// handleIndex serves the page at /.
func handleIndex() echo.HandlerFunc {
	page, err := uiFiles.ReadFile("ui/index.html")
	return func(c echo.Context) error {
		if err != nil {
			return fmt.Errorf("ui: %w", err)
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.Blob(http.StatusOK, uiTypes[".html"], page)
	}
}

// handleUIAsset serves the page's assets under UIPrefix; anything else is a 404 envelope.
func handleUIAsset() echo.HandlerFunc {
	assets, err := fs.Sub(uiFiles, "ui")
	return func(c echo.Context) error {
		if err != nil {
			return fmt.Errorf("ui: %w", err)
		}
		name := c.Param("*")
		ctype, ok := uiTypes[path.Ext(name)]
		if !ok || !fs.ValidPath(name) {
			return echo.ErrNotFound
		}
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			return echo.ErrNotFound
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.Blob(http.StatusOK, ctype, b)
	}
}

// handleSpecJSON serves the contract the server runs on as JSON.
func handleSpecJSON(doc *openapi3.T) echo.HandlerFunc {
	b, err := json.Marshal(doc)
	return func(c echo.Context) error {
		if err != nil {
			return fmt.Errorf("openapi.json: %w", err)
		}
		return c.Blob(http.StatusOK, contentTypeJSON, b)
	}
}

// handleSpecYAML serves the contract as YAML: the embedded openapi.yaml as written, or, when
// the server runs on another document, that document as JSON (which is YAML too).
func handleSpecYAML(doc *openapi3.T, embedded bool) echo.HandlerFunc {
	var b []byte
	var err error
	if embedded {
		b = sparkmock.SpecYAML()
	} else {
		b, err = json.Marshal(doc)
	}
	return func(c echo.Context) error {
		if err != nil {
			return fmt.Errorf("openapi.yaml: %w", err)
		}
		return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", b)
	}
}

// infoView is what /_mock/info says about the running server.
type infoView struct {
	Service           string   `json:"Service"`
	Description       string   `json:"Description"`
	SpecTitle         string   `json:"SpecTitle"`
	SpecVersion       string   `json:"SpecVersion"`
	Endpoints         []string `json:"Endpoints"`
	Seed              int64    `json:"Seed"`
	TimeZone          string   `json:"TimeZone"`
	Clock             string   `json:"Clock"`
	Now               string   `json:"Now"`
	NowInZone         string   `json:"NowInZone"`
	Fixtures          string   `json:"Fixtures"`
	Accounts          int      `json:"Accounts"`
	Tokens            int      `json:"Tokens"`
	ValidateResponses bool     `json:"ValidateResponses"`
	CORSOrigins       []string `json:"CORSOrigins"`
	MockHeaders       []string `json:"MockHeaders"`
	Scenarios         []string `json:"Scenarios"`
	Scenario          string   `json:"Scenario"`
	// Version is the build's short version (v1.2.0, devel+abc1234); Build says the rest.
	Version string       `json:"Version"`
	Build   version.Info `json:"Build"`
	// Variants are every legal variant a request may ask for with X-Mock-Variant;
	// DefaultVariants those the server applies to requests that do not.
	Variants        []Variant `json:"Variants"`
	DefaultVariants []string  `json:"DefaultVariants"`
}

// handleInfo tells a person (and the page at /) what this server is and runs with: the seed,
// zone and clock, the fixtures, the request's time (X-Mock-Now applies), the scenarios a
// request may force and the one forced server-wide, if any.
func handleInfo(s *Server) echo.HandlerFunc {
	clock := s.given.ClockLabel
	if clock == "" {
		clock = "custom"
		if s.given.Clock == nil {
			clock = "real"
		}
	}
	origins := s.cfg.CORSOrigins
	if origins == nil {
		origins = []string{}
	}
	var title, specVersion string
	if s.cfg.Spec.Info != nil {
		title, specVersion = s.cfg.Spec.Info.Title, s.cfg.Spec.Info.Version
	}
	build := version.Get()
	return func(c echo.Context) error {
		w := s.world()
		now := requestTime(c)
		out := infoView{
			Version:           build.Short(),
			Build:             build,
			Service:           "sparkmock",
			Description:       `A mock of the Spark API "Contacts: Export" service: deterministic contacts for a tree of accounts, a token for every role, every response validated against openapi.yaml.`,
			SpecTitle:         title,
			SpecVersion:       specVersion,
			Endpoints:         sparkmock.ExportPaths(),
			Seed:              s.cfg.Seed,
			TimeZone:          s.cfg.Location.String(),
			Clock:             clock,
			Now:               now.UTC().Format(time.RFC3339),
			NowInZone:         now.In(s.cfg.Location).Format(sparkmock.ExportTimestampLayout),
			Fixtures:          w.tree.Source,
			Accounts:          len(w.tree.Accounts),
			Tokens:            len(w.tree.Tokens),
			ValidateResponses: s.validate != nil,
			CORSOrigins:       origins,
			MockHeaders:       []string{MockNowHeader, ScenarioHeader, VariantHeader},
			Scenarios:         ScenarioNames,
			Scenario:          s.cfg.Scenario.String(),
			Variants:          Variants(),
			DefaultVariants:   s.variants.names(),
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentTypeJSON, b)
	}
}
