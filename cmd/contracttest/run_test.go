package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/internal/mocktest"
	"github.com/sparkmock/sparkmock/internal/readmeblock"
	"github.com/sparkmock/sparkmock/mockserver"
)

// mock serves sparkmock on 127.0.0.1 with a frozen clock; wrap may break it.
func mock(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = mocktest.New(t)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// tokenFlags give a token for every role of the default fixtures.
var tokenFlags = []string{
	"-token", "private=private-company-prairie", "-token", "idx=idx-member-avery", "-token", "public=public-member-avery",
	"-token", "vow=vow-member-avery", "-token", "portal=portal-member-avery", "-token", "expired=expired-member-brooke",
	"-token", "disabled=disabled-office-lakeshore", "-token", "controlled=private-office-downtown", "-token", "outsider=private-company-northstar",
}

// result is what one run of the command gave.
type result struct {
	code           int
	stdout, stderr string
	err            error
}

func runCmd(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"contracttest"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	r := result{stdout: out.String(), stderr: errOut.String(), err: err}
	var ee *exitError
	switch {
	case err == nil:
		r.code = 0
	case errors.As(err, &ee):
		r.code = ee.code
	default:
		t.Fatalf("run returned %v, not an exitError", err)
	}
	return r
}

func TestHelp(t *testing.T) {
	r := runCmd(t, nil, "-h")
	if r.code != 0 {
		t.Fatalf("got exit %d (%v), want 0", r.code, r.err)
	}
	for _, want := range []string{"Exit codes", "-base-url", "-token ROLE=TOKEN", "-format", "-out", "-strict", "-read-only",
		"-run", "-list", "-rate", "-timeout", "-insecure", "-spec", "-header", "-user-agent", "CONTRACTTEST_BASE_URL", "CONTRACTTEST_TOKEN", "Safe for production"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-h does not mention %q", want)
		}
	}
}

func TestList(t *testing.T) {
	r := runCmd(t, nil, "-list")
	if r.code != 0 {
		t.Fatalf("got exit %d (%v), want 0", r.code, r.err)
	}
	for _, c := range contracttest.Checks() {
		if !strings.Contains(r.stdout, c.ID) || !strings.Contains(r.stdout, c.Description) {
			t.Errorf("-list does not show %s with its description", c.ID)
		}
	}
	r = runCmd(t, nil, "-list", "-run", `^auth\.`)
	if strings.Contains(r.stdout, "roles.idx") || !strings.Contains(r.stdout, "auth.bearer") {
		t.Errorf("-list -run '^auth\\.': got\n%s\nwant the auth checks only", r.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{name: "no base URL", args: []string{"-token", "private=x"}, want: "-base-url is required"},
		{name: "token without role", args: []string{"-base-url", "http://127.0.0.1:1", "-token", "abc"}, want: "ROLE=TOKEN"},
		{name: "unknown role", args: []string{"-base-url", "http://127.0.0.1:1", "-token", "admin=x"}, want: `unknown role "admin"`},
		{name: "header without value", args: []string{"-base-url", "http://127.0.0.1:1", "-header", "X-Mock-Now"}, want: "NAME=VALUE"},
		{name: "unknown format", args: []string{"-base-url", "http://127.0.0.1:1", "-format", "yaml"}, want: `unknown format "yaml"`},
		{name: "-out before -format", args: []string{"-base-url", "http://127.0.0.1:1", "-out", "x.xml"}, want: "must follow the -format"},
		{name: "two -out for one format", args: []string{"-base-url", "http://127.0.0.1:1", "-format", "json", "-out", "a", "-out", "b"}, want: "already has -out"},
		{name: "two reports to stdout", args: []string{"-base-url", "http://127.0.0.1:1", "-format", "text", "-format", "json"}, want: "2 reports to stdout"},
		{name: "same file twice", args: []string{"-base-url", "http://127.0.0.1:1", "-format", "text", "-out", "a", "-format", "json", "-out", "a"}, want: "same file"},
		{name: "bad -run", args: []string{"-base-url", "http://127.0.0.1:1", "-run", "("}, want: "-run"},
		{name: "stray argument", args: []string{"-base-url", "http://127.0.0.1:1", "extra"}, want: "unexpected arguments"},
		{name: "bad time zone", args: []string{"-base-url", "http://127.0.0.1:1", "-timezone", "Mars/Olympus"}, want: "-timezone"},
		{name: "missing spec", args: []string{"-base-url", "http://127.0.0.1:1", "-spec", "/nonexistent/openapi.yaml"}, want: "-spec"},
		{name: "negative rate", args: []string{"-base-url", "http://127.0.0.1:1", "-rate", "-2"}, want: "rate -2"},
		{name: "base URL with /v1", args: []string{"-base-url", "http://127.0.0.1:1/v1"}, want: "ends in /v1"},
		{name: "bad env twin", env: map[string]string{"CONTRACTTEST_RATE": "fast"}, args: []string{"-base-url", "http://127.0.0.1:1"}, want: "CONTRACTTEST_RATE"},
		{name: "env out without format", env: map[string]string{"CONTRACTTEST_OUT": "x.xml"}, args: []string{"-base-url", "http://127.0.0.1:1"}, want: "CONTRACTTEST_OUT needs CONTRACTTEST_FORMAT"},
		{name: "unknown flag", args: []string{"-bogus"}, want: "bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.env, tc.args...)
			if r.code != exitUsage {
				t.Fatalf("got exit %d (%v), want %d", r.code, r.err, exitUsage)
			}
			if msg := r.err.Error() + r.stderr; !strings.Contains(msg, tc.want) {
				t.Errorf("got %q, want it to say %q", msg, tc.want)
			}
		})
	}
}

func TestCouldNotRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	r := runCmd(t, nil, "-base-url", url, "-token", "private=private-mls")
	if r.code != exitCouldntRun {
		t.Fatalf("got exit %d (%v), want %d", r.code, r.err, exitCouldntRun)
	}
	if !strings.Contains(r.err.Error(), "could not be checked") {
		t.Errorf("got %q, want it to say the target could not be checked", r.err)
	}
	// One clean line: the URL once, the cause once.
	if msg := r.err.Error(); strings.Count(msg, url) != 1 || strings.Count(msg, "contracttest:") > 1 || !strings.Contains(msg, "connection refused") {
		t.Errorf("got %q, want one line naming the URL once and the cause", msg)
	}
}

// TestPassesAgainstTheMock runs the command against the mock, strict, with every format:
// exit 0, text on stdout, the other reports in their files.
func TestPassesAgainstTheMock(t *testing.T) {
	url := mock(t, nil)
	dir := t.TempDir()
	xmlFile, jsonFile, htmlFile := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html")
	args := append([]string{"-base-url", url, "-strict", "-format", "junit", "-out", xmlFile, "-format", "text",
		"-format", "json", "-out", jsonFile, "-format", "html", "-out", htmlFile}, tokenFlags...)
	r := runCmd(t, nil, args...)
	if r.code != exitPassed {
		t.Fatalf("got exit %d (%v), want 0; stdout:\n%s", r.code, r.err, r.stdout)
	}
	n := len(contracttest.Checks())
	if !strings.Contains(r.stdout, fmt.Sprintf("PASS: %d checks, %d passed, 0 failed, 0 skipped, 0 errored", n, n)) {
		t.Errorf("stdout does not end with the totals:\n%s", r.stdout)
	}
	for _, tok := range []string{"private-company-prairie", "idx-member-avery", "expired-member-brooke"} {
		if strings.Contains(r.stdout, tok) {
			t.Errorf("stdout shows the token %s in full", tok)
		}
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	readInto(t, xmlFile, func(b []byte) error { return xml.Unmarshal(b, &junit) })
	if junit.Tests != n || junit.Failures != 0 {
		t.Errorf("JUnit: got %d tests, %d failures; want %d, 0", junit.Tests, junit.Failures, n)
	}
	var js struct{ Verdict string }
	readInto(t, jsonFile, func(b []byte) error { return json.Unmarshal(b, &js) })
	if js.Verdict != "PASS" {
		t.Errorf("JSON: got verdict %q, want PASS", js.Verdict)
	}
	readInto(t, htmlFile, func(b []byte) error {
		if !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) || !bytes.Contains(b, []byte(fmt.Sprintf("PASS: %d checks", n))) {
			return errors.New("not the HTML report")
		}
		return nil
	})
	for _, f := range []string{xmlFile, jsonFile, htmlFile} {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("stderr does not say %s was written", f)
		}
	}
}

func readInto(t *testing.T, path string, parse func([]byte) error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := parse(b); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}

// TestBrokenServerExitsOne: an IDX token that reads data is a broken contract: exit 1, and
// the failure named in the report.
func TestBrokenServerExitsOne(t *testing.T) {
	url := mock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "OAuth idx-member-avery" {
				r.Header.Set("Authorization", "OAuth private-company-prairie")
			}
			next.ServeHTTP(w, r)
		})
	})
	r := runCmd(t, nil, append([]string{"-base-url", url}, tokenFlags...)...)
	if r.code != exitBroken {
		t.Fatalf("got exit %d (%v), want %d", r.code, r.err, exitBroken)
	}
	if !strings.Contains(r.stdout, "FAIL  roles.idx") || !strings.Contains(r.stdout, "200 (want 403)") {
		t.Errorf("the text report does not show the IDX failure:\n%s", r.stdout)
	}
}

