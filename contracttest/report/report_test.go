package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"github.com/sparkmock/sparkmock/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/contracttest/report"
)

// hostile is evidence a malicious or broken server could send back: markup, a CDATA end,
// a terminal escape sequence, a NUL, a character XML cannot hold, a bidirectional override.
const hostile = "<script>alert(\"x\")</script> ]]> \x1b[31mred\x1b[0m \x00 \x01 \u202egnp.exe & done"

// sample is a report of every kind of result, at a pinned time.
func sample() *contracttest.Report {
	started := time.Date(2026, 1, 31, 13, 45, 0, 0, time.UTC)
	return &contracttest.Report{
		BaseURL:   "https://spark.example.com",
		UserAgent: "sparkmock-contracttest/1.0",
		Headers:   []string{"X-Mock-Now: 2026...Z"},
		Strict:    true,
		Rate:      5,
		Started:   started,
		Duration:  1500 * time.Millisecond,
		Requests:  212,
		Results: []contracttest.Result{
			{ID: "auth.no-credentials", Group: "auth", Source: contracttest.SourceDoc, Status: contracttest.StatusPassed,
				Description: "No Authorization header: 401, code 1000, on both paths.", Duration: 20 * time.Millisecond},
			{ID: "auth.unknown-token", Group: "auth", Source: contracttest.SourceDoc, Status: contracttest.StatusFailed,
				Description: "An unknown token: 401, code 1000, on both paths.", Duration: 30 * time.Millisecond,
				Evidence: []contracttest.Evidence{
					{Request: "GET https://spark.example.com/v1/contacts/export", Credentials: "token contracttest-unknown-token-8f3a61c2", Status: 200,
						Body: `{"D":{"Success":true,"Results":[]}}`, Message: "got 200, want 401 with code 1000",
						Curl: `curl -s -H 'X-SparkApi-User-Agent: sparkmock-contracttest/1.0' -H "Authorization: OAuth $TOKEN" 'https://spark.example.com/v1/contacts/export'`},
					{Request: "GET https://spark.example.com/v1/contacts/export/all", Credentials: "token contracttest-unknown-token-8f3a61c2", Status: 200,
						Body: hostile, Message: "got 200, want 401 with code 1000"},
				}, Omitted: 3},
			{ID: "roles.vow", Group: "roles", Source: contracttest.SourceDoc, Status: contracttest.StatusSkipped,
				Description: "A VOW token gets 403, and no contacts, on both paths.", Reason: "no vow token given (-token vow=…): role not covered"},
			{ID: "roles.forbidden-code", Group: "roles", Source: contracttest.SourceChoice, Status: contracttest.StatusPassed,
				Description: "The 403 answers of the IDX, Public, VOW and Portal tokens carry code 1500.", Reason: "2 roles"},
			{ID: "paging.limit", Group: "paging", Source: contracttest.SourceDoc, Status: contracttest.StatusErrored,
				Description: "_limit=n returns min(n, TotalRows) contacts; _limit=0 is allowed and returns none.",
				Reason:      "GET https://spark.example.com/v1/contacts/export?_limit=1: no answer within 30s: context deadline exceeded"},
			{ID: "methods.envelope", Group: "methods", Source: contracttest.SourceClient, Status: contracttest.StatusPassed,
				Description: "A 405 body is an error envelope with code 405 (the Ruby client rejects an empty one)."},
		},
		Matrix: []contracttest.MatrixRow{
			{Who: "private", Token: "priv...01", Cells: []contracttest.Cell{{Covered: true, Status: 200, Expected: "200", OK: true}, {Covered: true, Status: 200, Expected: "200", OK: true}}},
			{Who: "idx", Token: "idx-...02", Cells: []contracttest.Cell{{Covered: true, Status: 403, Code: 1500, Expected: "403", OK: true}, {Covered: true, Status: 200, Expected: "403"}}},
			{Who: "vow", Cells: []contracttest.Cell{{}, {}}},
			{Who: "no credentials", Cells: []contracttest.Cell{{Covered: true, Status: 401, Code: 1000, Expected: "401 / 1000", OK: true}, {Covered: true, Status: 401, Code: 1000, Expected: "401 / 1000", OK: true}}},
			{Who: "unknown token", Cells: []contracttest.Cell{{Covered: true, Status: 200, Expected: "401 / 1000"}, {Covered: true, Status: 200, Expected: "401 / 1000"}}},
		},
		Uncovered: []contracttest.Role{contracttest.RoleVOW},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name, format, file string
	}{
		{name: "text", format: "text", file: "report.txt"},
		{name: "json", format: "json", file: "report.json"},
		{name: "junit", format: "junit", file: "report.xml"},
		{name: "html", format: "html", file: "report.html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, tc.format, sample()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if golden.Update() {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./contracttest/report -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s differs from %s (-want +got; refresh with -update):\n%s", tc.format, path, diff)
			}
			var again bytes.Buffer
			if err := report.Write(&again, tc.format, sample()); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("two writes of the same report differ")
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := report.Write(&bytes.Buffer{}, "yaml", sample())
	if err == nil || !strings.Contains(err.Error(), "text, json, junit, html") {
		t.Errorf("got %v, want an error listing the formats", err)
	}
}

// TestUntrustedEvidenceIsNeutralised: no writer lets the server's bytes act on the reader.
func TestUntrustedEvidenceIsNeutralised(t *testing.T) {
	tests := []struct {
		name, format string
		forbidden    []string
	}{
		{name: "text has no control characters", format: "text", forbidden: []string{"\x1b", "\x00", "\x01", "\u202e"}},
		{name: "html has no live markup", format: "html", forbidden: []string{"<script", "\x1b", "\x00", "\u202e"}},
		{name: "junit has no character XML forbids", format: "junit", forbidden: []string{"\x00", "\x01", "\x1b", "<script", "\u202e"}},
		{name: "json escapes control characters", format: "json", forbidden: []string{"\x1b", "\x00", "\x01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, tc.format, sample()); err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.forbidden {
				if strings.Contains(buf.String(), f) {
					t.Errorf("got %q in the %s report, want it escaped", f, tc.format)
				}
			}
		})
	}
}

// TestJUnitParses reads the XML back the way a CI system does and checks the counts.
func TestJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	if err := report.JUnit(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("the JUnit XML does not parse: %v", err)
	}
	if got.Tests != 6 || got.Failures != 1 || got.Errors != 1 || got.Skipped != 1 {
		t.Errorf("got tests %d failures %d errors %d skipped %d, want 6 1 1 1", got.Tests, got.Failures, got.Errors, got.Skipped)
	}
	var suites []string
	cases := 0
	for _, s := range got.Suites {
		suites = append(suites, s.Name)
		cases += len(s.Cases)
	}
	if diff := cmp.Diff([]string{"auth", "roles", "paging", "methods"}, suites); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
	if cases != 6 {
		t.Errorf("got %d testcases, want 6", cases)
	}
}

func TestJSONRoundTrips(t *testing.T) {
	var buf bytes.Buffer
	if err := report.JSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Totals  struct{ Checks, Failed int }
		Results []struct {
			ID       string
			Status   string
			Evidence []struct{ Body string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "FAIL" || got.Totals.Checks != 6 || got.Totals.Failed != 1 {
		t.Errorf("got verdict %s, %d checks, %d failed; want FAIL, 6, 1", got.Verdict, got.Totals.Checks, got.Totals.Failed)
	}
	if got.Results[1].Evidence[1].Body != hostile {
		t.Errorf("got body %q, want the evidence kept exactly in JSON", got.Results[1].Evidence[1].Body)
	}
}
