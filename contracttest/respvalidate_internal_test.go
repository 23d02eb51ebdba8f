package contracttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	sparkmock "github.com/sparkmock/sparkmock"
)

// pageBodies are pages of both paths, valid and broken in every way the piecewise
// validation must agree with the full one on.
func pageBodies() []struct{ name, path, body string } {
	contact := func(i int, owner bool, extra string) string {
		id := fmt.Sprintf("2012061419491366876%07d", i)
		s := fmt.Sprintf(`{"ResourceUri":"/v1/contacts/%s","Id":"%s","DisplayName":"P %d","Tags":["IDX Lead"],"ModificationTimestamp":"2012-06-14T14:49:13-05:00"`, id, id, i)
		if owner {
			s += `,"OwnerId":"20100412160312774200000000"`
		}
		return s + extra + "}"
	}
	page := func(n int, owner bool, extra func(i int) string, tail string) string {
		items := make([]string, n)
		for i := range items {
			e := ""
			if extra != nil {
				e = extra(i)
			}
			items[i] = contact(i, owner, e)
		}
		return `{"D":{"Success":true,"ExportTimestamp":"2026-06-01T12:30:00","Results":[` + strings.Join(items, ",") + `]` + tail + `}}`
	}
	at := func(k int, s string) func(int) string {
		return func(i int) string {
			if i == k {
				return s
			}
			return ""
		}
	}
	pag := `,"Pagination":{"TotalRows":31,"PageSize":10,"TotalPages":4,"CurrentPage":1}`
	var out []struct{ name, path, body string }
	add := func(name, path, body string) { out = append(out, struct{ name, path, body string }{name, path, body}) }
	for _, p := range sparkmock.ExportPaths() {
		owner := p == sparkmock.PathExportAll
		add("25 valid", p, page(25, owner, nil, ""))
		add("empty", p, page(0, owner, nil, ""))
		add("with Pagination", p, page(10, owner, nil, pag))
		add("bad Pagination", p, page(10, owner, nil, `,"Pagination":{"TotalRows":-1,"PageSize":10,"TotalPages":4,"CurrentPage":1}`))
		add("26 items", p, page(26, owner, nil, ""))
		add("101 items", p, page(101, owner, nil, ""))
		add("OwnerId flipped", p, page(3, !owner, nil, ""))
		add("a bad Id", p, page(5, owner, at(3, `,"Id":"x"`), ""))
		add("a null field", p, page(5, owner, at(1, `,"GivenName":null`), ""))
		add("a number for a string", p, page(5, owner, at(4, `,"HomeRegion":7`), ""))
		add("a bad timestamp", p, page(5, owner, at(0, `,"ModificationTimestamp":"2012-06-14 14:49"`), ""))
		add("an extra field", p, page(5, owner, at(2, `,"FavoriteColor":"blue"`), ""))
		add("a string item", p, strings.Replace(page(3, owner, nil, ""), `"Results":[`, `"Results":["x",`, 1))
		add("a scalar item", p, strings.Replace(page(3, owner, nil, ""), `"Results":[`, `"Results":[1x,`, 1))
		add("a broken item", p, strings.Replace(page(3, owner, nil, ""), `"Results":[`, `"Results":[{"Id":]`, 1))
		add("trailing comma", p, strings.Replace(page(3, owner, nil, ""), `}]`, `},]`, 1))
		add("Success false", p, strings.Replace(page(3, owner, nil, ""), `"Success":true`, `"Success":false`, 1))
		add("no ExportTimestamp", p, strings.Replace(page(3, owner, nil, ""), `"ExportTimestamp":"2026-06-01T12:30:00",`, "", 1))
		add("Results not an array", p, `{"D":{"Success":true,"ExportTimestamp":"2026-06-01T12:30:00","Results":{}}}`)
		add("two Results", p, `{"D":{"Success":true,"ExportTimestamp":"2026-06-01T12:30:00","Results":[],"Results":[1]}}`)
		add("escaped key", p, `{"D":{"Success":true,"ExportTimestamp":"2026-06-01T12:30:00","\u0052esults":[1]}}`)
		add("trailing data", p, page(2, owner, nil, "")+` {}`)
		add("not JSON", p, `<html>`)
		add("empty body", p, ``)
		add("whitespace", p, " \n"+strings.ReplaceAll(page(3, owner, nil, pag), ",", " ,\n ")+"\n")
		add("strings with brackets", p, page(3, owner, at(1, `,"DisplayName":"a ]}\" [{ b"`), ""))
	}
	return out
}

// TestPiecewiseValidationMatchesFull: the cached piecewise validation gives exactly the
// verdict (and error text) of kin-openapi's full validation, first time and from the cache.
func TestPiecewiseValidationMatchesFull(t *testing.T) {
	ctx := context.Background()
	spec, err := sparkmock.LoadSpec(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]*routers.Route{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			routes[method+" "+path] = &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	v := newResponseValidator(spec, routes, false)
	for _, p := range sparkmock.ExportPaths() {
		if v.pages[routes["GET "+p]] == nil {
			t.Fatalf("GET %s is not validated piecewise", p)
		}
	}
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	valid := 0
	for _, b := range pageBodies() {
		r := routes["GET "+b.path]
		want := v.full(ctx, "GET", r, 200, h, []byte(b.body))
		for round := 1; round <= 2; round++ {
			got := v.validate(ctx, "GET", r, 200, h, []byte(b.body), nil)
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Errorf("%s %s, round %d: got %v, want %v", b.path, b.name, round, got, want)
			}
		}
		if want == nil {
			valid++
		}
	}
	if valid < 8 {
		t.Errorf("only %d valid pages: the table does not exercise the fast path", valid)
	}
}

func TestSplitPage(t *testing.T) {
	tests := []struct {
		name, body, skeleton string
		items                []string
		ok                   bool
	}{
		{name: "plain", body: `{"D":{"Results":[{"a":1},{"b":"]"}],"X":2}}`, skeleton: `{"D":{"Results":[],"X":2}}`, items: []string{`{"a":1}`, `{"b":"]"}`}, ok: true},
		{name: "empty", body: ` {"D":{"Results":[ ]}} `, skeleton: ` {"D":{"Results":[]}} `, ok: true},
		{name: "no D", body: `{"E":{"Results":[]}}`},
		{name: "D not an object", body: `{"D":[]}`},
		{name: "second D", body: `{"D":{"Results":[]},"D":{}}`},
		{name: "unterminated", body: `{"D":{"Results":[{"a":1}`},
		{name: "trailing", body: `{"D":{"Results":[]}} x`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := splitPage([]byte(tc.body))
			if ok != tc.ok {
				t.Fatalf("got ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var items []string
			for _, it := range s.items {
				items = append(items, string(it))
			}
			if string(s.skeleton) != tc.skeleton || strings.Join(items, "|") != strings.Join(tc.items, "|") {
				t.Errorf("got %s %q, want %s %q", s.skeleton, items, tc.skeleton, tc.items)
			}
			if !json.Valid(s.skeleton) {
				t.Errorf("skeleton %s is not JSON", s.skeleton)
			}
		})
	}
}
