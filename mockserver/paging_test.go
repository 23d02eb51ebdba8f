package mockserver_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// walk fetches every page of an export and returns the ids in order, checking the
// Pagination arithmetic of each page on the way.
func walk(t *testing.T, m *mock, path string, limit int, headers ...string) []string {
	t.Helper()
	var ids []string
	total, pages := -1, -1
	for page := 1; ; page++ {
		res := m.get(t, fmt.Sprintf("%s?_limit=%d&_page=%d&_pagination=1", path, limit, page), headers...)
		if res.status != http.StatusOK {
			t.Fatalf("page %d: status %d %s", page, res.status, res.body)
		}
		p := res.pagination()
		if p == nil {
			t.Fatalf("page %d: no Pagination with _pagination=1", page)
		}
		if total < 0 {
			total, pages = int(p["TotalRows"]), int(p["TotalPages"])
		}
		if int(p["TotalRows"]) != total || int(p["PageSize"]) != limit || int(p["CurrentPage"]) != page {
			t.Fatalf("page %d: Pagination %v, want TotalRows %d PageSize %d CurrentPage %d", page, p, total, limit, page)
		}
		if want := (total + limit - 1) / limit; pages != want {
			t.Fatalf("TotalPages: got %d, want ceil(%d/%d) = %d", pages, total, limit, want)
		}
		got := res.ids()
		wantLen := min(limit, total-(page-1)*limit)
		if page > pages {
			wantLen = 0
		}
		if len(got) != wantLen {
			t.Fatalf("page %d: %d results, want %d", page, len(got), wantLen)
		}
		ids = append(ids, got...)
		if page > pages {
			break
		}
	}
	if len(ids) != total {
		t.Fatalf("walked %d contacts, TotalRows says %d", len(ids), total)
	}
	return ids
}

func TestWalkingAllPagesReturnsEveryContactOnce(t *testing.T) {
	m := newMock(t)
	tests := []struct {
		name    string
		path    string
		limit   int
		headers []string
	}{
		{name: "own, page of 100", path: "/v1/contacts/export", limit: 100, headers: []string{ua, avery}},
		{name: "own, default-sized pages", path: "/v1/contacts/export", limit: 10, headers: []string{ua, avery}},
		{name: "own, pages of 7", path: "/v1/contacts/export", limit: 7, headers: []string{ua, "Authorization: OAuth private-member-dana"}},
		{name: "all for the MLS, pages of 25", path: "/v1/contacts/export/all", limit: 25, headers: []string{ua, mls}},
		{name: "all for an office, pages of 3", path: "/v1/contacts/export/all", limit: 3, headers: []string{ua, office}},
		{name: "empty book", path: "/v1/contacts/export", limit: 10, headers: []string{ua, "Authorization: OAuth private-member-carlos"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := walk(t, m, tt.path, tt.limit, tt.headers...)
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Fatalf("contact %s on two pages", id)
				}
				seen[id] = true
			}
		})
	}
}

func TestPagingPastOneHundred(t *testing.T) {
	m := newMock(t)
	res := m.get(t, "/v1/contacts/export?_limit=100&_pagination=1", ua, avery)
	if len(res.results()) != 100 || res.pagination()["TotalRows"] <= 100 {
		t.Fatalf("want a full page of 100 out of more than 100, got %d of %v", len(res.results()), res.pagination()["TotalRows"])
	}
}

func TestDefaultPageSizeIsTen(t *testing.T) {
	m := newMock(t)
	for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
		if got := len(m.get(t, path, ua, avery).results()); got != 10 {
			t.Errorf("%s: %d results, want 10", path, got)
		}
		if res := m.get(t, path, ua, avery); res.d["Pagination"] != nil {
			t.Errorf("%s: Pagination without _pagination", path)
		}
	}
}

