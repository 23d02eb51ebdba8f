package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/version"
	"github.com/sparkmock/sparkmock/mockserver"
	"github.com/sparkmock/sparkmock/proxy"
)

// exitError carries the exit code of a failure: 2 for bad usage or configuration.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// options are the command's flags; each has an environment twin SPARKMOCK_<NAME>.
type options struct {
	replicaOptions    // replicas.go
	addr              string
	seed              int64
	now               string
	timezone          string
	fixtures          string
	validateResponses bool
	logLevel          string
	logFormat         string
	dumpFixtures      bool
	shutdownTimeout   time.Duration
	drainDelay        time.Duration
	idleTimeout       time.Duration
	writeTimeout      time.Duration
	maxHeaderBytes    byteSize
	corsMock          bool
	scenario          string
	latency           string
	rateLimit         bool
	rateLimitIDX      int
	rateLimitOther    int
	rateLimitWindow   time.Duration
	tls               bool
	tlsCert           string
	tlsKey            string
	tlsCertOut        string
	watch             bool
	watchInterval     time.Duration
	cpuProfile        string
	corsOrigins       string
	version           bool
	probe             string
	variants          listFlag
	listVariants      bool

	// The validating proxy (proxy.go).
	upstream        string
	upstreamTimeout time.Duration
	upstreamCA      string
	failOnViolation bool
	maxBody         byteSize
	maxBuffered     byteSize
	report          string
	violationsKeep  int
	strict          bool
}

// noEnv are the flags without an environment twin: they do something else than serve, and a
// container's environment (SPARKMOCK_VERSION=1.2 set for other reasons) must not turn the
// server into them.
var noEnv = map[string]bool{"version": true, "probe": true}

// envEmpty is what the getenv given to run returns for a variable that is set to the empty
// string, as opposed to "" for one not set: no environment variable can hold a NUL.
const envEmpty = "\x00"

// lookupEnv is the getenv of main: it tells a variable set to nothing (envEmpty) from one
// not set.
func lookupEnv(name string) string {
	if v, ok := os.LookupEnv(name); ok && v == "" {
		return envEmpty
	}
	return os.Getenv(name)
}

