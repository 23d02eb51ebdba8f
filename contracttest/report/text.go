package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/contracttest"
)

// Text writes the report for a person: a header, a line per check grouped, the evidence of
// each failure under it, the role × endpoint matrix, and the totals.
func Text(w io.Writer, r *contracttest.Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("contracttest %s\n", printable(r.BaseURL))
	p("  started %s, took %s, %d requests\n", r.Started.UTC().Format(time.RFC3339), r.Duration.Round(time.Millisecond), r.Requests)
	p("  strict: %s   read-only: %s   rate: %s   user agent: %s\n", yesNo(r.Strict), yesNo(r.ReadOnly), rateText(r.Rate), printable(r.UserAgent))
	if len(r.Headers) > 0 {
		p("  headers: %s\n", printable(strings.Join(r.Headers, "; ")))
	}

	idWidth := 0
	for _, res := range r.Results {
		idWidth = max(idWidth, len(res.ID))
	}
	for _, g := range r.Groups() {
		p("\n%s\n", g)
		for _, res := range r.Results {
			if res.Group != g {
				continue
			}
			p("  %-5s %-*s  %-8s %s\n", label(res.Status), idWidth, res.ID, "["+string(res.Source)+"]", res.Description)
			indent := strings.Repeat(" ", 8)
			switch res.Status {
			case contracttest.StatusSkipped, contracttest.StatusErrored:
				p("%s%s\n", indent, printable(res.Reason))
			case contracttest.StatusFailed:
				for _, e := range res.Evidence {
					p("%s- %s\n", indent, printable(e.Message))
					if x := e.Exchange(); x != "" {
						p("%s  %s\n", indent, printable(x))
					}
					if e.Curl != "" {
						p("%s  %s\n", indent, printable(e.Curl))
					}
					if e.Body != "" {
						p("%s  body: %s\n", indent, printable(e.Body))
					}
				}
				if res.Omitted > 0 {
					p("%s… and %d more\n", indent, res.Omitted)
				}
				if res.Reason != "" {
					p("%s%s\n", indent, printable(res.Reason))
				}
			}
		}
	}

	if len(r.Matrix) > 0 {
		p("\nroles × endpoints\n")
		header := append([]string{"WHO", "TOKEN"}, sparkmock.ExportPaths()...)
		rows := [][]string{header}
		for _, row := range r.Matrix {
			cells := []string{row.Who, orDash(row.Token)}
			for _, c := range row.Cells {
				cells = append(cells, cellText(row, c))
			}
			rows = append(rows, cells)
		}
		widths := make([]int, len(header))
		for _, row := range rows {
			for i, c := range row {
				widths[i] = max(widths[i], len([]rune(c)))
			}
		}
		for _, row := range rows {
			var b strings.Builder
			for i, c := range row {
				if i == len(row)-1 {
					b.WriteString(c)
					break
				}
				b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))+2))
			}
			p("  %s\n", printable(b.String()))
		}
		if len(r.Uncovered) > 0 {
			names := make([]string, len(r.Uncovered))
			for i, u := range r.Uncovered {
				names[i] = string(u)
			}
			p("  roles not covered: %s (give -token ROLE=TOKEN)\n", strings.Join(names, ", "))
		}
	}

	t := r.Totals()
	p("\n%s: %d checks, %d passed, %d failed, %d skipped, %d errored\n", verdict(r), t.Checks, t.Passed, t.Failed, t.Skipped, t.Errored)
	return bw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
