package report

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/contracttest"
)

// htmlPage is what the template shows.
type htmlPage struct {
	R *contracttest.Report
	// Failures are the failed and errored checks, shown first with their evidence.
	Failures []contracttest.Result
	Verdict  string
	Totals   contracttest.Totals
	Started  string
	Took     string
	Groups   []htmlGroup
	Paths    []string
	Matrix   []htmlRow
	Unused   string
	Rate     string
	Strict   string
	ReadOnly string
}

type htmlGroup struct {
	Name    string
	Results []contracttest.Result
	Failed  int
}

type htmlRow struct {
	Who, Token string
	Cells      []htmlCell
}

type htmlCell struct {
	Text, Class string
}

// HTML writes the report as one self-contained page, readable offline: the same content as
// Text, failures open, passes folded. Everything from the server is escaped, and the page
// loads nothing and runs no script.
func HTML(w io.Writer, r *contracttest.Report) error {
	r = printableCopy(r)
	p := htmlPage{R: r, Verdict: verdict(r), Totals: r.Totals(), Started: r.Started.UTC().Format(time.RFC3339),
		Took: r.Duration.Round(time.Millisecond).String(), Paths: sparkmock.ExportPaths(),
		Rate: rateText(r.Rate), Strict: yesNo(r.Strict), ReadOnly: yesNo(r.ReadOnly)}
	for _, g := range r.Groups() {
		hg := htmlGroup{Name: g}
		for _, res := range r.Results {
			if res.Group == g {
				hg.Results = append(hg.Results, res)
				if res.Status == contracttest.StatusFailed || res.Status == contracttest.StatusErrored {
					hg.Failed++
					p.Failures = append(p.Failures, res)
				}
			}
		}
		p.Groups = append(p.Groups, hg)
	}
	for _, row := range r.Matrix {
		hr := htmlRow{Who: row.Who, Token: orDash(row.Token)}
		for _, c := range row.Cells {
			class := "na"
			switch {
			case c.Covered && c.OK:
				class = "ok"
			case c.Covered:
				class = "bad"
			}
			hr.Cells = append(hr.Cells, htmlCell{Text: cellText(row, c), Class: class})
		}
		p.Matrix = append(p.Matrix, hr)
	}
	names := make([]string, len(r.Uncovered))
	for i, u := range r.Uncovered {
		names[i] = string(u)
	}
	p.Unused = strings.Join(names, ", ")
	return page.Execute(w, p)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"label": label,
	"lower": func(s contracttest.Status) string { return string(s) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>contracttest {{.Verdict}}: {{.R.BaseURL}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd;vertical-align:top}
table.checks{table-layout:fixed}table.checks col.s{width:5em}table.checks col.id{width:17em}table.checks col.src{width:6em}
table.checks td{overflow-wrap:anywhere}
code,pre{font:12px/1.35 ui-monospace,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.4em;margin:.2em 0}
.s{font-weight:bold;white-space:nowrap}.passed,.ok{color:#176f2c}.failed,.errored,.bad{color:#b00020}.skipped,.na{color:#777}
.verdict{font-size:1.2em;font-weight:bold}.src{color:#555;white-space:nowrap}
details>summary{cursor:pointer}
</style>
</head>
<body>
<h1>contracttest: <code>{{.R.BaseURL}}</code></h1>
<p class="verdict {{if eq .Verdict "PASS"}}passed{{else}}failed{{end}}">{{.Verdict}}: {{.Totals.Checks}} checks, {{.Totals.Passed}} passed, {{.Totals.Failed}} failed, {{.Totals.Skipped}} skipped, {{.Totals.Errored}} errored</p>
<table>
<tr><th>Started</th><td>{{.Started}}</td><th>Took</th><td>{{.Took}}, {{.R.Requests}} requests</td></tr>
<tr><th>Strict</th><td>{{.Strict}}</td><th>Read-only</th><td>{{.ReadOnly}}</td></tr>
<tr><th>Rate</th><td>{{.Rate}}</td><th>User agent</th><td><code>{{.R.UserAgent}}</code></td></tr>
{{- if .R.Headers}}
<tr><th>Headers</th><td colspan="3">{{range .R.Headers}}<code>{{.}}</code> {{end}}</td></tr>
{{- end}}
</table>
{{- if .Failures}}
<h2 class="failed">Failures</h2>
<table class="checks"><colgroup><col class="s"><col class="id"><col class="src"><col></colgroup>
{{- range .Failures}}
<tr id="f-{{.ID}}"><td class="s {{lower .Status}}">{{label .Status}}</td><td><code>{{.ID}}</code></td><td class="src">[{{.Source}}]</td><td>{{.Description}}
{{- if eq (lower .Status) "failed"}}
<details open><summary>{{len .Evidence}} piece(s) of evidence{{if .Omitted}}, {{.Omitted}} more not shown{{end}}</summary>
{{- range .Evidence}}
<p>{{.Message}}</p>
{{- with .Exchange}}<pre>{{.}}</pre>{{end}}
{{- if .Curl}}<pre>{{.Curl}}</pre>{{end}}
{{- if .Body}}<pre>{{.Body}}</pre>{{end}}
{{- end}}
{{- if .Reason}}<p>{{.Reason}}</p>{{end}}
</details>
{{- else if .Reason}}<p>{{.Reason}}</p>
{{- end}}
</td></tr>
{{- end}}
</table>
{{- end}}
{{range .Groups}}
<h2>{{.Name}}{{if .Failed}} <span class="failed">({{.Failed}} failed)</span>{{end}}</h2>
<table class="checks"><colgroup><col class="s"><col class="id"><col class="src"><col></colgroup>
{{- range .Results}}
<tr><td class="s {{lower .Status}}">{{label .Status}}</td><td><code>{{.ID}}</code></td><td class="src">[{{.Source}}]</td><td>{{.Description}}
{{- if eq (lower .Status) "failed"}}
<p><a href="#f-{{.ID}}">the evidence, under Failures</a></p>
{{- else if eq (lower .Status) "errored"}}
<p><a href="#f-{{.ID}}">why, under Failures</a></p>
{{- else if .Reason}}
<details{{if ne (lower .Status) "passed"}} open{{end}}><summary>{{if eq (lower .Status) "passed"}}covered{{else}}why{{end}}</summary><p>{{.Reason}}</p></details>
{{- end}}
</td></tr>
{{- end}}
</table>
{{end}}
<h2>Roles × endpoints</h2>
<table>
<tr><th>Who</th><th>Token</th>{{range .Paths}}<th><code>{{.}}</code></th>{{end}}</tr>
{{- range .Matrix}}
<tr><td>{{.Who}}</td><td><code>{{.Token}}</code></td>{{range .Cells}}<td class="{{.Class}}">{{.Text}}</td>{{end}}</tr>
{{- end}}
</table>
{{- if .Unused}}
<p>Roles not covered: {{.Unused}} (give <code>-token ROLE=TOKEN</code>).</p>
{{- end}}
</body>
</html>
`))

// printableCopy returns a copy of the report with control characters in every text that may
// come from the server made visible: html/template escapes markup, not those.
func printableCopy(r *contracttest.Report) *contracttest.Report {
	c := *r
	c.BaseURL = printable(c.BaseURL)
	c.Results = make([]contracttest.Result, len(r.Results))
	for i, res := range r.Results {
		res.Reason = printable(res.Reason)
		ev := make([]contracttest.Evidence, len(res.Evidence))
		for j, e := range res.Evidence {
			ev[j] = contracttest.Evidence{Request: printable(e.Request), Credentials: printable(e.Credentials), Status: e.Status,
				Body: prettyJSON(e.Body), Message: printable(e.Message), Curl: printable(e.Curl)}
		}
		res.Evidence = ev
		c.Results[i] = res
	}
	return &c
}

// prettyJSON indents a body that is whole JSON, for a person to read (each line made
// printable, the line breaks kept); an excerpt cut short is only made printable.
func prettyJSON(s string) string {
	t := strings.TrimSpace(s)
	var b bytes.Buffer
	if t == "" || (t[0] != '{' && t[0] != '[') || json.Indent(&b, []byte(t), "", "  ") != nil {
		return printable(s)
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = printable(l)
	}
	return strings.Join(lines, "\n")
}