func envName(flagName string) string {
	return "SPARKMOCK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	// The flags section by section, each closed by sections.close: its heading in -h.
	sections := flagSections{}
	fs.Int64Var(&o.seed, "seed", mockserver.DefaultSeed, "seed of the generated contacts: the same seed and fixtures give the same contacts everywhere")
	fs.StringVar(&o.now, "now", "", "freeze the clock at this RFC 3339 `time` (default: the real clock); X-Mock-Now still overrides it per request")
	fs.StringVar(&o.timezone, "timezone", sparkmock.DefaultZone, "the service's IANA time `zone`: ExportTimestamp and zone-less filter times are in it")
	fs.StringVar(&o.fixtures, "fixtures", "", "account tree `file` (YAML) to serve instead of the embedded default; see -dump-fixtures")
	fs.BoolVar(&o.validateResponses, "validate-responses", true, "validate every response against openapi.yaml before it leaves (a violation becomes a 500 and a log line)")
	fs.BoolVar(&o.dumpFixtures, "dump-fixtures", false, "print the embedded default fixtures file and exit: a starting point for -fixtures")
	fs.StringVar(&o.scenario, "scenario", "", "force a `scenario` on every API request without X-Mock-Scenario: rate-limited, session-expired, unavailable, server-error, latency=<duration>, reset")
	fs.Var(&o.variants, "variant", "switch a [choice] to another legal `behaviour` on every request (repeatable, or a comma list; X-Mock-Variant overrides it per request): see -list-variants")
	fs.BoolVar(&o.listVariants, "list-variants", false, "print every variant (name, the contract suite's check it flips, what it does), tab-separated, and exit")
	fs.StringVar(&o.latency, "latency", "", "add latency to every request: a `duration` (20ms) or a range (20ms-200ms), the same for the same request")
	fs.BoolVar(&o.rateLimit, "rate-limit", false, "enforce Spark's public rate limits per key (429, code 1550, Retry-After)")
	fs.IntVar(&o.rateLimitIDX, "rate-limit-idx", mockserver.SparkRateLimits.IDX, "with -rate-limit: requests per window for IDX keys")
	fs.IntVar(&o.rateLimitOther, "rate-limit-other", mockserver.SparkRateLimits.Other, "with -rate-limit: requests per window for every other key")
	fs.DurationVar(&o.rateLimitWindow, "rate-limit-window", mockserver.SparkRateLimits.Window, "with -rate-limit: the window")
	fs.BoolVar(&o.watch, "watch", false, "with -fixtures: reload the file when it changes (a file that does not load is logged and the previous data stays)")
	fs.DurationVar(&o.watchInterval, "watch-interval", time.Second, "with -watch: how often to look at the file")
	o.replicaOptions.register(fs)
	sections.close(fs, "mock")
	fs.StringVar(&o.upstream, "upstream", "", "run as a validating proxy in front of this `URL` (http[s]://host[:port][/prefix]): forward every request, judge each exchange against the contract, add X-Contract-Violations; the mock's own data is not served")
	fs.DurationVar(&o.upstreamTimeout, "upstream-timeout", proxy.DefaultTimeout, "with -upstream: how long an exchange with the upstream may take before the client gets a 502")
	fs.StringVar(&o.upstreamCA, "upstream-ca", "", "with an https -upstream: also trust the certificates in this PEM `file` (a staging server's self-signed certificate, a private CA)")
	o.maxBody, o.maxBuffered = proxy.DefaultMaxBody, proxy.DefaultMaxBuffered
	fs.Var(&o.maxBody, "upstream-max-body", "with -upstream: the largest answer read from the upstream, in `bytes` (gunzipped too); a larger one is a 502 too-large")
	fs.Var(&o.maxBuffered, "upstream-max-buffered", "with -upstream: the `bytes` of answers held at once by all exchanges together; past it a request gets a 503 busy")
	fs.BoolVar(&o.failOnViolation, "fail-on-violation", false, "with -upstream: answer a 502 envelope listing the violations instead of an answer that breaks the contract")
	fs.StringVar(&o.report, "report", "", "with -upstream: on shutdown, write the report of everything seen to this `file` as JSON, and as JUnit XML next to it (report.json → report.xml; another name gets .xml added)")
	fs.IntVar(&o.violationsKeep, "violations-keep", proxy.DefaultKeep, "with -upstream: how many recent violations GET /_mock/violations returns")
	fs.BoolVar(&o.strict, "strict", false, "with -upstream: also judge the [choice] rules of the contract (the mock's decisions; leave off in front of the real Spark API)")
	sections.close(fs, "proxy")
	fs.BoolVar(&o.tls, "tls", false, "serve HTTPS with a self-signed certificate made at start (localhost, 127.0.0.1); its PEM path and fingerprint are printed")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate `file` (PEM; with -tls-key)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "the private key `file` of -tls-cert (PEM)")
	fs.StringVar(&o.tlsCertOut, "tls-cert-out", "", "with -tls: where to write the certificate `file` (default: sparkmock-<port>.pem in the temp dir)")
	sections.close(fs, "tls")
	fs.StringVar(&o.logLevel, "log-level", "info", "log `level`: debug, info (a line per request), warn or error")
	fs.StringVar(&o.logFormat, "log-format", "text", "log `format`: text or json")
	sections.close(fs, "logging")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "on SIGINT/SIGTERM, how long requests in flight may take to finish")
	fs.DurationVar(&o.drainDelay, "drain-delay", 0, "on SIGINT/SIGTERM, how long to keep serving while /readyz answers 503 (so a load balancer stops routing here) before no longer accepting connections; a second signal exits at once")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", defaultIdleTimeout, "how long a kept-alive connection may wait for its next request")
	fs.DurationVar(&o.writeTimeout, "write-timeout", defaultWriteTimeout, "how long a client may take to accept each piece of an answer (time spent making the answer does not count); 0: no limit")
	o.maxHeaderBytes = defaultMaxHeaderBytes
	fs.Var(&o.maxHeaderBytes, "max-header-bytes", "largest request line and headers accepted, in `bytes` (64KiB, 1MiB); past it the answer is 431")
	fs.StringVar(&o.corsOrigins, "cors-origins", strings.Join(mockserver.DefaultCORSOrigins(), ","), "comma-separated `origins` whose pages may call the API from a browser (CORS): * for any, or scheme://host[:port] where * stands for any part; empty turns CORS off")
	fs.BoolVar(&o.corsMock, "cors-mock", false, "share /_mock/* (the accounts and their tokens) with the -cors-origins too, not only the API")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) to this `file` from start to shutdown")
	fs.BoolVar(&o.version, "version", false, "print the version (release, commit, build date) and exit")
	fs.StringVar(&o.probe, "probe", "", "GET this `URL` and exit: 0 on a 2xx answer, 1 otherwise (5 s at most); the container's health check, e.g. -probe http://127.0.0.1:8080/readyz")
	sections.close(fs, "server")
	// The flag package's own messages and its usage on every error are replaced by one line
	// (parseError); only -h prints the usage.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if noEnv[f.Name] {
			return
		}
		v := getenv(envName(f.Name))
		if v == envEmpty {
			// [choice] A variable set to nothing counts only where empty means something
			// (-cors-origins: CORS off); for the other flags it is the same as unset.
			if v = ""; f.Name == "cors-origins" {
				_ = fs.Set(f.Name, "")
			}
		}
		if v != "" && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				why := expectation(f)
				if why == "" {
					why = err.Error()
				}
				envErr = usageError("%s=%q: %s", envName(f.Name), v, why)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	o.variants.fromEnv = len(o.variants.values) > 0 // a -variant on the command line replaces them
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stderr, fs, sections)
			return nil, err
		}
		return nil, parseError(fs, err)
	}
	if o.drainDelay < 0 {
		return nil, usageError("-drain-delay must not be negative")
	}
	if o.idleTimeout <= 0 || o.writeTimeout < 0 {
		return nil, usageError("-idle-timeout must be positive and -write-timeout not negative")
	}
	if fs.NArg() > 0 {
		return nil, usageError("unexpected arguments: %s (all settings are flags; see -h)", strings.Join(fs.Args(), " "))
	}
	return o, nil
}

