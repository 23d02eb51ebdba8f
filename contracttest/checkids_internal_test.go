package contracttest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEveryCheckIDIsInTheCatalog: every id the package declares, and every id the Judge can
// report under, is a check of Checks(). (A string cannot become a checkID, so an id typed
// anywhere else does not compile.)
func TestEveryCheckIDIsInTheCatalog(t *testing.T) {
	inCatalog := map[string]bool{}
	for _, c := range Checks() {
		inCatalog[c.ID] = true
	}
	for _, id := range declaredIDs {
		if !inCatalog[id.name] {
			t.Errorf("check id %q is declared but not in Checks()", id)
		}
	}
	if len(declaredIDs) != len(inCatalog) {
		t.Errorf("%d ids declared, %d checks in the catalog: they must be the same set", len(declaredIDs), len(inCatalog))
	}
	for id := range exchangeChecks {
		if !inCatalog[id.name] {
			t.Errorf("exchangeChecks holds %q, not in Checks()", id)
		}
	}
	for name, id := range badParamChecks {
		if !inCatalog[id.name] {
			t.Errorf("badParamChecks[%s] = %q, not in Checks()", name, id)
		}
	}
}

// TestJudgeReportsOnlyCatalogIDs runs the Judge over broken and sound exchanges and checks
// that every id it reports, judged or broken, is one of ExchangeChecks().
func TestJudgeReportsOnlyCatalogIDs(t *testing.T) {
	j, err := NewJudge(context.Background(), JudgeConfig{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, c := range ExchangeChecks() {
		allowed[c.ID] = true
	}
	const contact = `{"ResourceUri":"/v1/contacts/20100302134822083761604108","Id":"20100302134822083761604108","DisplayName":"A","ModificationTimestamp":"2012-06-14T14:49:13-05:00"}`
	const owned = `{"ResourceUri":"/v1/contacts/20100302134822083761604109","Id":"20100302134822083761604109","OwnerId":"20000426173054342350000000","DisplayName":"B","ModificationTimestamp":"2012-06-14T14:49:13-05:00"}`
	page := func(rows ...string) string {
		return `{"D":{"Success":true,"ExportTimestamp":"2026-11-28T06:00:00","Results":[` + strings.Join(rows, ",") + `],"Pagination":{"TotalRows":2,"PageSize":1,"TotalPages":1,"CurrentPage":1}}}`
	}
	const errBody = `{"D":{"Success":false,"Code":1000,"Message":"no"}}`
	cases := []struct {
		url, auth, body string
		status          int
	}{
		{"/v1/contacts/export?_pagination=1", "OAuth t", page(contact), 200},
		{"/v1/contacts/export?_limit=1&_pagination=1", "OAuth t", page(owned, contact, contact), 200},
		{"/v1/contacts/export/all?_limit=500", "OAuth t", page(contact), 200},
		{"/v1/contacts/export/all?_pagination=count&_skip=1&_select=DisplayName", "OAuth t", page(owned), 200},
		{"/v1/contacts/export?_page=0&_orderby=Nope", "OAuth t", page(), 200},
		{"/v1/contacts/export?_filter=" + url.QueryEscape("DisplayName Eq 'Z'"), "OAuth t", page(contact), 200},
		{"/v1/contacts/export?_filter=" + url.QueryEscape("Nope Eq"), "OAuth t", page(contact), 200},
		{"/v1/contacts/export", "", page(contact), 200},
		{"/v1/contacts/export", "OAuth t", `{"D":{"Success":true}}`, 500},
		{"/v1/contacts/export", "OAuth t", `not json`, 200},
		{"/v1/contacts/export", "OAuth t", errBody, 401},
	}
	for _, c := range cases {
		u, _ := url.Parse("http://svc" + c.url)
		hdr := http.Header{"X-Sparkapi-User-Agent": {"test"}}
		if c.auth != "" {
			hdr.Set("Authorization", c.auth)
		}
		out := j.Check(context.Background(), &Exchange{Method: http.MethodGet, URL: u, RequestHeader: hdr, Status: c.status,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(c.body)})
		if len(out.Judged) == 0 {
			t.Errorf("%s: nothing judged", c.url)
		}
		for _, id := range out.Judged {
			if !allowed[id] {
				t.Errorf("%s: judged under %q, not one of ExchangeChecks()", c.url, id)
			}
		}
		for _, v := range out.Violations {
			if !allowed[v.Check] {
				t.Errorf("%s: a violation of %q, not one of ExchangeChecks(): %s", c.url, v.Check, v.Message)
			}
		}
	}
}