func TestPaginationCountAgreesWithOne(t *testing.T) {
	m := newMock(t)
	for _, q := range []string{"_limit=25", "_limit=7&_page=3", "_limit=0", "_skip=30&_limit=4"} {
		for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
			one := m.get(t, path+"?"+q+"&_pagination=1", ua, office)
			count := m.get(t, path+"?"+q+"&_pagination=count", ua, office)
			if one.status != 200 || count.status != 200 {
				t.Fatalf("%s?%s: status %d and %d", path, q, one.status, count.status)
			}
			if fmt.Sprint(one.pagination()) != fmt.Sprint(count.pagination()) {
				t.Errorf("%s?%s: Pagination with 1 %v, with count %v", path, q, one.pagination(), count.pagination())
			}
			if len(count.results()) != 0 {
				t.Errorf("%s?%s: count returned %d results, want none", path, q, len(count.results()))
			}
		}
	}
}

func TestSkip(t *testing.T) {
	m := newMock(t)
	all := m.get(t, "/v1/contacts/export?_limit=100", ua, avery).ids()
	res := m.get(t, "/v1/contacts/export?_skip=17&_limit=5&_pagination=1", ua, avery)
	if got, want := fmt.Sprint(res.ids()), fmt.Sprint(all[17:22]); got != want {
		t.Errorf("_skip=17: got %s, want %s", got, want)
	}
	p := res.pagination()
	if _, hasPage := p["CurrentPage"]; hasPage || p["CurrentOffset"] != 17 {
		t.Errorf("Pagination with _skip: %v, want CurrentOffset 17 and no CurrentPage", p)
	}
	if got := m.get(t, "/v1/contacts/export?_skip=100000", ua, avery); got.status != 200 || len(got.results()) != 0 {
		t.Errorf("_skip past the end: %d with %d results, want 200 and none", got.status, len(got.results()))
	}
}

func TestPageAndLimitConstraints(t *testing.T) {
	m := newMock(t)
	tests := []struct {
		name  string
		path  string
		query string
		ok    bool
	}{
		{name: "limit 0", path: "/v1/contacts/export", query: "_limit=0", ok: true},
		{name: "limit 100 on own", path: "/v1/contacts/export", query: "_limit=100", ok: true},
		{name: "limit 101 on own", path: "/v1/contacts/export", query: "_limit=101"},
		{name: "limit 25 on all", path: "/v1/contacts/export/all", query: "_limit=25", ok: true},
		{name: "limit 26 on all", path: "/v1/contacts/export/all", query: "_limit=26"},
		{name: "limit 100 on all", path: "/v1/contacts/export/all", query: "_limit=100"},
		{name: "negative limit", path: "/v1/contacts/export", query: "_limit=-1"},
		{name: "limit not a number", path: "/v1/contacts/export", query: "_limit=ten"},
		{name: "limit decimal", path: "/v1/contacts/export", query: "_limit=2.5"},
		{name: "limit empty", path: "/v1/contacts/export", query: "_limit="},
		{name: "limit twice", path: "/v1/contacts/export", query: "_limit=5&_limit=6"},
		{name: "page 0", path: "/v1/contacts/export", query: "_page=0"},
		{name: "page 100000", path: "/v1/contacts/export", query: "_page=100000", ok: true},
		{name: "page 100001", path: "/v1/contacts/export", query: "_page=100001"},
		{name: "page past the end", path: "/v1/contacts/export/all", query: "_page=9999", ok: true},
		{name: "skip negative", path: "/v1/contacts/export", query: "_skip=-1"},
		{name: "skip too far", path: "/v1/contacts/export", query: "_skip=2500001"},
		{name: "skip with page", path: "/v1/contacts/export", query: "_skip=1&_page=1"},
		{name: "pagination yes", path: "/v1/contacts/export", query: "_pagination=yes"},
		{name: "pagination 2", path: "/v1/contacts/export", query: "_pagination=2"},
		{name: "pagination 0", path: "/v1/contacts/export", query: "_pagination=0", ok: true},
		{name: "expand", path: "/v1/contacts/export", query: "_expand=Tags"},
		{name: "unknown parameter is ignored", path: "/v1/contacts/export", query: "cachebuster=123", ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.get(t, tt.path+"?"+tt.query, ua, avery)
			if tt.ok {
				if res.status != http.StatusOK {
					t.Fatalf("got %d %s, want 200", res.status, res.body)
				}
				return
			}
			if res.status != http.StatusBadRequest || res.code() != 1053 {
				t.Fatalf("got %d %s, want 400 with Code 1053", res.status, res.body)
			}
		})
	}
}