func newLogger(o *options, stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, usageError("-log-level %q: use debug, info, warn or error", o.logLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, hopts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, hopts)), nil
	}
	return nil, usageError("-log-format %q: use text or json", o.logFormat)
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
	if o.probe != "" {
		return probe(ctx, o.probe, stdout)
	}
	if o.dumpFixtures {
		_, err := stdout.Write(fixtures.DefaultYAML())
		return err
	}
	if o.listVariants {
		for _, v := range mockserver.Variants() {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", v.Name, v.Check, v.Description)
		}
		return nil
	}
	// Log lines go out at most 100 ms late: a write system call per request would cost a
	// busy mock more than the rest of the request.
	logOut := newLogWriter(stderr, 64<<10, 100*time.Millisecond)
	defer logOut.Close()
	log, err := newLogger(o, logOut)
	if err != nil {
		return err
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return usageError("-cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return usageError("-cpuprofile: %v", err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if o.upstream != "" {
		return runProxy(ctx, o, log, stdout)
	}
	if o.failOnViolation || o.report != "" || o.strict || o.upstreamCA != "" {
		return usageError("-fail-on-violation, -report, -strict and -upstream-ca go with -upstream (the validating proxy)")
	}
	cfg := mockserver.DefaultConfig()
	cfg.Seed = o.seed
	cfg.ValidateResponses = o.validateResponses
	cfg.Logger = log
	cfg.CORSOrigins = splitList(o.corsOrigins)
	cfg.CORSMock = o.corsMock
	loc, err := time.LoadLocation(o.timezone)
	if err != nil {
		return usageError("-timezone %q: %v", o.timezone, err)
	}
	cfg.Location = loc
	if o.now != "" {
		t, err := mockserver.ParseClock(o.now)
		if err != nil {
			return usageError("-now %q: must be an RFC 3339 time from 1970 to 2099, like 2026-01-31T13:45:00Z", o.now)
		}
		cfg.Clock = func() time.Time { return t }
		cfg.ClockLabel = "frozen at " + o.now
	}
	if cfg.Scenario, err = mockserver.ParseScenario(o.scenario); err != nil {
		return usageError("-scenario %q: one of %s", o.scenario, strings.Join(mockserver.ScenarioNames, ", "))
	}
	if err := mockserver.CheckVariants(o.variants.values...); err != nil {
		return usageError("-variant: %v", err)
	}
	cfg.Variants = o.variants.values
	if cfg.Latency, err = mockserver.ParseLatency(o.latency); err != nil {
		return usageError("-latency: %v", err)
	}
	if o.rateLimit {
		cfg.RateLimits = &mockserver.RateLimits{IDX: o.rateLimitIDX, Other: o.rateLimitOther, Window: o.rateLimitWindow}
		// Windows follow the wall clock even with -now: traffic happens in real time.
		cfg.RateLimitClock = time.Now
	}
	if o.watch && o.fixtures == "" {
		return usageError("-watch needs -fixtures: there is no file to watch")
	}
	if o.watchInterval <= 0 {
		return usageError("-watch-interval must be positive")
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usageError("-tls-cert and -tls-key go together")
	}
	if o.fixtures != "" {
		tree, err := fixtures.Load(o.fixtures)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("-fixtures: %w", err)}
		}
		cfg.Tree = tree
	}
	if err := o.replicaOptions.apply(&cfg); err != nil {
		return err
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if cfg.Clock != nil {
		srv.Warm(cfg.Clock())
	} else {
		srv.Warm(time.Now())
	}
	// [choice] A soft memory limit that follows the index and -cache-mb (ManageMemoryLimit),
	// unless GOMEMLIMIT is set: GOMEMLIMIT=off for none.
	srv.ManageMemoryLimit(softMemoryLimit)
	if limit := srv.MemoryLimit(); limit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		log.Info("soft memory limit set: the index, -cache-mb and the rest of the heap, plus headroom; GOMEMLIMIT overrides it", "limit_mib", limit>>20)
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	scheme, tlsNote := "http", ""
	var tlsConfig *tls.Config
	if o.tls || o.tlsCert != "" {
		tlsConfig, tlsNote, err = serveTLS(ln, o)
		if err != nil {
			ln.Close()
			return &exitError{code: 2, err: err}
		}
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	cacert := ""
	if o.tls && o.tlsCert == "" {
		cacert = selfSignedPath(ln, o)
	}
	printBanner(stdout, url, srv.Tree(), o, cacert)
	if tlsNote != "" {
		fmt.Fprintln(stdout, tlsNote)
	}

	hs := &http.Server{
		Handler:           srv,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	limitConnections(hs, o)
	if o.watch {
		go srv.WatchFixtures(ctx, o.fixtures, o.watchInterval)
	}
	_, err = serveUntilDone(ctx, hs, ln, o, log, srv.SetReady)
	return err
}

// serveUntilDone serves hs on ln (TLS when hs.TLSConfig is set) until ctx ends, then drains:
// /readyz answers 503 while connections are still accepted and served for o.drainDelay (a
// load balancer has that long to stop routing here), then the listener closes and the
// requests in flight finish within o.shutdownTimeout. It returns shutdown true with the
// shutdown's error, nil when clean. A server that stops serving on its own returns shutdown
// false and why.
func serveUntilDone(ctx context.Context, hs *http.Server, ln net.Listener, o *options, log *slog.Logger, setReady func(bool)) (shutdown bool, err error) {
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "")
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return false, err
	case <-ctx.Done():
	}
	setReady(false)
	if o.drainDelay > 0 {
		log.Info("draining: /readyz answers 503, still serving", "delay", o.drainDelay)
		// [choice] Answers during the drain close their connection: a client's next request
		// opens a new one, which the load balancer sends elsewhere once it has seen the 503.
		hs.SetKeepAlivesEnabled(false)
		select {
		case <-time.After(o.drainDelay):
		case err := <-errc:
			return true, err
		}
	}
	log.Info("shutting down: finishing requests in flight", "timeout", o.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		<-errc
		return true, fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return true, err
	}
	return true, nil
}

