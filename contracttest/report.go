package contracttest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Source says where the rule a check asserts comes from (shared/spark-contract.md tags).
type Source string

// The sources of a rule.
const (
	// SourceDoc is a rule of the Spark documentation or the seed: always checked.
	SourceDoc Source = "doc"
	// SourceClient is what the public Spark clients send or require: always checked.
	SourceClient Source = "client"
	// SourceChoice is where the documentation is silent and the mock decides: checked only
	// with Config.Strict.
	SourceChoice Source = "choice"
)

// checked says whether a rule of this source is checked: a [choice] one only when strict.
func (s Source) checked(strict bool) bool { return strict || s != SourceChoice }

// Status is the outcome of one check.
type Status string

// The outcomes of a check.
const (
	// StatusPassed: the rule was judged and held everywhere it was judged.
	StatusPassed Status = "passed"
	// StatusFailed: the target broke the rule; Evidence says where.
	StatusFailed Status = "failed"
	// StatusSkipped: the rule could not be judged (no token for the role, too little data,
	// read-only); Reason says why. A skipped check neither passed nor failed.
	StatusSkipped Status = "skipped"
	// StatusErrored: the check could not finish (a request timed out, the target kept
	// answering 429); Reason says why.
	StatusErrored Status = "errored"
)

// Evidence is one place a rule was broken: the request, what came back, and why it is wrong.
// Tokens are masked.
type Evidence struct {
	// Request is the method and URL sent, e.g. "GET https://sparkapi.com/v1/contacts/export?_limit=5".
	Request string `json:"request,omitempty"`
	// Credentials says what the request carried: "private token priv...ab", "no credentials"…
	Credentials string `json:"credentials,omitempty"`
	// Status is the HTTP status received, 0 when the evidence is about several responses.
	Status int `json:"status,omitempty"`
	// Body is the part of the body that broke the rule (a contact, a member, the envelope),
	// shortened to a readable size. It comes from the target: untrusted text.
	Body string `json:"body,omitempty"`
	// Message says what was wrong: what was got, then what the contract wants.
	Message string `json:"message"`
	// Curl is the request as a ready curl command: the token as $TOKEN, the user agent sent,
	// the values of extra headers as shell variables named after them.
	Curl string `json:"curl,omitempty"`
}

// String renders the evidence on one line: message, [exchange], body.
func (e Evidence) String() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if x := e.Exchange(); x != "" {
		fmt.Fprintf(&b, " [%s]", x)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, " body: %s", e.Body)
	}
	return b.String()
}

// Exchange writes the request, what it carried and the answer's status as every report
// shows them: "GET /v1/contacts/export?_limit=5 (no credentials) → 401"; "" without a request.
func (e Evidence) Exchange() string {
	if e.Request == "" {
		return ""
	}
	line := e.Request
	if e.Credentials != "" {
		line += " (" + e.Credentials + ")"
	}
	if e.Status != 0 {
		line += " → " + strconv.Itoa(e.Status)
	}
	return line
}

