package e2e_test

import (
	"encoding/json"
	"fmt"
	"github.com/sparkmock/sparkmock"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/mockserver"
)

// variant is the mock with exactly one rule broken, and the check named for that rule.
type variant struct {
	name   string
	check  string // the id of the check that must fail
	strict bool   // the rule is a [choice]: only -strict checks it
	wrap   func(next http.Handler) http.Handler
}

// Tokens of the default fixtures the variants use.
const (
	privateToken = "private-company-prairie"
	idxToken     = "idx-member-avery"
	expiredToken = "expired-member-brooke"
	disabledTok  = "disabled-office-lakeshore"
)

// brokenVariants are the broken servers. Each breaks one rule; most wrap the mock and change
// the request it sees or the answer it gives.
func brokenVariants() []variant {
	return []variant{
		{name: "data for an IDX token", check: "roles.idx", wrap: swapToken(idxToken, privateToken)},
		{name: "data for an expired token", check: "roles.expired", wrap: swapToken(expiredToken, privateToken)},
		{name: "data for a disabled key", check: "roles.disabled", wrap: swapToken(disabledTok, privateToken)},
		{name: "an unknown token accepted", check: "auth.unknown-token", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tok := strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth "); strings.HasPrefix(tok, "contracttest-") {
					r.Header.Set("Authorization", "OAuth "+privateToken)
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "401 with the wrong code", check: "auth.no-credentials", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status == 401 && d["Code"] == json.Number("1000") {
				d["Code"] = 1020
			}
			return status
		})},
		{name: "missing user agent accepted", check: "auth.user-agent", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-SparkApi-User-Agent") == "" {
					r.Header.Set("X-SparkApi-User-Agent", "added")
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "Bearer rejected", check: "auth.bearer", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
					r.Header.Set("Authorization", "Basic eDp5")
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "Private refused on /export/all", check: "roles.private", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status == 200 && strings.HasSuffix(r.URL.Path, "/all") && r.URL.Query().Get("_limit") == "1" {
				clear(d)
				d["Success"], d["Code"], d["Message"] = false, 1500, "no"
				return 403
			}
			return status
		})},
		{name: "a 200 on POST", check: "methods.not-allowed", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					r.Method = http.MethodGet
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "an empty 405 body", check: "methods.envelope", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			if status == 405 {
				return status, nil
			}
			return status, body
		})},
		{name: "_limit ignored", check: "paging.limit", wrap: mockedit.Query(func(q url.Values) { q.Del("_limit") })},
		{name: "_limit=0 rejected", check: "paging.limit", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if r.URL.Query().Get("_limit") == "0" {
				clear(d)
				d["Success"], d["Code"], d["Message"] = false, 1053, "_limit must be 1 or more"
				return 400
			}
			return status
		})},
		{name: "default page size 25", check: "paging.default-size", wrap: mockedit.Query(func(q url.Values) {
			if !q.Has("_limit") {
				q.Set("_limit", "25")
			}
		})},
		{name: "maximum _limit on /export rejected", check: "paging.max-limit", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if r.URL.Path == sparkmock.PathExport && r.URL.Query().Get("_limit") == "100" {
				clear(d)
				d["Success"], d["Code"], d["Message"] = false, 1053, "_limit must be at most 25"
				return 400
			}
			return status
		})},
		{name: "past the maximum, more rows than the maximum", check: "paging.over-max", wrap: overMaxMoreRows},
		{name: "duplicate rows across pages", check: "paging.disjoint", wrap: overlappingPages},
		{name: "a row missing from the pages", check: "paging.complete", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if res, ok := d["Results"].([]any); ok && r.URL.Query().Get("_page") == "2" && len(res) > 0 && r.URL.Query().Get("_filter") == "" {
				d["Results"] = res[1:]
			}
			return status
		})},
		{name: "wrong Pagination arithmetic", check: "paging.arithmetic", wrap: mockedit.Pagination(func(r *http.Request, p map[string]any) {
			p["TotalPages"] = num(p["TotalPages"]) + 1
		})},
		{name: "count disagreeing with 1", check: "paging.count", wrap: mockedit.Pagination(func(r *http.Request, p map[string]any) {
			if r.URL.Query().Get("_pagination") == "count" {
				p["TotalRows"] = num(p["TotalRows"]) + 3
				p["TotalPages"] = (num(p["TotalRows"]) + num(p["PageSize"]) - 1) / max(1, num(p["PageSize"]))
			}
		})},
		{name: "Pagination without asking", check: "paging.no-pagination", wrap: mockedit.Query(func(q url.Values) {
			if q.Get("_pagination") == "0" || !q.Has("_pagination") {
				q.Set("_pagination", "1")
			}
		})},
		{name: "_skip ignored", check: "paging.skip", wrap: mockedit.Query(func(q url.Values) { q.Del("_skip") })},
		{name: "missing Success", check: "envelope.success", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status == 200 {
				delete(d, "Success")
			}
			return status
		})},
		{name: "an error without Code", check: "envelope.error", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status >= 400 {
				delete(d, "Code")
			}
			return status
		})},
		{name: "an unquoted ExportTimestamp, like the documentation's sample", check: "envelope.json", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			return status, quotedExportTimestamp.ReplaceAll(body, []byte(`"ExportTimestamp":$1`))
		})},
		{name: "text/html", check: "conformance.content-type", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			h.Set("Content-Type", "text/html; charset=utf-8")
			return status, body
		})},
		{name: "a ResourceUri off the schema", check: "conformance.schema", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if i == 0 {
				c["ResourceUri"] = "contacts/" + fmt.Sprint(c["Id"])
			}
		})},
		{name: "422 instead of 400 for a bad parameter", check: "conformance.status", wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			if status == 400 {
				return http.StatusUnprocessableEntity, body
			}
			return status, body
		})},
		{name: "OwnerId on /export", check: "own-all.owner-id", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if !strings.HasSuffix(r.URL.Path, "/all") {
				c["OwnerId"] = "20100412160312774200000000"
			}
		})},
		{name: "/export not a subset of /export/all", check: "own-all.subset", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if !strings.HasSuffix(r.URL.Path, "/all") && i == 0 {
				id := fmt.Sprint(c["Id"])
				id = id[:len(id)-4] + "9999"
				c["Id"], c["ResourceUri"] = id, sparkmock.PathContact+id
			}
		})},
		{name: "_orderby ascending ignored", check: "order.asc", wrap: mockedit.Query(func(q url.Values) {
			if q.Get("_orderby") == "ModificationTimestamp" {
				q.Set("_orderby", "-ModificationTimestamp")
			}
		})},
		{name: "_orderby descending ignored", check: "order.desc", wrap: mockedit.Query(func(q url.Values) {
			q.Set("_orderby", strings.TrimPrefix(q.Get("_orderby"), "-"))
			if q.Get("_orderby") == "" {
				q.Del("_orderby")
			}
		})},
		{name: "_orderby compared as strings, not instants", check: "order.desc", wrap: orderAsStrings},
		{name: "_select ignored", check: "select.fields", wrap: mockedit.Query(func(q url.Values) { q.Del("_select") })},
		{name: "the filter ignored", check: "filter.match", wrap: mockedit.Query(func(q url.Values) { q.Del("_filter") })},
		{name: "a filter missing contacts", check: "filter.complete", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if res, ok := d["Results"].([]any); ok && r.URL.Query().Get("_filter") != "" && len(res) > 0 {
				d["Results"] = res[:len(res)-1]
				if p, ok := d["Pagination"].(map[string]any); ok {
					p["TotalRows"] = num(p["TotalRows"]) - 1
				}
			}
			return status
		})},
		{name: "a bad filter gets 1053 without SparkQLErrors", check: "filter.bad", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if d["Code"] == json.Number("1040") {
				d["Code"] = 1053
				delete(d, "SparkQLErrors")
			}
			return status
		})},
		{name: "filter limits not enforced", check: "filter.limits", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if d["Code"] == json.Number("1041") {
				d["Code"] = 1040
			}
			return status
		})},
		{name: "ExportTimestamp in the future", check: "incremental.export-timestamp", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if _, ok := d["ExportTimestamp"]; ok {
				chicago, _ := time.LoadLocation("America/Chicago")
				d["ExportTimestamp"] = time.Now().Add(26 * time.Hour).In(chicago).Format("2006-01-02T15:04:05")
			}
			return status
		})},
		{name: "ExportTimestamp with a zone", check: "incremental.export-timestamp", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if ts, ok := d["ExportTimestamp"].(string); ok {
				d["ExportTimestamp"] = ts + "-05:00"
			}
			return status
		})},
		{name: "ModificationTimestamp Gt ignored", check: "incremental.since", wrap: mockedit.Query(func(q url.Values) {
			if incrementalFilter.MatchString(q.Get("_filter")) {
				q.Del("_filter")
			}
		})},
		{name: "a 500 on bad input", check: "bad-input.no-5xx", wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status == 400 && d["Code"] == json.Number("1053") {
				d["Code"], d["Message"] = 500, "Internal server error"
				return 500
			}
			return status
		})},
		{name: "a bad _page clamped", check: "bad-input.page", wrap: clampParam("_page", "1")},
		{name: "a bad _skip clamped", check: "bad-input.skip", wrap: clampParam("_skip", "0")},
		{name: "a bad _pagination read as 0", check: "bad-input.pagination", wrap: clampParam("_pagination", "0")},
		{name: "an unknown _orderby field ignored", check: "bad-input.orderby", wrap: clampParam("_orderby", "ModificationTimestamp")},

		{name: "TotalPages one too many when PageSize divides TotalRows", check: "paging.arithmetic", wrap: mockedit.Pagination(func(r *http.Request, p map[string]any) {
			if rows, size := num(p["TotalRows"]), num(p["PageSize"]); size > 0 && rows%size == 0 {
				p["TotalPages"] = rows/size + 1
			}
		})},
		{name: "ModificationTimestamp literals read without their zone", check: "filter.complete", wrap: mockedit.Query(func(q url.Values) {
			if f := q.Get("_filter"); f != "" {
				q.Set("_filter", literalZone.ReplaceAllString(f, "$1"))
			}
		})},
		{name: "Or and And read left to right", check: "filter.complete", wrap: mockedit.Query(func(q url.Values) {
			f := q.Get("_filter")
			if i := strings.LastIndex(f, " And "); i > 0 && strings.Contains(f[:i], " Or ") && !strings.Contains(f, "(") {
				q.Set("_filter", "("+f[:i]+")"+f[i:])
			}
		})},
		{name: "an empty user agent accepted", check: "auth.user-agent", wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if vs, ok := r.Header["X-Sparkapi-User-Agent"]; ok && strings.TrimSpace(strings.Join(vs, "")) == "" {
					r.Header.Set("X-SparkApi-User-Agent", "anonymous")
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "TotalRows ignoring _filter", check: "filter.total-rows", wrap: totalRowsIgnoringFilter},
		{name: "/export/all leaving out a controlled account's contacts", check: "own-all.controlled", wrap: allWithOwners(privateToken, func(owner string) bool { return owner != downtownID })},
		{name: "/export/all holding an unrelated account's contacts", check: "own-all.outsider", wrap: allWithOwners("private-mls", func(owner string) bool { return owner == northstarID || underPrairie(owner) })},
		{name: "own contacts on /export/all with another OwnerId", check: "own-all.subset", wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if strings.HasSuffix(r.URL.Path, "/all") && c["OwnerId"] == prairieID {
				c["OwnerId"] = downtownID
			}
		})},

		// [choice] rules: caught in strict mode only.
		{name: "403 with code 1403", check: "roles.forbidden-code", strict: true, wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if status == 403 {
				d["Code"] = 1403
			}
			return status
		})},
		{name: "no Allow header on 405", check: "methods.allow-header", strict: true, wrap: mockedit.Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
			h.Del("Allow")
			return status, body
		})},
		{name: "a 200 on PATCH", check: "methods.patch", strict: true, wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPatch {
					r.Method = http.MethodGet
				}
				next.ServeHTTP(w, r)
			})
		}},
		{name: "_limit past the maximum clamped", check: "paging.over-max-rejected", strict: true, wrap: clampLimit},
		{name: "a page past the end rejected", check: "paging.past-end", strict: true, wrap: mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			if res, ok := d["Results"].([]any); ok && status == 200 && len(res) == 0 && r.URL.Query().Get("_page") != "" && r.URL.Query().Get("_pagination") != "count" {
				clear(d)
				d["Success"], d["Code"], d["Message"] = false, 1053, "_page past the end"
				return 400
			}
			return status
		})},
		{name: "default order by ModificationTimestamp", check: "order.default", strict: true, wrap: mockedit.Query(func(q url.Values) {
			if !q.Has("_orderby") {
				q.Set("_orderby", "ModificationTimestamp")
			}
		})},
		{name: "_select drops ResourceUri", check: "select.keeps-id", strict: true, wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			if r.URL.Query().Has("_select") {
				delete(c, "ResourceUri")
			}
		})},
		{name: "a bad _limit clamped", check: "bad-input.limit", strict: true, wrap: clampParam("_limit", "10")},
		{name: "Birthday in a form openapi.yaml does not give", check: "conformance.schema-choices", strict: true, wrap: mockedit.Results(func(r *http.Request, i int, c map[string]any) {
			c["Birthday"] = "08/17/1988"
		})},
		{name: "an unknown _select field ignored", check: "bad-input.select", strict: true, wrap: clampParam("_select", "DisplayName")},
		{name: "_expand ignored", check: "bad-input.expand", strict: true, wrap: mockedit.Query(func(q url.Values) { q.Del("_expand") })},
	}
}