// serveTLS makes the TLS configuration: the given certificate or a self-signed one.
func serveTLS(ln net.Listener, o *options) (*tls.Config, string, error) {
	var cert tls.Certificate
	var note string
	if o.tlsCert != "" {
		c, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, "", fmt.Errorf("-tls-cert/-tls-key: %w", err)
		}
		cert, note = c, fmt.Sprintf("  TLS certificate: %s", o.tlsCert)
	} else {
		host, _, _ := net.SplitHostPort(ln.Addr().String())
		out := selfSignedPath(ln, o)
		c, fp, err := selfSigned(host, out, time.Now())
		if err != nil {
			return nil, "", fmt.Errorf("-tls: %w", err)
		}
		cert = c
		note = fmt.Sprintf("  TLS certificate (self-signed, trust it to call the mock): %s\n  SHA-256 fingerprint: %s", out, fp)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, note, nil
}

// selfSignedPath is where -tls writes its certificate.
func selfSignedPath(ln net.Listener, o *options) string {
	if o.tlsCertOut != "" {
		return o.tlsCertOut
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return filepath.Join(os.TempDir(), "sparkmock-"+port+".pem")
}

// printBanner tells a person where the mock is and which tokens to use; cacert is the
// self-signed certificate curl must trust, if any.
func printBanner(w io.Writer, url string, tree *fixtures.Tree, o *options, cacert string) {
	fmt.Fprintf(w, "sparkmock listening on %s\n", url)
	fmt.Fprintf(w, "  page: %s/ (accounts, tokens, examples, API reference)\n", url)
	fmt.Fprintf(w, "  fixtures: %s   seed: %d   zone: %s   clock: %s\n", tree.Source, o.seed, o.timezone, clockName(o.now))
	curl := "curl"
	if cacert != "" {
		curl += " --cacert " + cacert
	}
	fmt.Fprintf(w, "  try: %s -H 'Authorization: OAuth %s' -H 'X-SparkApi-User-Agent: demo' %s%s\n\n", curl, firstPrivate(tree), url, sparkmock.PathExport)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TOKEN\tROLE\tSTATUS\tACCOUNT")
	for _, t := range tree.Tokens {
		a, _ := tree.Account(t.AccountID)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s (%s)\n", t.Token, t.Role, t.Status, a.Name, a.Type)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// splitList reads a comma-separated flag value; blanks around items are dropped.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func clockName(now string) string {
	if now == "" {
		return "real"
	}
	return "frozen at " + now
}

func firstPrivate(tree *fixtures.Tree) string {
	for _, t := range tree.Tokens {
		if t.Role == fixtures.Private && t.Status == fixtures.Active {
			return t.Token
		}
	}
	return "<token>"
}

// listFlag is a repeatable flag whose values may also be comma lists. Values from the
// environment are replaced, not extended, by the first one on the command line.
type listFlag struct {
	values  []string
	fromEnv bool
}

func (l *listFlag) String() string { return strings.Join(l.values, ",") }

func (l *listFlag) Set(v string) error {
	if l.fromEnv {
		l.values, l.fromEnv = nil, false
	}
	l.values = append(l.values, v)
	return nil
}