// Result is the outcome of one check.
type Result struct {
	// ID is the check's stable id, e.g. "auth.no-credentials".
	ID string `json:"id"`
	// Group is the part of the contract, e.g. "auth".
	Group string `json:"group"`
	// Description says in one line what the check asserts.
	Description string `json:"description"`
	// Source is where the rule comes from.
	Source Source `json:"source"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Reason says why a check was skipped or errored, or what a passed check covered.
	Reason string `json:"reason,omitempty"`
	// Evidence lists the breaks found (failed checks only), at most MaxEvidence of them.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Omitted counts the breaks found beyond MaxEvidence.
	Omitted int `json:"omitted,omitempty"`
	// Duration is how long the check took by the report's clock.
	Duration time.Duration `json:"-"`
}

// MaxEvidence is how many pieces of evidence a result keeps; the rest are counted in Omitted.
const MaxEvidence = 20

// Cell is what one role got on one path: the role × endpoint matrix of a report.
type Cell struct {
	// Covered is false when no request was made (no token for the role).
	Covered bool `json:"covered"`
	// Status is the HTTP status received (0 when the request itself failed).
	Status int `json:"status,omitempty"`
	// Code is the Spark code of an error envelope, 0 when there was none.
	Code int `json:"code,omitempty"`
	// Expected is what the contract wants, e.g. "403" or "401 / 1020".
	Expected string `json:"expected"`
	// OK says whether Status and Code are what the contract wants.
	OK bool `json:"ok"`
}

// String renders the cell: "200", "403 / 1500", "not covered".
func (c Cell) String() string {
	switch {
	case !c.Covered:
		return "not covered"
	case c.Status == 0:
		return "no answer"
	case c.Code != 0:
		return fmt.Sprintf("%d / %d", c.Status, c.Code)
	}
	return fmt.Sprintf("%d", c.Status)
}

// MatrixRow is one row of the role × endpoint matrix.
type MatrixRow struct {
	// Who names the row: a role ("idx"), "no credentials" or "unknown token".
	Who string `json:"who"`
	// Token is the masked token used, empty when none.
	Token string `json:"token,omitempty"`
	// Cells has one cell per path of sparkmock.ExportPaths.
	Cells []Cell `json:"cells"`
}

// Report is the outcome of a run of the suite: what was checked, against what, and every
// result. It holds no token in full.
type Report struct {
	// BaseURL is the target.
	BaseURL string `json:"baseURL"`
	// UserAgent is the X-SparkApi-User-Agent sent.
	UserAgent string `json:"userAgent"`
	// Headers lists the extra headers sent, as "Name: masked value".
	Headers []string `json:"headers,omitempty"`
	// Strict says whether [choice] checks ran.
	Strict bool `json:"strict"`
	// ReadOnly says whether the write probes were skipped.
	ReadOnly bool `json:"readOnly"`
	// Rate is the request cap per second; 0 means none.
	Rate float64 `json:"rate"`
	// Started is when the run started, by the report's clock.
	Started time.Time `json:"started"`
	// Duration is how long the run took, by the report's clock.
	Duration time.Duration `json:"-"`
	// Requests counts the HTTP requests sent, retries included.
	Requests int `json:"requests"`
	// Results holds one result per check run, in catalog order.
	Results []Result `json:"results"`
	// Matrix is the role × endpoint matrix: what each role got on each path of sparkmock.ExportPaths.
	Matrix []MatrixRow `json:"matrix"`
	// Uncovered lists the roles no token was given for.
	Uncovered []Role `json:"uncovered,omitempty"`
}

// Totals counts results by status.
type Totals struct {
	Checks, Passed, Failed, Skipped, Errored int
}

// Totals counts the report's results by status.
func (r *Report) Totals() Totals {
	t := Totals{Checks: len(r.Results)}
	for _, res := range r.Results {
		switch res.Status {
		case StatusPassed:
			t.Passed++
		case StatusFailed:
			t.Failed++
		case StatusSkipped:
			t.Skipped++
		case StatusErrored:
			t.Errored++
		}
	}
	return t
}

// OK says whether no check failed or errored.
func (r *Report) OK() bool {
	t := r.Totals()
	return t.Failed == 0 && t.Errored == 0
}

// Failures lists the failed and errored results, one a line ("failed id: reason") with
// their evidence indented below; empty when the report is OK. For a test's failure message:
//
//	if !rep.OK() { t.Fatalf("the contract is broken:%s", rep.Failures()) }
func (r *Report) Failures() string {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Status != StatusFailed && res.Status != StatusErrored {
			continue
		}
		b.WriteString("\n" + string(res.Status) + " " + res.ID + ": " + res.Reason)
		for _, e := range res.Evidence {
			b.WriteString("\n    " + e.String())
		}
	}
	return b.String()
}

// Groups returns the groups of the results in the order they first appear.
func (r *Report) Groups() []string {
	var groups []string
	seen := map[string]bool{}
	for _, res := range r.Results {
		if !seen[res.Group] {
			seen[res.Group] = true
			groups = append(groups, res.Group)
		}
	}
	return groups
}

// Result returns the result of the check with the given id.
func (r *Report) Result(id string) (Result, bool) {
	for _, res := range r.Results {
		if res.ID == id {
			return res, true
		}
	}
	return Result{}, false
}
