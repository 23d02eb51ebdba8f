package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/readmeblock"
	"github.com/sparkmock/sparkmock/mockserver"
)

// start runs the program on 127.0.0.1:0 and returns its URL once /healthz answers.
func start(t *testing.T, args []string, env map[string]string) (url string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"mockserver", "-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.CloseWithError(fmt.Errorf("run returned: %v", err))
		done <- err
	}()
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "sparkmock listening on "); ok {
			url = strings.TrimSpace(rest)
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no listening line: %v", lines.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("/healthz never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return url, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			return errors.New("run did not return after cancel")
		}
	}
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-SparkApi-User-Agent", "run-test")
	if token != "" {
		req.Header.Set("Authorization", "OAuth "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct{ D map[string]any }
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return res.StatusCode, env.D
}

// runUsage runs the program with args and env and returns its error, failing the test
// unless that is a usage error (exit code 2).
func runUsage(t *testing.T, args []string, env map[string]string) error {
	t.Helper()
	err := run(t.Context(), append([]string{"mockserver", "-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, nil, io.Discard, io.Discard)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("got %v, want an exit code 2 error", err)
	}
	return err
}

func TestRunServesAndShutsDown(t *testing.T) {
	url, stop := start(t, []string{"-now", "2026-11-28T12:00:00Z", "-log-level", "error"}, nil)
	status, d := get(t, url+"/v1/contacts/export?_limit=3", "private-member-avery")
	if status != 200 || len(d["Results"].([]any)) != 3 || d["ExportTimestamp"] != "2026-11-28T06:00:00" {
		t.Errorf("export: %d %v", status, d)
	}
	status, d = get(t, url+"/v1/contacts/export/all", "idx-member-avery")
	if status != 403 || d["Code"] != float64(1500) {
		t.Errorf("IDX: %d %v", status, d)
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestEnvironmentTwins(t *testing.T) {
	url, stop := start(t, nil, map[string]string{"SPARKMOCK_NOW": "2020-01-01T18:00:00Z", "SPARKMOCK_TIMEZONE": "UTC"})
	defer stop()
	_, d := get(t, url+"/v1/contacts/export", "private-member-avery")
	if d["ExportTimestamp"] != "2020-01-01T18:00:00" {
		t.Errorf("SPARKMOCK_NOW/SPARKMOCK_TIMEZONE ignored: ExportTimestamp %v", d["ExportTimestamp"])
	}
}

func TestSameSeedSameDataAcrossProcesses(t *testing.T) {
	body := func(seed string) string {
		url, stop := start(t, []string{"-now", "2026-11-28T12:00:00Z", "-seed", seed, "-log-level", "error"}, nil)
		defer stop()
		_, d := get(t, url+"/v1/contacts/export/all?_limit=25", "private-mls")
		b, _ := json.Marshal(d)
		return string(b)
	}
	a, b, c := body("5"), body("5"), body("6")
	if a != b {
		t.Errorf("seed 5 twice: different bodies")
	}
	if a == c {
		t.Errorf("seeds 5 and 6: same bodies")
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "tree.yaml")
	if err := os.WriteFile(bad, []byte("epoch: 2010-01-01T00:00:00Z\nasOf: 2026-01-01T00:00:00Z\naccounts:\n  - {id: \"10000000000000000000000001\", name: A, type: Office, contacts: 3, parent: \"42\"}\ntokens:\n  - {token: x, role: Root, account: \"10000000000000000000000001\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "bad fixtures", args: []string{"-fixtures", bad}, want: []string{bad + ":4", "unknown parent 42", bad + ":6", `unknown role "Root"`}},
		{name: "missing fixtures", args: []string{"-fixtures", filepath.Join(dir, "nope.yaml")}, want: []string{"nope.yaml"}},
		{name: "bad now", args: []string{"-now", "noon"}, want: []string{"-now"}},
		{name: "bad zone", args: []string{"-timezone", "Mars/Olympus"}, want: []string{"Mars/Olympus"}},
		{name: "bad level", args: []string{"-log-level", "loud"}, want: []string{"-log-level"}},
		{name: "unknown flag", args: []string{"-colour"}, want: []string{"colour"}},
		{name: "stray argument", args: []string{"serve"}, want: []string{"unexpected arguments"}},
		{name: "bad env", env: map[string]string{"SPARKMOCK_SEED": "many"}, want: []string{"SPARKMOCK_SEED"}},
		{name: "unknown variant", args: []string{"-variant", "limit-clamp", "-variant", "nope"}, want: []string{"-variant", `"nope"`, "limit-clamp"}},
		{name: "unknown variant in env", env: map[string]string{"SPARKMOCK_VARIANT": "select-exact,nope"}, want: []string{`"nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runUsage(t, tt.args, tt.env)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestHelpNamesEveryFlag(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"mockserver", "-h"}, func(string) string { return "" }, nil, io.Discard, &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, f := range []string{"-addr", "-seed", "-now", "-timezone", "-fixtures", "-validate-responses", "-log-level", "SPARKMOCK_ADDR"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("help lacks %s", f)
		}
	}
}

func TestDumpFixturesRoundTrips(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"mockserver", "-dump-fixtures"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := start(t, []string{"-fixtures", path, "-log-level", "error"}, nil)
	defer stop()
	if status, _ := get(t, url+"/v1/contacts/export", "private-mls"); status != 200 {
		t.Errorf("served from the dumped file: %d", status)
	}
}

// TestTLSWithAClientThatTrustsOnlyThePrintedCertificate: -tls makes a certificate, prints where
// it is, and a client that trusts that file alone gets the export over HTTPS.
func TestTLSWithAClientThatTrustsOnlyThePrintedCertificate(t *testing.T) {
	certPath := filepath.Join(t.TempDir(), "mock.pem")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"mockserver", "-addr", "127.0.0.1:0", "-tls", "-tls-cert-out", certPath, "-log-level", "error"},
			func(string) string { return "" }, nil, pw, io.Discard)
		pw.Close()
	}()
	var url, printedPath, fp, try string
	lines := bufio.NewScanner(pr)
	for (url == "" || fp == "") && lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if rest, ok := strings.CutPrefix(line, "try: "); ok {
			try = rest
		}
		if rest, ok := strings.CutPrefix(line, "sparkmock listening on "); ok {
			url = rest
		}
		if _, rest, ok := strings.Cut(line, "trust it to call the mock): "); ok {
			printedPath = rest
		}
		if rest, ok := strings.CutPrefix(line, "SHA-256 fingerprint: "); ok {
			fp = rest
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if !strings.HasPrefix(url, "https://") || printedPath != certPath || len(fp) != 95 {
		t.Fatalf("banner: url %q, certificate %q, fingerprint %q", url, printedPath, fp)
	}
	// The banner's curl command works as printed: it trusts the certificate.
	if !strings.HasPrefix(try, "curl --cacert "+certPath+" ") {
		t.Errorf("banner's curl line %q, want it to start curl --cacert %s", try, certPath)
	}
	pemBytes, err := os.ReadFile(printedPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the printed file holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/contacts/export?_limit=1", nil)
	req.Header.Set("X-SparkApi-User-Agent", "tls-test")
	req.Header.Set("Authorization", "OAuth private-member-avery")
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("trusting the printed certificate: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// localhost is in the certificate too.
	res, err = client.Get(strings.Replace(url, "127.0.0.1", "localhost", 1) + "/healthz")
	if err != nil {
		t.Fatalf("https://localhost: %v", err)
	}
	res.Body.Close()
	// A client with the system roots only refuses it.
	if _, err := (&http.Client{}).Get(url + "/healthz"); err == nil {
		t.Fatal("a client without the certificate accepted the connection")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// TestShutdownFinishesRequestsInFlight: a request still being answered when the signal comes
// gets its answer, then run returns cleanly.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	url, stop := start(t, []string{"-log-level", "error"}, nil)
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, url+"/v1/contacts/export", nil)
		req.Header.Set("X-SparkApi-User-Agent", "shutdown-test")
		req.Header.Set("Authorization", "OAuth private-member-avery")
		req.Header.Set("X-Mock-Scenario", "latency=2s")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		res.Body.Close()
		got <- result{status: res.StatusCode}
	}()
	time.Sleep(500 * time.Millisecond) // the request is in its 2 s of latency
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	r := <-got
	if r.err != nil || r.status != 200 {
		t.Fatalf("the request in flight got %d, %v; want its 200", r.status, r.err)
	}
}

// TestListVariants: one line a variant, NAME<TAB>CHECK-ID<TAB>description, in the table's order.
func TestListVariants(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"mockserver", "-list-variants"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, v := range mockserver.Variants() {
		fmt.Fprintf(&want, "%s\t%s\t%s\n", v.Name, v.Check, v.Description)
	}
	if out.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want.String())
	}
}

// TestVariantFlagAndEnv: -variant is repeatable, SPARKMOCK_VARIANT a comma list, and a
// -variant on the command line replaces the environment's.
func TestVariantFlagAndEnv(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "repeated flag", args: []string{"-variant", "limit-clamp", "-variant", "select-exact,past-end-400"}, want: []string{"limit-clamp", "select-exact,past-end-400"}},
		{name: "env", env: map[string]string{"SPARKMOCK_VARIANT": "limit-clamp,select-exact"}, want: []string{"limit-clamp,select-exact"}},
		{name: "flag wins over env", args: []string{"-variant", "past-end-400"}, env: map[string]string{"SPARKMOCK_VARIANT": "limit-clamp"}, want: []string{"past-end-400"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(append([]string{"mockserver"}, tt.args...), func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.variants.values; !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVariantListDocIsGenerated keeps docs/mockserver.md's variant table what -list-variants prints.
func TestVariantListDocIsGenerated(t *testing.T) {
	var b strings.Builder
	b.WriteString("| Variant | Flips (`-strict` fails) | What the mock then does |\n|---|---|---|\n")
	for _, v := range mockserver.Variants() {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", v.Name, v.Check, v.Description)
	}
	readmeblock.CheckOutput(t, "mockserver", "-list-variants", b.String())
}