func TestOrderBy(t *testing.T) {
	m := newMock(t)
	fetch := func(order string) []map[string]any {
		res := m.get(t, "/v1/contacts/export/all?_limit=25&_orderby="+url.QueryEscape(order), ua, mls)
		if res.status != 200 {
			t.Fatalf("_orderby=%s: %d %s", order, res.status, res.body)
		}
		return res.results()
	}
	sorted := func(name string, list []map[string]any, field string, desc bool) {
		t.Helper()
		for i := 1; i < len(list); i++ {
			a, aok := list[i-1][field].(string)
			b, bok := list[i][field].(string)
			var bad bool
			switch {
			case aok && bok && !desc:
				bad = a > b
			case aok && bok && desc:
				bad = a < b
			case !desc:
				bad = aok && !bok // missing sorts first ascending
			default:
				bad = !aok && bok
			}
			if bad {
				t.Fatalf("%s: %s out of order at %d: %q then %q", name, field, i, list[i-1][field], list[i][field])
			}
		}
	}
	sorted("FamilyName", fetch("FamilyName"), "FamilyName", false)
	sorted("-FamilyName", fetch("-FamilyName"), "FamilyName", true)
	sorted("+DisplayName", fetch("+DisplayName"), "DisplayName", false)
	sorted("-Id", fetch("-Id"), "Id", true)
	sorted("OwnerId", fetch("OwnerId,-ModificationTimestamp"), "OwnerId", false)
	// The default order is Id ascending; ModificationTimestamp then Id stays a request away.
	for page := 1; page <= 30; page += 7 {
		def := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d", page), ua, mls).ids()
		explicit := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d&_orderby=Id", page), ua, mls).ids()
		if fmt.Sprint(def) != fmt.Sprint(explicit) || !slices.IsSorted(def) {
			t.Errorf("page %d: default order %v, want Id ascending %v", page, def, explicit)
		}
	}
	for _, bad := range []string{"Nope", "Tags", "DisplayName,DisplayName", "DisplayName,,Id", "-"} {
		res := m.get(t, "/v1/contacts/export?_orderby="+url.QueryEscape(bad), ua, avery)
		if res.status != 400 || res.code() != 1053 {
			t.Errorf("_orderby=%s: got %d %s, want 400/1053", bad, res.status, res.body)
		}
	}
}

func TestSelect(t *testing.T) {
	m := newMock(t)
	for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
		res := m.get(t, path+"?_limit=25&_select=DisplayName,Tags", ua, office)
		for _, c := range res.results() {
			for k := range c {
				switch k {
				case "Id", "ResourceUri", "DisplayName", "Tags":
				case "OwnerId":
					if path == "/v1/contacts/export" {
						t.Errorf("%s: OwnerId on /export", path)
					}
				default:
					t.Errorf("%s: _select=DisplayName,Tags returned %s", path, k)
				}
			}
		}
	}
	for _, bad := range []string{"Emial", "DisplayName,", ""} {
		res := m.get(t, "/v1/contacts/export?_select="+url.QueryEscape(bad), ua, avery)
		if res.status != 400 || res.code() != 1053 {
			t.Errorf("_select=%q: got %d %s, want 400/1053", bad, res.status, res.body)
		}
	}
	res := m.get(t, "/v1/contacts/export?_select=Emial", ua, avery)
	if msg, _ := res.d["Message"].(string); !strings.Contains(msg, "Emial") || !strings.Contains(msg, "PrimaryEmail") {
		t.Errorf("message %q should name the unknown field and suggest PrimaryEmail", msg)
	}
}