// TestBrokenVariantsAreCaught runs the suite against each broken variant: the check named
// for the broken rule must fail. It also runs the harness without a break, which must pass,
// so a variant is caught for its break, not for the wrapping.
func TestBrokenVariantsAreCaught(t *testing.T) {
	variants := brokenVariants()
	if len(variants) < 15 {
		t.Fatalf("got %d broken variants, want at least 15", len(variants))
	}
	catalog := map[string]bool{}
	for _, c := range contracttest.Checks() {
		catalog[c.ID] = true
	}
	t.Run("no break", func(t *testing.T) {
		t.Parallel()
		identity := mockedit.JSON(func(r *http.Request, status int, d map[string]any) int { return status })
		rep := check(t, identity(newMock(t, mockserver.DefaultSeed, frozenClock(frozen))), contracttest.Target{Tokens: allTokens(privateToken)}, contracttest.Config{Strict: true})
		if f := rep.Failures(); f != "" {
			t.Errorf("the harness alone breaks the contract:%s", f)
		}
	})
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			if !catalog[v.check] {
				t.Fatalf("check %q is not in the catalog", v.check)
			}
			h := v.wrap(newMock(t, mockserver.DefaultSeed, frozenClock(frozen)))
			rep := check(t, h, contracttest.Target{Tokens: allTokens(privateToken)}, contracttest.Config{Strict: v.strict})
			r, ok := rep.Result(v.check)
			if !ok {
				t.Fatalf("no result for %s", v.check)
			}
			var also []string
			for _, o := range rep.Results {
				if o.Status == contracttest.StatusFailed && o.ID != v.check {
					also = append(also, o.ID)
				}
			}
			sort.Strings(also)
			if r.Status != contracttest.StatusFailed {
				t.Errorf("escaped: %s is %s (%s), want failed; failed instead: %v", v.check, r.Status, r.Reason, also)
				return
			}
			for _, e := range r.Evidence {
				// Each piece of evidence about a request carries it as a ready curl line.
				if e.Request != "" && (!strings.HasPrefix(e.Curl, "curl ") || strings.Contains(e.Curl, privateToken) ||
					!strings.Contains(e.Curl, "X-SparkApi-User-Agent") && !strings.Contains(e.Credentials, "no X-SparkApi-User-Agent") || strings.Contains(e.Credentials, "token priv") && !strings.Contains(e.Curl, "$TOKEN")) {
					t.Errorf("evidence of %s: curl line %q, want a ready command with $TOKEN and the user agent", e.Request, e.Curl)
				}
			}
			t.Logf("caught by %s: %s; also failed: %v", v.check, r.Evidence[0].Message, also)
		})
	}
	t.Logf("%d broken variants", len(variants))
}

