package contracttest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
)

// TestJudgeSchemaChoicesOnlyWhenStrict: a page legal under the documented view but not under
// the whole of openapi.yaml (Birthday, an x-choice form, in another form) passes
// conformance.schema, and breaks conformance.schema-choices only for a strict Judge.
func TestJudgeSchemaChoicesOnlyWhenStrict(t *testing.T) {
	const body = `{"D":{"Success":true,"ExportTimestamp":"2026-11-28T06:00:00","Results":[` +
		`{"ResourceUri":"/v1/contacts/20100302134822083761604108","Id":"20100302134822083761604108","DisplayName":"A",` +
		`"ModificationTimestamp":"2012-06-14T14:49:13-05:00","Birthday":"08/17/1988"}]}}`
	u, _ := url.Parse("http://svc/v1/contacts/export?_limit=1")
	in := &contracttest.Exchange{Method: http.MethodGet, URL: u, Status: http.StatusOK,
		RequestHeader: http.Header{"Authorization": {"OAuth t"}, "X-Sparkapi-User-Agent": {"test"}},
		Header:        http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
	for _, strict := range []bool{false, true} {
		j, err := contracttest.NewJudge(context.Background(), contracttest.JudgeConfig{Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		var broke []string
		for _, v := range j.Check(context.Background(), in).Violations {
			broke = append(broke, v.Check)
		}
		want := 0
		if strict {
			want = 1
		}
		if len(broke) != want || (strict && broke[0] != "conformance.schema-choices") {
			t.Errorf("strict %v: got violations of %q, want %d of conformance.schema-choices", strict, broke, want)
		}
	}
}
