package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/sparkmock/sparkmock/contracttest"
)

// Formats are the names Write knows, in the order -h lists them.
var Formats = []string{"text", "json", "junit", "html"}

// Write writes the report in the named format: "text", "json", "junit" or "html".
func Write(w io.Writer, format string, r *contracttest.Report) error {
	switch format {
	case "text":
		return Text(w, r)
	case "json":
		return JSON(w, r)
	case "junit":
		return JUnit(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("unknown report format %q (expected one of %s)", format, strings.Join(Formats, ", "))
}

// label is how a status reads in a report.
func label(s contracttest.Status) string {
	switch s {
	case contracttest.StatusPassed:
		return "PASS"
	case contracttest.StatusFailed:
		return "FAIL"
	case contracttest.StatusSkipped:
		return "SKIP"
	case contracttest.StatusErrored:
		return "ERROR"
	}
	return strings.ToUpper(string(s))
}

// cellText renders one cell of the role × endpoint matrix.
func cellText(row contracttest.MatrixRow, c contracttest.Cell) string {
	switch {
	case !c.Covered && row.Token == "" && isRole(row.Who):
		return "not covered"
	case !c.Covered:
		return "not checked"
	case c.OK:
		return c.String()
	}
	return c.String() + " (want " + c.Expected + ")"
}

func isRole(who string) bool {
	for _, r := range contracttest.Roles {
		if string(r) == who {
			return true
		}
	}
	return false
}

func rateText(rate float64) string {
	if rate == 0 {
		return "no cap"
	}
	return fmt.Sprintf("%g requests/s", rate)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// verdict is the one-word outcome of a whole run.
func verdict(r *contracttest.Report) string {
	t := r.Totals()
	switch {
	case t.Failed > 0:
		return "FAIL"
	case t.Errored > 0:
		return "ERROR"
	}
	return "PASS"
}

// printable replaces what a terminal would interpret (control characters, escape
// sequences, bidirectional overrides) with visible escapes: evidence is untrusted.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == unicode.ReplacementChar:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
