package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/contracttest/report"
	"github.com/sparkmock/sparkmock/internal/version"
)

// Exit codes of the command.
const (
	exitPassed     = 0
	exitBroken     = 1
	exitUsage      = 2
	exitCouldntRun = 3
)

// exitError carries the exit code of a failure; err nil means nothing more to say.
type exitError struct {
	code int
	err  error
}

// Error says what went wrong, or only the code when the report already said it.
func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

// Unwrap returns the error behind the exit code.
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// output is one report to write: a format, and a file ("" is stdout).
type output struct{ format, file string }

// options are the command's flags; each has an environment twin CONTRACTTEST_<NAME>.
type options struct {
	baseURL   string
	tokens    map[contracttest.Role]string
	userAgent string
	header    http.Header
	strict    bool
	readOnly  bool
	run       string
	list      bool
	outputs   []output
	rate      float64
	timeout   time.Duration
	insecure  bool
	spec      string
	timezone  string
	version   bool
}

func envName(flagName string) string {
	return "CONTRACTTEST_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// tokenFlag is -token ROLE=TOKEN, repeatable.
type tokenFlag struct{ o *options }

// String is empty: flag's defaults for -h come from the usage text.
func (f tokenFlag) String() string { return "" }

// Set adds a ROLE=TOKEN.
func (f tokenFlag) Set(v string) error {
	name, tok, ok := strings.Cut(v, "=")
	if !ok || tok == "" {
		return errors.New("want ROLE=TOKEN, e.g. private=abc123")
	}
	role, err := contracttest.ParseRole(name)
	if err != nil {
		return err
	}
	f.o.tokens[role] = tok
	return nil
}

// headerFlag is -header NAME=VALUE, repeatable.
type headerFlag struct{ o *options }

// String is empty: flag's defaults for -h come from the usage text.
func (f headerFlag) String() string { return "" }

// Set adds a NAME=VALUE header.
func (f headerFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return errors.New("want NAME=VALUE, e.g. X-Mock-Now=2026-01-31T12:00:00Z")
	}
	f.o.header.Add(strings.TrimSpace(name), value)
	return nil
}

// formatFlag is -format NAME, repeatable; each -out FILE goes with the -format before it.
type formatFlag struct{ o *options }

// String is empty: flag's defaults for -h come from the usage text.
func (f formatFlag) String() string { return "" }

// Set adds a report format.
func (f formatFlag) Set(v string) error {
	for _, known := range report.Formats {
		if v == known {
			f.o.outputs = append(f.o.outputs, output{format: v})
			return nil
		}
	}
	return fmt.Errorf("unknown format %q (expected one of %s)", v, strings.Join(report.Formats, ", "))
}

type outFlag struct{ o *options }

// String is empty: flag's defaults for -h come from the usage text.
func (f outFlag) String() string { return "" }

// Set adds the file of the last -format.
func (f outFlag) Set(v string) error {
	n := len(f.o.outputs)
	switch {
	case n == 0:
		return errors.New("-out FILE must follow the -format it is for, e.g. -format junit -out report.xml")
	case f.o.outputs[n-1].file != "":
		return fmt.Errorf("-format %s already has -out %s", f.o.outputs[n-1].format, f.o.outputs[n-1].file)
	case v == "":
		return errors.New("empty file name")
	}
	f.o.outputs[n-1].file = v
	return nil
}

// repeatable flags take a comma-separated list in their environment twin.
var repeatable = map[string]bool{"token": true, "header": true, "format": true, "out": true}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{tokens: map[contracttest.Role]string{}, header: http.Header{}}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.baseURL, "base-url", "", "the service to check, without /v1: https://sparkapi.com, http://127.0.0.1:8080 (required)")
	fs.Var(tokenFlag{o}, "token", "`ROLE=TOKEN`, repeatable; roles: private (needed by most checks), idx, public, vow, portal, expired, disabled;\n\tcontrolled (an account the private one controls) and outsider (one it does not) for the own-all checks.\n\tPrefer the environment twin for real tokens: command lines show in process lists")
	fs.StringVar(&o.userAgent, "user-agent", "sparkmock-contracttest/"+version.Get().Short(), "X-SparkApi-User-Agent to send")
	fs.Var(headerFlag{o}, "header", "`NAME=VALUE` sent on every request, repeatable (e.g. X-Mock-Now=2026-01-31T12:00:00Z for sparkmock)")
	fs.BoolVar(&o.strict, "strict", false, "also run the [choice] checks: rules the documentation leaves open and the mock decides (not for the real Spark API)")
	fs.BoolVar(&o.readOnly, "read-only", false, "send no POST, PUT, DELETE or PATCH probe (their checks are skipped)")
	fs.StringVar(&o.run, "run", "", "run only the checks whose id matches this `regexp`, e.g. '^(auth|roles)\\.'")
	fs.BoolVar(&o.list, "list", false, "list the checks (id, source, description) and exit")
	fs.Var(formatFlag{o}, "format", "report `format`: text, json, junit or html; repeatable, each to stdout or to the -out after it (default text)")
	fs.Var(outFlag{o}, "out", "write the report of the -format before it to this `file`")
	fs.Float64Var(&o.rate, "rate", 0, "at most this many requests per second (default 5, or no cap for a loopback address)")
	fs.DurationVar(&o.timeout, "timeout", contracttest.DefaultTimeout, "bound on each request")
	fs.BoolVar(&o.insecure, "insecure", false, "accept any TLS certificate (a self-signed test service)")
	fs.StringVar(&o.spec, "spec", "", "OpenAPI `file` of the contract (default: the embedded openapi.yaml)")
	fs.BoolVar(&o.version, "version", false, "print the version (release, commit, build date) and exit")
	fs.StringVar(&o.timezone, "timezone", sparkmock.DefaultZone, "the service's IANA time `zone`, in which ExportTimestamp is written")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: %s -base-url URL -token private=TOKEN [flags]

