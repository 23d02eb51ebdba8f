package contracttest

import (
	"strings"
	"testing"
)

// TestReportMasksEchoedTokens: a token a server echoes JSON-escaped or upper-cased is masked
// in the report like the token itself.
func TestReportMasksEchoedTokens(t *testing.T) {
	const tok = "private-company-smith"
	rep := &Report{Results: []Result{{Reason: "PRIVATE-COMPANY-SMITH was refused", Evidence: []Evidence{{
		Body:    `{"D":{"Message":"unknown token private\u002dcompany\u002dsmith"}}`,
		Message: "Private-Company-Smith",
	}}}}}
	newMasker([]string{tok}).maskReport(rep)
	for _, text := range []string{rep.Results[0].Reason, rep.Results[0].Evidence[0].Body, rep.Results[0].Evidence[0].Message} {
		if strings.Contains(strings.ToLower(text), "company") {
			t.Errorf("the report shows the token: %s", text)
		}
	}
}
