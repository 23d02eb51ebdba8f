package mockserver_test

import (
	"testing"

	sparkmock "github.com/sparkmock/sparkmock"
)

// TestLimitMessageIsTheSpecsExample: the 400 for a _limit past its maximum says what
// openapi.yaml's BadRequest example promises, word for word, so the example cannot drift
// from the answer again.
func TestLimitMessageIsTheSpecsExample(t *testing.T) {
	doc, _ := spec(t)
	ex := doc.Components.Responses["BadRequest"].Value.Content["application/json"].Examples["limit"].Value.Value
	want := ex.(map[string]any)["D"].(map[string]any)["Message"].(string)

	m := newMock(t)
	res := m.get(t, sparkmock.PathExportAll+"?_limit=500", ua, mls)
	if res.status != 400 || res.code() != sparkmock.CodeBadParameter {
		t.Fatalf("_limit=500: status %d code %d, want 400/1053", res.status, res.code())
	}
	if got, _ := res.d["Message"].(string); got != want {
		t.Errorf("_limit=500 says\n  %q\nopenapi.yaml's example says\n  %q", got, want)
	}
}
