package mockserver

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

// Anything a page could load from another host: absolute URLs, and protocol-relative
// references in attributes and CSS.
var (
	absoluteURL         = regexp.MustCompile(`(?i)https?://[^\s"'<>)]*`)
	protocolRelativeRef = regexp.MustCompile(`(?i)(?:src|href|action)\s*=\s*["']?//|url\(\s*["']?//`)
)

// namespaceURIs name XML vocabularies; no browser fetches them.
var namespaceURIs = map[string]bool{"http://www.w3.org/2000/svg": true}

// TestUIAssetsWorkOffline walks every embedded asset: none refers to another host (no CDN, no
// web font), and each is served under UIPrefix.
func TestUIAssetsWorkOffline(t *testing.T) {
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = fs.WalkDir(uiFiles, "ui", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, err := uiFiles.ReadFile(name)
		if err != nil {
			return err
		}
		text := string(b)
		for _, u := range absoluteURL.FindAllString(text, -1) {
			if !namespaceURIs[u] {
				t.Errorf("%s refers to another host: %s", name, u)
			}
		}
		for _, ref := range protocolRelativeRef.FindAllString(text, -1) {
			t.Errorf("%s has a protocol-relative reference: %s", name, ref)
		}
		for _, bad := range []string{"@import", "@font-face", "integrity="} {
			if strings.Contains(text, bad) {
				t.Errorf("%s uses %s: the page must work offline with what is embedded", name, bad)
			}
		}
		rel := strings.TrimPrefix(name, "ui/")
		target := UIPrefix + rel
		if rel == "index.html" {
			target = "/"
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != uiTypes[path.Ext(name)] {
			t.Errorf("GET %s: got %d %q, want 200 %q", target, rec.Code, rec.Header().Get("Content-Type"), uiTypes[path.Ext(name)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Errorf("walked %d embedded files; want the page, its script, style sheet and icon", n)
	}
}
