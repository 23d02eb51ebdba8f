package contracttest

import (
	"strings"
	"testing"
)

func TestReportFailures(t *testing.T) {
	rep := &Report{Results: []Result{
		{ID: "envelope.d", Status: StatusPassed, Reason: "fine"},
		{ID: "paging.limit", Status: StatusFailed, Reason: "got 30 rows for _limit=25",
			Evidence: []Evidence{{Request: "GET /v1/contacts/export?_limit=25", Status: 200}}},
		{ID: "filter.match", Status: StatusErrored, Reason: "no answer"},
		{ID: "roles.idx", Status: StatusSkipped, Reason: "no IDX token"},
	}}
	got := rep.Failures()
	for _, want := range []string{"\nfailed paging.limit: got 30 rows for _limit=25\n    ", "_limit=25", "\nerrored filter.match: no answer"} {
		if !strings.Contains(got, want) {
			t.Errorf("Failures() = %q, want it to hold %q", got, want)
		}
	}
	for _, not := range []string{"envelope.d", "roles.idx"} {
		if strings.Contains(got, not) {
			t.Errorf("Failures() = %q lists %s, which did not fail", got, not)
		}
	}
	if (&Report{Results: rep.Results[:1]}).Failures() != "" {
		t.Error("a report without failures gives a non-empty Failures()")
	}
}

// TestEvidenceExchange: the one line every report writes for a piece of evidence's request,
// and String's use of it.
func TestEvidenceExchange(t *testing.T) {
	for _, c := range []struct {
		name     string
		e        Evidence
		exchange string
		str      string
	}{
		{name: "no request", e: Evidence{Message: "m", Body: "{}"}, exchange: "", str: "m body: {}"},
		{name: "request only", e: Evidence{Message: "m", Request: "GET /x"}, exchange: "GET /x", str: "m [GET /x]"},
		{name: "all", e: Evidence{Message: "m", Request: "GET /x", Credentials: "no credentials", Status: 401},
			exchange: "GET /x (no credentials) → 401", str: "m [GET /x (no credentials) → 401]"},
	} {
		if got := c.e.Exchange(); got != c.exchange {
			t.Errorf("%s: Exchange() = %q, want %q", c.name, got, c.exchange)
		}
		if got := c.e.String(); got != c.str {
			t.Errorf("%s: String() = %q, want %q", c.name, got, c.str)
		}
	}
}
