package proxy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/proxy"
)

// TestBrokenUpstreamsAreReported puts the proxy in front of broken variants of the mock: each
// break must be reported under the id of the suite's check for the rule, in
// X-Contract-Violations and GET /_mock/violations; with -fail-on-violation the client gets a
// 502 envelope naming it instead.
func TestBrokenUpstreamsAreReported(t *testing.T) {
	const all, own = "/v1/contacts/export/all", "/v1/contacts/export"
	tests := []struct {
		name   string
		wrap   func(http.Handler) http.Handler
		url    string // path and query
		token  string
		agent  string // the client's X-SparkApi-User-Agent; "-" sends none
		strict bool
		check  string
	}{
		{name: "OwnerId on /export", check: "own-all.owner-id", url: own + "?_limit=3", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			c["OwnerId"] = "20100412160312774200000000"
		})},
		{name: "no OwnerId on /export/all", check: "own-all.owner-id", url: all + "?_limit=3", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			delete(c, "OwnerId")
		})},
		{name: "_limit ignored", check: "paging.limit", url: own + "?_limit=2", wrap: mockedit.Query(func(q url.Values) { q.Del("_limit") })},
		{name: "more than the default page", check: "paging.default-size", url: own, wrap: mockedit.Query(func(q url.Values) { q.Set("_limit", "12") })},
		{name: "more than the maximum of /export/all", check: "paging.over-max", url: all + "?_limit=25", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			res, _ := d["Results"].([]any)
			d["Results"] = append(res, res[:5]...)
			return status
		})},
		{name: "the same contact twice on a page", check: "paging.disjoint", url: own + "?_limit=4", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			res, _ := d["Results"].([]any)
			d["Results"] = append(res[:3:3], res[0])
			return status
		})},
		{name: "_filter ignored", check: "filter.match", url: all + "?_limit=25&_filter=" + url.QueryEscape("Tags Eq 'Hot Prospect'"), wrap: mockedit.Query(func(q url.Values) { q.Del("_filter") })},
		{name: "a bad filter accepted", check: "filter.bad", url: all + "?_filter=" + url.QueryEscape("PrimaryEmail Eqq 'x'"), wrap: mockedit.Query(func(q url.Values) { q.Del("_filter") })},
		{name: "_select ignored", check: "select.fields", url: own + "?_select=DisplayName&_limit=5", wrap: mockedit.Query(func(q url.Values) { q.Del("_select") })},
		{name: "_select drops ResourceUri (strict)", check: "select.keeps-id", strict: true, url: own + "?_select=DisplayName&_limit=5", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			delete(c, "ResourceUri")
		})},
		{name: "Success true on a 403", check: "envelope.success", url: own, token: "idx-member-avery", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			d["Success"] = true
			return status
		})},
		{name: "an error without Code", check: "envelope.error", url: own, token: "idx-member-avery", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			delete(d, "Code")
			return status
		})},
		{name: "text/html", check: "conformance.content-type", url: own, wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			h.Set("Content-Type", "text/html; charset=utf-8")
			return status, body
		})},
		{name: "a ResourceUri off the schema", check: "conformance.schema", url: own + "?_limit=4", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if i == 2 {
				c["ResourceUri"] = "contacts/1"
			}
		})},
		{name: "422 for a bad parameter", check: "conformance.status", url: own + "?_page=0", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			return http.StatusUnprocessableEntity, body
		})},
		{name: "a bad _page accepted", check: "bad-input.page", url: own + "?_page=0", wrap: mockedit.Query(func(q url.Values) { q.Set("_page", "1") })},
		{name: "_limit past the maximum clamped (strict)", check: "paging.over-max-rejected", strict: true, url: all + "?_limit=26", wrap: mockedit.Query(func(q url.Values) { q.Set("_limit", "25") })},
		{name: "Pagination without asking", check: "paging.no-pagination", url: own + "?_limit=2", wrap: mockedit.Query(func(q url.Values) { q.Set("_pagination", "1") })},
		{name: "count with contacts", check: "paging.count", url: own + "?_pagination=count", wrap: mockedit.Query(func(q url.Values) { q.Set("_pagination", "1") })},
		{name: "wrong TotalPages", check: "paging.arithmetic", url: own + "?_limit=7&_page=2&_pagination=1", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			p := d["Pagination"].(map[string]any)
			n, _ := p["TotalPages"].(json.Number).Int64()
			p["TotalPages"] = n + 1
			return status
		})},
		{name: "_skip ignored", check: "paging.skip", url: own + "?_skip=3&_limit=2&_pagination=1", wrap: mockedit.Query(func(q url.Values) { q.Del("_skip") })},
		{name: "no credentials accepted", check: "auth.no-credentials", url: own, token: "-", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("Authorization", "OAuth private-member-avery")
				next.ServeHTTP(w, r)
			})
		}},
		{name: "no user agent accepted", check: "auth.user-agent", url: own, agent: "-", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("X-SparkApi-User-Agent", "added-upstream")
				next.ServeHTTP(w, r)
			})
		}},
		{name: "a filter over the limits accepted", check: "filter.limits", url: all + "?_filter=" + url.QueryEscape(strings.Repeat("Tags Eq 'x' Or ", 75)+"Tags Eq 'x'"), wrap: mockedit.Query(func(q url.Values) { q.Del("_filter") })},
		{name: "a negative _skip accepted", check: "bad-input.skip", url: own + "?_skip=-1", wrap: mockedit.Query(func(q url.Values) { q.Set("_skip", "0") })},
		{name: "_pagination=2 accepted", check: "bad-input.pagination", url: own + "?_pagination=2", wrap: mockedit.Query(func(q url.Values) { q.Set("_pagination", "1") })},
		{name: "a bad _orderby accepted", check: "bad-input.orderby", url: own + "?_orderby=" + url.QueryEscape("Display Name"), wrap: mockedit.Query(func(q url.Values) { q.Del("_orderby") })},
		{name: "a negative _limit accepted (strict)", check: "bad-input.limit", strict: true, url: own + "?_limit=-1", wrap: mockedit.Query(func(q url.Values) { q.Set("_limit", "10") })},
		{name: "a bad _select accepted (strict)", check: "bad-input.select", strict: true, url: own + "?_select=" + url.QueryEscape("Display Name"), wrap: mockedit.Query(func(q url.Values) { q.Del("_select") })},
		{name: "ExportTimestamp with a zone", check: "incremental.export-timestamp", url: own, wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			d["ExportTimestamp"] = d["ExportTimestamp"].(string) + "-05:00"
			return status
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			upstream := serve(t, tc.wrap(newMock(t)))
			token := tc.token
			switch token {
			case "":
				token = "private-mls"
			case "-":
				token = ""
			}
			agent := tc.agent
			if agent == "" {
				agent = "proxy-test"
			}
			if tc.strict { // a [choice] rule: judged only when strict
				_, srv := newProxy(t, upstream.URL, nil)
				getAs(t, srv.URL+tc.url, token, agent)
				if checks, _, _ := violationsOf(t, srv.URL); slices.Contains(checks, tc.check) {
					t.Errorf("not strict: got violations %v, want no %s", checks, tc.check)
				}
			}
			for _, fail := range []bool{false, true} {
				_, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.Strict = tc.strict; c.FailOnViolation = fail })
				res, body := getAs(t, srv.URL+tc.url, token, agent)
				n, _ := strconv.Atoi(res.Header.Get(proxy.HeaderViolations))
				if n < 1 {
					t.Fatalf("fail-on-violation %v: got %s=%q (status %d), want at least 1: %.300s", fail, proxy.HeaderViolations, res.Header.Get(proxy.HeaderViolations), res.StatusCode, body)
				}
				checks, _, _ := violationsOf(t, srv.URL)
				if !slices.Contains(checks, tc.check) {
					t.Errorf("got violations %v, want one of %s", checks, tc.check)
				}
				if !fail {
					if res.StatusCode == http.StatusBadGateway {
						t.Errorf("got 502 without -fail-on-violation, want the upstream's answer unchanged")
					}
					continue
				}
				if res.StatusCode != http.StatusBadGateway || res.Header.Get(proxy.HeaderFault) != proxy.FaultViolations {
					t.Errorf("with -fail-on-violation: got %d (%s=%q), want 502 (violations)", res.StatusCode, proxy.HeaderFault, res.Header.Get(proxy.HeaderFault))
				}
				code, msg := envelope(t, body)
				if code != 502 || !strings.Contains(msg, tc.check+": ") {
					t.Errorf("with -fail-on-violation: got code %d, message %q; want 502 naming %s", code, msg, tc.check)
				}
				t.Logf("%v: %s", checks, msg)
			}
		})
	}
}
