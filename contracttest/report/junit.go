package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
)

// The JUnit XML schema CI systems read (Jenkins, GitLab, GitHub actions, Azure…).
type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Name    string   `xml:"name,attr"`
	junitTally
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name string `xml:"name,attr"`
	junitTally
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

// junitTally is what testsuites and each testsuite both say of the test cases they hold.
type junitTally struct {
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Errors    int    `xml:"errors,attr"`
	Skipped   int    `xml:"skipped,attr"`
	Time      string `xml:"time,attr"`
	Timestamp string `xml:"timestamp,attr"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes the report as JUnit XML: a testsuite per group, a testcase per check (named
// by its id), failures with their evidence, errors, and skipped checks marked skipped.
func JUnit(w io.Writer, r *contracttest.Report) error {
	r = printableCopy(r)
	t := r.Totals()
	stamp := r.Started.UTC().Format("2006-01-02T15:04:05")
	out := junitSuites{Name: "contracttest " + r.BaseURL, junitTally: junitTally{Tests: t.Checks, Failures: t.Failed,
		Errors: t.Errored, Skipped: t.Skipped, Time: seconds(r.Duration), Timestamp: stamp}}
	props := []junitProperty{
		{Name: "base_url", Value: r.BaseURL},
		{Name: "strict", Value: yesNo(r.Strict)},
		{Name: "read_only", Value: yesNo(r.ReadOnly)},
		{Name: "requests", Value: fmt.Sprint(r.Requests)},
	}
	for _, g := range r.Groups() {
		s := junitSuite{Name: g, junitTally: junitTally{Timestamp: stamp}, Properties: props}
		var d time.Duration
		for _, res := range r.Results {
			if res.Group != g {
				continue
			}
			d += res.Duration
			c := junitCase{Name: res.ID, Classname: "contracttest." + g, Time: seconds(res.Duration),
				SystemOut: fmt.Sprintf("[%s] %s", res.Source, res.Description)}
			s.Tests++
			switch res.Status {
			case contracttest.StatusFailed:
				s.Failures++
				msg := res.Description
				if len(res.Evidence) > 0 {
					msg = res.Evidence[0].Message
				}
				c.Failure = &junitProblem{Message: msg, Type: string(res.Source), Text: evidenceText(res)}
			case contracttest.StatusErrored:
				s.Errors++
				c.Error = &junitProblem{Message: res.Reason, Type: "errored", Text: res.Reason}
			case contracttest.StatusSkipped:
				s.Skipped++
				c.Skipped = &junitSkipped{Message: res.Reason}
			case contracttest.StatusPassed:
				if res.Reason != "" {
					c.SystemOut += "\n" + res.Reason
				}
			}
			s.Cases = append(s.Cases, c)
		}
		s.Time = seconds(d)
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// evidenceText renders a failure's evidence as plain text, one block per piece.
func evidenceText(res contracttest.Result) string {
	var b strings.Builder
	for _, e := range res.Evidence {
		fmt.Fprintf(&b, "%s\n", e.Message)
		if x := e.Exchange(); x != "" {
			fmt.Fprintf(&b, "  %s\n", x)
		}
		if e.Curl != "" {
			fmt.Fprintf(&b, "  %s\n", e.Curl)
		}
		if e.Body != "" {
			fmt.Fprintf(&b, "  body: %s\n", e.Body)
		}
	}
	if res.Omitted > 0 {
		fmt.Fprintf(&b, "… and %d more\n", res.Omitted)
	}
	return b.String()
}
