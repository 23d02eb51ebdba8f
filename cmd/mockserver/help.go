package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// flagGroup is a section of -h.
type flagGroup struct{ key, heading string }

// groupOrder is the order of the sections of -h.
var groupOrder = []flagGroup{
	{"mock", "The mock:"},
	{"proxy", "The validating proxy (-upstream URL instead of the mock's own data):"},
	{"tls", "HTTPS:"},
	{"logging", "Logging:"},
	{"server", "Server and process:"},
}

// flagSections is the section (a flagGroup key) of each flag.
type flagSections map[string]string

// close puts every flag of fs registered since the last call in the section key: parseFlags
// registers the flags section by section, so a new flag lands in the section it is written in.
func (s flagSections) close(fs *flag.FlagSet, key string) {
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := s[f.Name]; !ok {
			s[f.Name] = key
		}
	})
}

// ungroupedHeading heads the flags registered after the last section, so -h still shows them.
const ungroupedHeading = "Other flags:"

// printUsage writes -h: what the command does, its flags by group, examples and exit codes.
// [choice] The command is named "mockserver", not os.Args[0]: `go run` builds it in a
// temporary folder whose path means nothing to the reader.
func printUsage(w io.Writer, fs *flag.FlagSet, sectionOf flagSections) {
	fmt.Fprint(w, `Usage: mockserver [flags]

Serves the Spark API "Contacts: Export" (GET /v1/contacts/export and /v1/contacts/export/all)
offline, with deterministic contacts for a tree of accounts and a token for every role; the page
at / shows them. With -upstream URL it is instead a validating proxy in front of a real service.
Every flag can also be set by its environment variable (flags win).
`)
	byGroup := map[string][]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) {
		byGroup[sectionOf[f.Name]] = append(byGroup[sectionOf[f.Name]], f)
	})
	sections := append(groupOrder, flagGroup{"", ungroupedHeading})
	for _, g := range sections {
		if len(byGroup[g.key]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", g.heading)
		for _, f := range byGroup[g.key] {
			name, usage := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + name
			}
			fmt.Fprintf(w, "  -%s%s\n    \t%s", f.Name, name, usage)
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			if noEnv[f.Name] {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "\n    \tenv %s\n", envName(f.Name))
		}
	}
	fmt.Fprint(w, `
Examples:
  mockserver                                         the mock on http://127.0.0.1:8080
  mockserver -addr :0 -now 2026-01-31T12:00:00Z      a free port, the clock frozen
  mockserver -fixtures mine.yaml -watch              your accounts, reloaded when the file changes
  mockserver -tls -tls-cert-out mock.pem             HTTPS (curl --cacert mock.pem …)
  mockserver -scenario rate-limited                  every API request answers 429
  mockserver -upstream https://staging.example.com -report out/report.json
                                                     judge a real service's answers
  mockserver -probe http://127.0.0.1:8080/readyz     a container's health check
  SPARKMOCK_LOG_FORMAT=json mockserver               JSON log lines for a collector

Exit codes: 0 stopped cleanly on SIGINT/SIGTERM (or -h, -version, -dump-fixtures, a probe
answered 2xx), 1 could not serve (address in use, shutdown timed out) or a probe failed,
2 bad usage or configuration (a flag, an environment variable, the fixtures file).
`)
}

// expectation says what a flag's value must look like, for a one-line error.
func expectation(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case bool:
		return "want true or false"
	case int, int64, uint, uint64:
		if f.DefValue != "" && f.DefValue != "0" {
			return "want an integer, like " + f.DefValue
		}
		return "want an integer"
	case float64:
		return "want a number"
	case time.Duration:
		return "want a duration, like 10s or 1m30s"
	}
	return ""
}

var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): (.*)$`)

// parseError turns the flag package's error into one line that points at -h.
func parseError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		if f := fs.Lookup(m[2]); f != nil && expectation(f) != "" {
			why = expectation(f)
		}
		msg = fmt.Sprintf("-%s %q: %s", m[2], m[1], why)
	}
	return usageError("%s (see mockserver -h)", msg)
}
