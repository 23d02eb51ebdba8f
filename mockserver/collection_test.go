package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/fixtures"
)

// postman is what the test reads of a Postman v2.1 collection.
type postman struct {
	Info     struct{ Name, Schema string }
	Variable []struct{ Key, Value string }
	Item     []struct {
		Name string
		Item []struct {
			Name    string
			Request struct {
				Method string
				Header []struct {
					Key, Value string
					Disabled   bool
				}
				URL struct {
					Raw   string
					Host  []string
					Path  []string
					Query []struct {
						Key, Value, Description string
						Disabled                bool
					}
				}
			}
		}
	}
}

// TestCollectionRunsAgainstTheMock: /_mock/collection has a folder for every token of the
// fixtures, in it each GET operation of openapi.yaml with all its query parameters, and every
// request of it, sent as Postman would, gets what the token's role and status say.
func TestCollectionRunsAgainstTheMock(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "http://mock.example:8080/_mock/collection")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /_mock/collection: %d %s", res.status, res.header.Get("Content-Type"))
	}
	var col postman
	if err := json.Unmarshal(res.body, &col); err != nil {
		t.Fatal(err)
	}
	if col.Info.Schema != "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" || col.Info.Name == "" {
		t.Errorf("info %+v, want a named Postman v2.1 collection", col.Info)
	}
	vars := map[string]string{}
	for _, v := range col.Variable {
		vars[v.Key] = v.Value
	}
	if vars["baseUrl"] != "http://mock.example:8080" || vars["userAgent"] == "" {
		t.Errorf("variables %v, want baseUrl http://mock.example:8080 (where it was fetched) and a userAgent", vars)
	}
	doc, _ := spec(t)
	tree, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Item) != len(tree.Tokens) {
		t.Fatalf("%d folders, want one per token (%d)", len(col.Item), len(tree.Tokens))
	}
	for i, tok := range tree.Tokens {
		folder := col.Item[i]
		if !strings.HasPrefix(folder.Name, tok.Token+" ") {
			t.Errorf("folder %d is %q, want token %s", i, folder.Name, tok.Token)
		}
		var paths []string
		for _, it := range folder.Item {
			r := it.Request
			path := "/" + strings.Join(r.URL.Path, "/")
			paths = append(paths, path)
			op := doc.Paths.Value(path).Get
			if op == nil {
				t.Errorf("%s: %s is not a GET operation of openapi.yaml", folder.Name, path)
				continue
			}
			var want, got []string
			for _, p := range op.Parameters {
				if p.Value.In == "query" {
					want = append(want, p.Value.Name)
				}
			}
			for _, q := range r.URL.Query {
				got = append(got, q.Key)
				if q.Description == "" {
					t.Errorf("%s %s: parameter %s has no description", folder.Name, path, q.Key)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: query parameters %v, want the spec's %v", folder.Name, path, got, want)
			}
			// Send it as Postman would: variables replaced, disabled entries left out.
			u, err := url.Parse(strings.ReplaceAll(r.URL.Raw, "{{baseUrl}}", vars["baseUrl"]))
			if err != nil {
				t.Fatal(err)
			}
			var headers []string
			for _, h := range r.Header {
				if !h.Disabled {
					headers = append(headers, h.Key+": "+strings.ReplaceAll(h.Value, "{{userAgent}}", vars["userAgent"]))
				}
			}
			got200 := m.get(t, u.String(), headers...)
			wantStatus := http.StatusOK
			switch {
			case tok.Status == fixtures.Expired, tok.Status == fixtures.Disabled:
				wantStatus = http.StatusUnauthorized
			case tok.Role != fixtures.Private:
				wantStatus = http.StatusForbidden
			}
			if got200.status != wantStatus {
				t.Errorf("%s %s: %d %s, want %d", folder.Name, u, got200.status, got200.body, wantStatus)
			}
		}
		if want := []string{"/v1/contacts/export", "/v1/contacts/export/all"}; !slices.Equal(paths, want) {
			t.Errorf("%s: requests for %v, want %v", folder.Name, paths, want)
		}
	}
}
