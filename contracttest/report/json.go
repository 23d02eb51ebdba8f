package report

import (
	"encoding/json"
	"io"

	"github.com/sparkmock/sparkmock/contracttest"
)

// jsonReport is the JSON form: the report's own fields, durations in seconds, and totals.
type jsonReport struct {
	*contracttest.Report
	DurationSeconds float64      `json:"durationSeconds"`
	Totals          jsonTotals   `json:"totals"`
	Results         []jsonResult `json:"results"`
	Verdict         string       `json:"verdict"`
}

type jsonResult struct {
	contracttest.Result
	DurationSeconds float64 `json:"durationSeconds"`
}

type jsonTotals struct {
	Checks  int `json:"checks"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errored int `json:"errored"`
}

// JSON writes the report as one indented JSON object: every field of the report, each
// result with its evidence, the totals and a verdict ("PASS", "FAIL" or "ERROR").
func JSON(w io.Writer, r *contracttest.Report) error {
	t := r.Totals()
	out := jsonReport{Report: r, DurationSeconds: r.Duration.Seconds(), Verdict: verdict(r),
		Totals: jsonTotals{Checks: t.Checks, Passed: t.Passed, Failed: t.Failed, Skipped: t.Skipped, Errored: t.Errored}}
	out.Results = make([]jsonResult, len(r.Results))
	for i, res := range r.Results {
		out.Results[i] = jsonResult{Result: res, DurationSeconds: res.Duration.Seconds()}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