// swapToken makes the mock see one token as another.
func swapToken(from, to string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "OAuth "+from {
				r.Header.Set("Authorization", "OAuth "+to)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clampParam replaces a value the mock would reject with a valid one, as a server that
// clamps or ignores bad input would.
func clampParam(name, valid string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Has(name) {
				probe := httptest.NewRecorder()
				next.ServeHTTP(probe, r.Clone(r.Context()))
				if probe.Code == 400 {
					q.Set(name, valid)
					r.URL.RawQuery = q.Encode()
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func num(v any) int {
	switch x := v.(type) {
	case json.Number:
		n, _ := strconv.Atoi(string(x))
		return n
	case int:
		return x
	}
	return 0
}

var (
	// literalZone finds the zone of a datetime literal.
	literalZone           = regexp.MustCompile(`(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|[+-]\d\d:?\d\d)`)
	quotedExportTimestamp = regexp.MustCompile(`"ExportTimestamp":"([^"]*)"`)
	incrementalFilter     = regexp.MustCompile(`^ModificationTimestamp Gt \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)
)

// overlappingPages starts every page after the first one row early: the last row of a page
// is the first of the next.
func overlappingPages(next http.Handler) http.Handler {
	inner := mockedit.Pagination(func(r *http.Request, p map[string]any) {
		if page := r.Header.Get("X-Broken-Page"); page != "" {
			delete(p, "CurrentOffset")
			p["CurrentPage"], _ = strconv.Atoi(page)
		}
	})(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("_page"))
		limit := 10
		if l, err := strconv.Atoi(q.Get("_limit")); err == nil {
			limit = l
		}
		if page >= 2 && limit > 0 {
			q.Del("_page")
			q.Set("_skip", strconv.Itoa((page-1)*limit-1))
			r.URL.RawQuery = q.Encode()
			r.Header.Set("X-Broken-Page", strconv.Itoa(page))
		}
		inner.ServeHTTP(w, r)
	})
}

// overMaxMoreRows answers _limit past the maximum of /export/all with one row too many.
func overMaxMoreRows(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if strings.HasSuffix(r.URL.Path, "/all") && q.Get("_limit") == "26" {
			q.Set("_limit", "25")
			r.URL.RawQuery = q.Encode()
			mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
				if res, ok := d["Results"].([]any); ok && len(res) > 0 {
					extra := map[string]any{}
					for k, v := range res[0].(map[string]any) {
						extra[k] = v
					}
					extra["Id"], extra["ResourceUri"] = "99999999999999999999999999", sparkmock.PathContact+"99999999999999999999999999"
					d["Results"] = append(res, extra)
				}
				return status
			})(next).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// farOffset is an offset no US zone has: a server may write any offset, the instant is what
// counts.
var farOffset = time.FixedZone("+14:00", 14*3600)

// mixedOffsets writes the ModificationTimestamp of every contact with an even Id at +14:00:
// the same instants, other text. Timestamps a few hours apart then sort one way as
// instants and the other way as text.
func mixedOffsets(next http.Handler) http.Handler {
	return mockedit.Results(func(r *http.Request, i int, c map[string]any) {
		id, _ := c["Id"].(string)
		ts, _ := c["ModificationTimestamp"].(string)
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil || id == "" || (id[len(id)-1]-'0')%2 != 0 {
			return
		}
		c["ModificationTimestamp"] = t.In(farOffset).Format(time.RFC3339)
	})(next)
}

// orderAsStrings serves mixedOffsets, but sorts -ModificationTimestamp on the text of the
// timestamps, as a server that forgets they are instants would.
func orderAsStrings(next http.Handler) http.Handler {
	base := mixedOffsets(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("_orderby") != "-ModificationTimestamp" {
			base.ServeHTTP(w, r)
			return
		}
		limit, _ := strconv.Atoi(q.Get("_limit"))
		page, _ := strconv.Atoi(q.Get("_page"))
		page = max(page, 1)
		all := fetchAll(base, r)
		text := func(i int) string { return fmt.Sprint(all[i].(map[string]any)["ModificationTimestamp"]) }
		sort.SliceStable(all, func(i, j int) bool { return text(i) > text(j) })
		mockedit.JSON(func(r *http.Request, status int, d map[string]any) int {
			from := min(len(all), (page-1)*limit)
			d["Results"] = all[from:min(len(all), from+limit)]
			return status
		})(base).ServeHTTP(w, r)
	})
}

// fetchAll reads every contact of the request's path from h, in the request's order (the
// default one unless its query has _orderby).
func fetchAll(h http.Handler, r *http.Request) []any {
	var all []any
	for p := 1; ; p++ {
		q := r.URL.Query()
		q.Set("_limit", "25")
		q.Set("_page", strconv.Itoa(p))
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r2)
		var env struct{ D struct{ Results []any } }
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || len(env.D.Results) == 0 {
			return all
		}
		all = append(all, env.D.Results...)
	}
}

// totalRowsIgnoringFilter answers a filtered request with the Pagination of the whole path.
func totalRowsIgnoringFilter(next http.Handler) http.Handler {
	return mockedit.Pagination(func(r *http.Request, p map[string]any) {
		q := r.URL.Query()
		if !q.Has("_filter") {
			return
		}
		q.Del("_filter")
		q.Set("_pagination", "count")
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r2)
		var env struct {
			D struct{ Pagination map[string]any }
		}
		if json.Unmarshal(rec.Body.Bytes(), &env) == nil && env.D.Pagination != nil {
			p["TotalRows"], p["TotalPages"] = env.D.Pagination["TotalRows"], env.D.Pagination["TotalPages"]
		}
	})(next)
}

// Accounts of the default fixtures.
const (
	prairieID   = "20100412160312774200000000" // Prairie Realty Group: privateToken's account
	downtownID  = "20100603143005118830000000" // Prairie Realty Downtown, under it
	northstarID = "20100830134527790660000000" // Northstar Homes, not under it
)

// underPrairie says whether an account is Prairie Realty Group or under its control.
func underPrairie(id string) bool {
	tree, err := fixtures.Default()
	if err != nil {
		panic(err)
	}
	parent := map[string]string{}
	for _, a := range tree.Accounts {
		parent[a.ID] = a.ParentID
	}
	for ; id != ""; id = parent[id] {
		if id == prairieID {
			return true
		}
	}
	return false
}

// allWithOwners answers privateToken's /export/all as the token as sees it, kept to the
// contacts whose owner keep accepts: a server whose idea of "under control" is wrong. The
// mock's own filter does it, so Pagination stays consistent.
func allWithOwners(as string, keep func(owner string) bool) func(http.Handler) http.Handler {
	tree, err := fixtures.Default()
	if err != nil {
		panic(err)
	}
	var owners []string
	for _, a := range tree.Accounts {
		if keep(a.ID) {
			owners = append(owners, "'"+a.ID+"'")
		}
	}
	only := "OwnerId Eq " + strings.Join(owners, ",")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/all") && r.Header.Get("Authorization") == "OAuth "+privateToken {
				r.Header.Set("Authorization", "OAuth "+as)
				q := r.URL.Query()
				if f := q.Get("_filter"); f != "" {
					q.Set("_filter", "("+f+") And "+only)
				} else {
					q.Set("_filter", only)
				}
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	}
}