Checks a running implementation of the Spark API "Contacts: Export" (GET /v1/contacts/export
and /v1/contacts/export/all) against the contract: conformance to openapi.yaml, the envelope,
authentication, roles, methods, paging, own vs all, ordering and selection, filtering (with
sparkql as the oracle, on filters built from the service's own data), incremental export and
bad input. Every flag can also be set by its environment variable (the flag wins); repeatable
flags take a comma-separated list there (CONTRACTTEST_TOKEN=private=abc,idx=def), and
CONTRACTTEST_OUT pairs with CONTRACTTEST_FORMAT by position.

Safe for production: GET only, apart from the POST/PUT/DELETE probes (no body; -read-only
skips them); at most 5 requests a second unless -rate says otherwise; 429 answers are waited
out as Retry-After says (3 times at most); tokens are never printed in full.

Exit codes: 0 every check passed (or was skipped), 1 the contract is broken (a check failed),
2 bad usage, 3 the suite could not run (target unreachable, a check could not finish, a report
could not be written).

Flags:
`, args[0])
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + name
			}
			fmt.Fprintf(stderr, "  -%s%s\n    \t%s", f.Name, name, strings.ReplaceAll(usage, "\n\t", "\n    \t"))
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				fmt.Fprintf(stderr, " (default %s)", f.DefValue)
			}
			if f.Name == "version" {
				fmt.Fprintln(stderr)
				return
			}
			fmt.Fprintf(stderr, "\n    \tenv %s\n", envName(f.Name))
		})
		fmt.Fprintf(stderr, `
Examples:
  %[1]s -base-url https://sparkapi.com -token private=$SPARK_TOKEN -format junit -out contract.xml -format text
  CONTRACTTEST_TOKEN=private=$SPARK_TOKEN %[1]s -base-url https://sparkapi.com -read-only
  %[1]s -base-url http://127.0.0.1:8080 -token private=private-mls -token idx=idx-member-avery -strict
  %[1]s -list
`, filepath.Base(args[0]))
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &exitError{code: exitUsage, err: err}
	}
	if fs.NArg() > 0 {
		return nil, usageError("unexpected arguments: %s (all settings are flags; see -h)", strings.Join(fs.Args(), " "))
	}
	if err := applyEnv(fs, o, getenv); err != nil {
		return nil, err
	}
	return o, nil
}

// applyEnv sets every flag not given on the command line from its environment twin.
func applyEnv(fs *flag.FlagSet, o *options, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		v := getenv(name)
		// -version has no twin: CONTRACTTEST_VERSION set for other reasons must not stop a run.
		if err != nil || v == "" || given[f.Name] || f.Name == "out" || f.Name == "version" {
			return
		}
		if f.Name == "format" && given["out"] {
			return
		}
		values := []string{v}
		if repeatable[f.Name] {
			values = strings.Split(v, ",")
		}
		for _, item := range values {
			if item = strings.TrimSpace(item); item == "" && repeatable[f.Name] {
				continue
			}
			if e := fs.Set(f.Name, item); e != nil {
				err = usageError("%s=%q: %v", name, v, e)
				return
			}
		}
		if f.Name == "format" {
			files := strings.Split(getenv(envName("out")), ",")
			if len(files) > len(o.outputs) {
				err = usageError("%s names %d files for %d formats", envName("out"), len(files), len(o.outputs))
				return
			}
			for i, file := range files {
				o.outputs[i].file = strings.TrimSpace(file)
			}
		}
	})
	if err == nil && getenv(envName("out")) != "" && getenv(envName("format")) == "" && !given["out"] {
		err = usageError("%s needs %s: each file goes with the format at its position", envName("out"), envName("format"))
	}
	return err
}

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.version {
		_, err := fmt.Fprintln(stdout, version.Get())
		return err
	}
	var only *regexp.Regexp
	if o.run != "" {
		if only, err = regexp.Compile(o.run); err != nil {
			return usageError("-run %q: %v", o.run, err)
		}
	}
	if o.list {
		return list(stdout, only)
	}
	if o.baseURL == "" {
		return usageError("-base-url is required (e.g. -base-url https://sparkapi.com); see -h")
	}
	if len(o.outputs) == 0 {
		o.outputs = []output{{format: "text"}}
	}
	toStdout, files := 0, map[string]bool{}
	for _, out := range o.outputs {
		if out.file == "" {
			toStdout++
		} else if files[out.file] {
			return usageError("two reports to the same file %s", out.file)
		}
		files[out.file] = true
	}
	if toStdout > 1 {
		return usageError("%d reports to stdout: give each -format but one its -out FILE", toStdout)
	}
	// A report that cannot be written is known before the first request, not after the run.
	for _, out := range o.outputs {
		if out.file == "" {
			continue
		}
		if err := writable(out.file); err != nil {
			return usageError("-out %s: %v", out.file, err)
		}
	}
	loc, err := time.LoadLocation(o.timezone)
	if err != nil {
		return usageError("-timezone %q: %v", o.timezone, err)
	}
	var spec *openapi3.T
	if o.spec != "" {
		data, err := os.ReadFile(o.spec)
		if err != nil {
			return usageError("-spec: %v", err)
		}
		if spec, err = sparkmock.LoadSpec(ctx, data); err != nil {
			return usageError("-spec %s: %v", o.spec, err)
		}
	}

	target := contracttest.Target{BaseURL: o.baseURL, Tokens: o.tokens, UserAgent: o.userAgent, Header: o.header}
	cfg := contracttest.Config{Strict: o.strict, ReadOnly: o.readOnly, Run: only, Rate: o.rate, Timeout: o.timeout,
		Insecure: o.insecure, Spec: spec, Location: loc}
	rep, err := contracttest.Check(ctx, target, cfg)
	if err != nil {
		var ce *contracttest.ConfigError
		if errors.As(err, &ce) {
			return &exitError{code: exitUsage, err: err}
		}
		return &exitError{code: exitCouldntRun, err: err}
	}

	for _, out := range o.outputs {
		if err := writeReport(out, rep, stdout); err != nil {
			return &exitError{code: exitCouldntRun, err: err}
		}
		if out.file != "" {
			fmt.Fprintf(stderr, "contracttest: wrote the %s report to %s\n", out.format, out.file)
		}
	}
	t := rep.Totals()
	if toStdout == 0 {
		fmt.Fprintf(stderr, "contracttest: %d checks, %d passed, %d failed, %d skipped, %d errored\n", t.Checks, t.Passed, t.Failed, t.Skipped, t.Errored)
	}
	switch {
	case t.Failed > 0:
		return &exitError{code: exitBroken}
	case t.Errored > 0:
		return &exitError{code: exitCouldntRun}
	}
	return nil
}

// writable says whether a report file can be written, without creating or truncating it: an
// existing file is opened for writing, a new one's directory gets a probe file.
func writable(file string) error {
	if f, err := os.OpenFile(file, os.O_WRONLY, 0); err == nil {
		return f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	probe, err := os.CreateTemp(filepath.Dir(file), ".contracttest-probe-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot create a file in %s: %w", filepath.Dir(file), err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func writeReport(out output, rep *contracttest.Report, stdout io.Writer) error {
	if out.file == "" {
		return report.Write(stdout, out.format, rep)
	}
	f, err := os.Create(out.file)
	if err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	if err := report.Write(f, out.format, rep); err != nil {
		f.Close()
		return fmt.Errorf("-out %s: %w", out.file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("-out %s: %w", out.file, err)
	}
	return nil
}

// list prints the catalog, grouped: id, source, description.
func list(w io.Writer, only *regexp.Regexp) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSOURCE\tDESCRIPTION")
	group := ""
	for _, c := range contracttest.Checks() {
		if only != nil && !only.MatchString(c.ID) {
			continue
		}
		if c.Group != group && group != "" {
			fmt.Fprintln(tw, "\t\t")
		}
		group = c.Group
		src := "[" + string(c.Source) + "]"
		if c.Writes {
			src += " write"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, src, c.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\n[doc] and [client] checks always run; [choice] ones only with -strict; \"write\" ones send POST, PUT, DELETE or PATCH (not with -read-only).")
	return err
}
