package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/sparkmock/sparkmock/proxy"
)

// runProxy is the program with -upstream: the validating proxy, until ctx ends; then the
// requests in flight finish and the report is written.
func runProxy(ctx context.Context, o *options, log *slog.Logger, stdout io.Writer) error {
	up, err := proxy.ParseUpstream(o.upstream)
	if err != nil {
		return usageError("-upstream: %v", err)
	}
	if o.upstreamTimeout <= 0 {
		return usageError("-upstream-timeout must be positive")
	}
	if o.violationsKeep <= 0 {
		return usageError("-violations-keep must be positive")
	}
	if o.report != "" {
		if st, err := os.Stat(filepath.Dir(o.report)); err != nil || !st.IsDir() {
			return usageError("-report %s: the folder %s does not exist", o.report, filepath.Dir(o.report))
		}
	}
	var tlsConf *tls.Config
	if o.upstreamCA != "" { // [choice] added to the system's roots, not in their place
		if up.Scheme != "https" {
			return usageError("-upstream-ca goes with an https upstream, not %s", up)
		}
		b, err := os.ReadFile(o.upstreamCA)
		if err != nil {
			return usageError("-upstream-ca: %v", err)
		}
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(b) {
			return usageError("-upstream-ca %s: no PEM certificate in it", o.upstreamCA)
		}
		tlsConf = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	loc, err := time.LoadLocation(o.timezone)
	if err != nil {
		return usageError("-timezone %q: %v", o.timezone, err)
	}
	if o.maxBuffered < o.maxBody {
		return usageError("-upstream-max-buffered (%s) must be at least -upstream-max-body (%s)", &o.maxBuffered, &o.maxBody)
	}
	if os.Getenv("GOGC") == "" {
		// [choice] The proxy's garbage is short-lived (an answer, its judgement): collecting
		// at 4x the live heap instead of 2x halves the collector's CPU, for a few MB more.
		debug.SetGCPercent(400)
	}
	// [choice] A soft memory limit bounds what GOGC=400 lets the heap grow to: the
	// answers buffered (twice, while a buffer grows) and 64 MiB for everything else.
	// The defaults give 192 MiB, under the 256 Mi of the Kubernetes manifests.
	softMemoryLimit(2*int64(o.maxBuffered) + 64<<20)
	cfg := proxy.DefaultConfig()
	cfg.Upstream = up.String()
	cfg.Timeout = o.upstreamTimeout
	cfg.MaxBody = int64(o.maxBody)
	cfg.MaxBuffered = int64(o.maxBuffered)
	cfg.FailOnViolation = o.failOnViolation
	cfg.Keep = o.violationsKeep
	cfg.Strict = o.strict
	cfg.Location = loc
	cfg.Logger = log
	cfg.TLSClientConfig = tlsConf
	p, err := proxy.New(cfg)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer p.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	scheme, tlsNote := "http", ""
	hs := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	limitConnections(hs, o)
	if o.tls || o.tlsCert != "" {
		if hs.TLSConfig, tlsNote, err = serveTLS(ln, o); err != nil {
			ln.Close()
			return &exitError{code: 2, err: err}
		}
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	fmt.Fprintf(stdout, "sparkmock listening on %s\n", url)
	fmt.Fprintf(stdout, "  validating proxy in front of %s (timeout %v, fail on violation: %v, strict: %v)\n", up, o.upstreamTimeout, o.failOnViolation, o.strict)
	fmt.Fprintf(stdout, "  recent violations: %s/_mock/violations   metrics: %s/metrics\n", url, url)
	if o.report != "" {
		jp, xp := proxy.ReportPaths(o.report)
		fmt.Fprintf(stdout, "  report on shutdown: %s (JSON), %s (JUnit)\n", jp, xp)
	}
	if tlsNote != "" {
		fmt.Fprintln(stdout, tlsNote)
	}
	fmt.Fprintln(stdout)

	shutdown, shutErr := serveUntilDone(ctx, hs, ln, o, log, p.SetReady)
	if !shutdown {
		return shutErr
	}
	if o.report != "" {
		if err := p.WriteReport(o.report); err != nil {
			return err
		}
		jp, xp := proxy.ReportPaths(o.report)
		log.Info("report written", "json", jp, "junit", xp)
	}
	return shutErr
}