// TestEnvTwins: settings from the environment, a flag winning over its twin, formats and
// files paired by position.
func TestEnvTwins(t *testing.T) {
	url := mock(t, nil)
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "r.json")
	env := map[string]string{
		"CONTRACTTEST_BASE_URL": "http://127.0.0.1:1", // the flag wins
		"CONTRACTTEST_TOKEN":    "private=private-member-avery,idx=idx-member-avery",
		"CONTRACTTEST_FORMAT":   "json,text",
		"CONTRACTTEST_OUT":      jsonFile,
		"CONTRACTTEST_RUN":      `^(auth|roles)\.`,
		"CONTRACTTEST_HEADER":   mockserver.MockNowHeader + "=2019-03-15T10:00:00Z",
	}
	r := runCmd(t, env, "-base-url", url)
	if r.code != exitPassed {
		t.Fatalf("got exit %d (%v), want 0:\n%s", r.code, r.err, r.stdout)
	}
	if !strings.Contains(r.stdout, "PASS  roles.idx") || strings.Contains(r.stdout, "paging.") {
		t.Errorf("text on stdout does not show the auth and roles checks only:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "headers: "+mockserver.MockNowHeader+": "+contracttest.Mask("2019-03-15T10:00:00Z")) {
		t.Errorf("the header from the environment is not in the report (masked):\n%s", r.stdout)
	}
	var js struct {
		Results []struct{ ID string }
	}
	readInto(t, jsonFile, func(b []byte) error { return json.Unmarshal(b, &js) })
	if len(js.Results) == 0 {
		t.Errorf("no results in the JSON report")
	}
}

// TestReadOnlyFlag: -read-only skips the write probes and still exits 0.
func TestReadOnlyFlag(t *testing.T) {
	var writes int
	url := mock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				writes++
			}
			next.ServeHTTP(w, r)
		})
	})
	r := runCmd(t, nil, append([]string{"-base-url", url, "-read-only", "-run", `^(methods|auth)\.`}, tokenFlags...)...)
	if r.code != exitPassed {
		t.Fatalf("got exit %d (%v), want 0", r.code, r.err)
	}
	if writes != 0 {
		t.Errorf("got %d requests that were not GET with -read-only, want 0", writes)
	}
	if !strings.Contains(r.stdout, "SKIP  methods.not-allowed") {
		t.Errorf("methods.not-allowed is not skipped:\n%s", r.stdout)
	}
}

// TestUnfinishedCheckExitsThree: a check whose request times out errors, and the run exits 3.
func TestUnfinishedCheckExitsThree(t *testing.T) {
	url := mock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("_limit") == "0" {
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	r := runCmd(t, nil, "-base-url", url, "-token", "private=private-member-avery", "-run", `^paging\.limit$`, "-timeout", "100ms")
	if r.code != exitCouldntRun {
		t.Fatalf("got exit %d (%v), want %d:\n%s", r.code, r.err, exitCouldntRun, r.stdout)
	}
	if !strings.Contains(r.stdout, "ERROR paging.limit") {
		t.Errorf("the report does not show the check as errored:\n%s", r.stdout)
	}
}

// TestFailFast: what stops a run says so at once, before the checks, in one line.
func TestFailFast(t *testing.T) {
	var requests atomic.Int64
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	url := mock(t, count)
	dir := t.TempDir()
	tests := []struct {
		name        string
		args        []string
		code        int
		want        []string
		maxRequests int64
	}{
		{name: "a rejected private token", args: []string{"-token", "private=expired-member-brooke"}, code: exitCouldntRun,
			want: []string{"the private token was rejected: 401, code 1020 ("}, maxRequests: 2},
		{name: "a token of a role that may not read", args: []string{"-token", "private=idx-member-avery"}, code: exitCouldntRun,
			want: []string{"the private token was rejected: 403, code 1500"}, maxRequests: 2},
		{name: "an unwritable -out", args: []string{"-token", "private=private-mls", "-format", "json", "-out", filepath.Join(dir, "no", "such", "dir", "r.json")},
			code: exitUsage, want: []string{"-out", "cannot create a file"}, maxRequests: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := requests.Load()
			r := runCmd(t, nil, append([]string{"-base-url", url}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("got exit %d (%v), want %d", r.code, r.err, tc.code)
			}
			msg := r.err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("got %q, want it to say %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "expired-member-brooke") {
				t.Errorf("got %q, want one line, the token masked", msg)
			}
			if n := requests.Load() - before; n > tc.maxRequests {
				t.Errorf("%d requests before stopping, want at most %d", n, tc.maxRequests)
			}
		})
	}
}

// TestCheckListDocIsGenerated keeps docs/contracttest.md's check list what -list prints.
func TestCheckListDocIsGenerated(t *testing.T) {
	var out bytes.Buffer
	if err := list(&out, nil); err != nil {
		t.Fatal(err)
	}
	readmeblock.CheckOutput(t, "contracttest", "-list", "```text\n"+out.String()+"```\n")
}
