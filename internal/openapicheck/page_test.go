package openapicheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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

func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	spec, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestPiecewiseValidationMatchesFull: the cached piecewise validation gives exactly the
// verdict (and error text) of kin-openapi's full validation, first time and from the cache;
// and the mock's way through the same pieces (CheckCount, CheckSkeleton, CheckItem on a page
// it split) passes exactly the pages the full validation passes.
func TestPiecewiseValidationMatchesFull(t *testing.T) {
	ctx := context.Background()
	spec := loadSpec(t)
	c, err := New(spec, Config{Ignored: []string{"Allow"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sparkmock.ExportPaths() {
		if c.Page(c.Route("GET", p)) == nil {
			t.Fatalf("GET %s is not validated piecewise", p)
		}
	}
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	valid, split := 0, 0
	for _, b := range pageBodies() {
		r := Response{Method: "GET", Route: c.Route("GET", b.path), Status: 200, Header: h, Body: []byte(b.body)}
		want := c.Full(ctx, r)
		for round := 1; round <= 2; round++ {
			got := c.Validate(ctx, r, nil)
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Errorf("%s %s, round %d: got %v, want %v", b.path, b.name, round, got, want)
			}
		}
		if want == nil {
			valid++
		}
		if s, ok := SplitPage(r.Body); ok {
			split++
			p := c.Page(r.Route)
			err := p.CheckCount(len(s.Items))
			if err == nil {
				err = c.CheckSkeleton(ctx, r.Route, h, s.Skeleton)
			}
			for _, it := range s.Items {
				if err == nil {
					err = p.CheckItem(it)
				}
			}
			if (err == nil) != (want == nil) {
				t.Errorf("%s %s: pieces checked one by one say %v, the full validation %v", b.path, b.name, err, want)
			}
		}
	}
	if valid < 8 || split < 20 {
		t.Errorf("only %d valid pages, %d split: the table does not exercise the fast path", valid, split)
	}
}

// TestUniqueItemsIsValidatedWhole: items valid one by one can still break uniqueItems, which
// only the whole array shows; such a page is never passed piece by piece.
func TestUniqueItemsIsValidatedWhole(t *testing.T) {
	ctx := context.Background()
	spec := loadSpec(t)
	results := spec.Components.Schemas["ExportEnvelope"].Value.Properties["D"].Value.Properties["Results"].Value
	results.UniqueItems = true
	c, err := New(spec, Config{})
	if err != nil {
		t.Fatal(err)
	}
	route := c.Route("GET", sparkmock.PathExport)
	if c.Page(route) != nil {
		t.Error("a Results with uniqueItems is validated piece by piece")
	}
	item := `{"ResourceUri":"/v1/contacts/20120614194913668760000001","Id":"20120614194913668760000001","DisplayName":"P","ModificationTimestamp":"2012-06-14T14:49:13-05:00"}`
	body := `{"D":{"Success":true,"ExportTimestamp":"2026-06-01T12:30:00","Results":[` + item + "," + item + `]}}`
	r := Response{Method: "GET", Route: route, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
	if err := c.Validate(ctx, r, nil); err == nil {
		t.Fatal("a page with the same contact twice passed under uniqueItems")
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
			s, ok := SplitPage([]byte(tc.body))
			if ok != tc.ok {
				t.Fatalf("got ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var items []string
			for _, it := range s.Items {
				items = append(items, string(it))
			}
			if string(s.Skeleton) != tc.skeleton || strings.Join(items, "|") != strings.Join(tc.items, "|") {
				t.Errorf("got %s %q, want %s %q", s.Skeleton, items, tc.skeleton, tc.items)
			}
			if !json.Valid(s.Skeleton) {
				t.Errorf("skeleton %s is not JSON", s.Skeleton)
			}
		})
	}
}
