package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/contracttest/report"
)

// Config configures a Proxy.
type Config struct {
	// Upstream is the service every request goes to: scheme, host, and an optional path
	// prefix (https://sparkapi.com, http://127.0.0.1:9000/spark).
	Upstream string
	// Timeout bounds each exchange with the upstream, from sending the request to the last
	// byte of the answer; past it the client gets a 502.
	Timeout time.Duration
	// FailOnViolation replaces an answer that breaks the contract with a 502 envelope listing
	// the violations, instead of handing it back with X-Contract-Violations.
	FailOnViolation bool
	// Strict also judges the [choice] rules (see contracttest.Config.Strict).
	Strict bool
	// Keep is how many recent violations GET /_mock/violations returns.
	Keep int
	// MaxBody bounds each answer read from the upstream (and its gunzipped form); a longer
	// one is a 502 too-large.
	MaxBody int64
	// MaxBuffered bounds the bytes of answers held at once, by all exchanges together: an
	// answer that would take the total past it is a 503 busy. Buffers grow only as bytes
	// arrive, whatever length an answer announces.
	MaxBuffered int64
	// Logger receives one line per exchange (at info, with its verdict), and one per
	// violation and per upstream fault (at warn); nil discards them.
	Logger *slog.Logger
	// Spec is the contract; nil means the embedded openapi.yaml.
	Spec *openapi3.T
	// Location is the service's zone; nil means America/Chicago.
	Location *time.Location
	// Transport sends the requests; nil means one tuned for a busy proxy (many idle
	// connections per host, no environment proxy, no transparent decompression): for an
	// http upstream sparkmock's own HTTP/1.1 connection pool, for https an http.Transport
	// (TLS, HTTP/2).
	Transport http.RoundTripper
	// TLSClientConfig is the TLS configuration of the default transport for an https
	// upstream (a private CA, say); nil means the system's roots.
	TLSClientConfig *tls.Config
	// Now is the report's clock; nil means time.Now.
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultTimeout = 30 * time.Second
	DefaultKeep    = 200
	DefaultMaxBody = 32 << 20
	// DefaultMaxBuffered is two answers at the largest, or thousands of ordinary pages.
	DefaultMaxBuffered = 64 << 20
)

// DefaultConfig returns the defaults, without an upstream.
func DefaultConfig() Config {
	return Config{Timeout: DefaultTimeout, Keep: DefaultKeep, MaxBody: DefaultMaxBody, MaxBuffered: DefaultMaxBuffered}
}

// Proxy is the validating proxy, an http.Handler. Make it with New.
type Proxy struct {
	upstream  *url.URL
	cfg       Config
	log       *slog.Logger
	client    *http.Client
	transport interface{ CloseIdleConnections() } // when the Proxy made it: closed by Close
	judge     *contracttest.Judge
	tally     *contracttest.Tally
	recent    *ring
	metrics   *metrics
	mux       http.Handler
	ready     atomic.Bool
	faults    faultLog
	buffered  budget
}

// ParseUpstream checks an upstream URL: http or https, a host, no query, fragment or
// credentials.
func ParseUpstream(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case raw == "":
		return nil, errors.New("the upstream URL is empty")
	case !strings.Contains(raw, "://"):
		return nil, fmt.Errorf("upstream %q: give the scheme, http or https (e.g. http://%s)", raw, strings.TrimSpace(raw))
	case err != nil:
		return nil, fmt.Errorf("upstream %q: %v", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("upstream %q: the scheme must be http or https", raw)
	case u.Host == "":
		return nil, fmt.Errorf("upstream %q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("upstream %s://***@%s: no credentials in the URL; clients send their own", u.Scheme, u.Host)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("upstream %q: no query or fragment, please", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// New checks cfg and builds a Proxy: the spec, the judge and the transport made once.
func New(cfg Config) (*Proxy, error) {
	up, err := ParseUpstream(cfg.Upstream)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("proxy: the upstream timeout must be positive, not %v", cfg.Timeout)
	}
	if cfg.Keep <= 0 {
		return nil, fmt.Errorf("proxy: the number of violations kept must be positive, not %d", cfg.Keep)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxBuffered <= 0 {
		cfg.MaxBuffered = DefaultMaxBuffered
	}
	if cfg.MaxBuffered < cfg.MaxBody {
		return nil, fmt.Errorf("proxy: the bytes buffered in all (%d) must be at least one answer's bound (%d)", cfg.MaxBuffered, cfg.MaxBody)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &Proxy{upstream: up, cfg: cfg, log: cfg.Logger, recent: newRing(cfg.Keep), metrics: newMetrics(), buffered: budget{max: cfg.MaxBuffered}}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.judge, err = contracttest.NewJudge(context.Background(), contracttest.JudgeConfig{Strict: cfg.Strict, Spec: cfg.Spec, Location: cfg.Location})
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p.tally = contracttest.NewTally(up.String(), cfg.Strict, cfg.Now)
	rt := cfg.Transport
	if rt == nil && up.Scheme == "http" {
		// One idle connection per client connection in flight: the pool is as large as a
		// busy proxy needs, so it never opens and closes a connection per request.
		pt := newPlainTransport(hostPort(up), cfg.Timeout, 4096)
		p.transport, rt = pt, pt
	}
	if rt == nil {
		t := &http.Transport{
			Proxy:       nil, // the upstream is given: never an environment proxy in between
			DialContext: (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
			// One idle connection per client connection in flight: the default of 2 makes a
			// busy proxy open and close a connection per request.
			MaxIdleConns:          4096,
			MaxIdleConnsPerHost:   4096,
			IdleConnTimeout:       90 * time.Second,
			TLSClientConfig:       cfg.TLSClientConfig,
			TLSHandshakeTimeout:   min(cfg.Timeout, 10*time.Second),
			ExpectContinueTimeout: time.Second,
			ForceAttemptHTTP2:     true,
			// The judge reads the bytes the client gets; gzip is undone for the judge only.
			DisableCompression: true,
			// A page of 25 contacts (about 12 KB) in one read and one write system call,
			// instead of three or four with the default 4 KB buffers.
			ReadBufferSize:  64 << 10,
			WriteBufferSize: 16 << 10,
		}
		p.transport, rt = t, t
	}
	// Redirects are answers to hand back, not to follow (they could carry a token elsewhere).
	p.client = &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p.mux = p.routes()
	p.ready.Store(true)
	return p, nil
}

// hostPort is an http upstream's address to dial: its host, with port 80 if none is given.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// ServeHTTP serves the proxy's own routes and forwards everything else. A path that is not
// in its clean form (//v1/…, /v1/./…) is forwarded as it is, never redirected: what the
// upstream makes of it is the upstream's answer to judge.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !cleanPath(r.URL.Path) {
		p.forward(w, r)
		return
	}
	p.mux.ServeHTTP(w, r)
}

// cleanPath says whether a path is what http.ServeMux would not redirect: no empty, "." or
// ".." segment. One that is not rooted ("*" of OPTIONS *) is the mux's to answer.
func cleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return true
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return true // the common case, without path.Clean's allocation
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// Buffered returns the bytes of answers held now, by all exchanges (at most
// Config.MaxBuffered).
func (p *Proxy) Buffered() int64 { return p.buffered.used.Load() }

// SetReady says whether /readyz answers 200; a server going down sets it false first.
func (p *Proxy) SetReady(ready bool) { p.ready.Store(ready) }

// Close lets go of the idle upstream connections.
func (p *Proxy) Close() {
	if p.transport != nil {
		p.transport.CloseIdleConnections()
	}
}

// Report returns the report of every exchange seen so far, in contracttest's form.
func (p *Proxy) Report() *contracttest.Report {
	rep := p.tally.Report()
	rep.Results = append(rep.Results, p.faults.result())
	return rep
}

// ReportPaths returns where WriteReport writes: file itself (JSON) and, next to it, the same
// name with .xml (JUnit) in place of .json (or added, when file does not end in .json).
func ReportPaths(file string) (jsonPath, junitPath string) {
	base := strings.TrimSuffix(file, filepath.Ext(file))
	if !strings.EqualFold(filepath.Ext(file), ".json") {
		base = file
	}
	return file, base + ".xml"
}

// WriteReport writes the report as JSON to file and as JUnit XML next to it (ReportPaths).
func (p *Proxy) WriteReport(file string) error {
	rep := p.Report()
	jp, xp := ReportPaths(file)
	for _, out := range []struct {
		path  string
		write func(io.Writer, *contracttest.Report) error
	}{{jp, report.JSON}, {xp, report.JUnit}} {
		var buf bytes.Buffer
		if err := out.write(&buf, rep); err != nil {
			return fmt.Errorf("report %s: %w", out.path, err)
		}
		if err := os.WriteFile(out.path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// hopHeaders are the hop-by-hop headers a proxy does not pass on (RFC 9110, 7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// Fault kinds: what went wrong with the upstream, in the X-Upstream-Fault header of a 502
// ([choice]: the contract knows no proxy; these name the cases a client must tell apart).
const (
	FaultUnreachable = "unreachable"
	FaultTimeout     = "timeout"
	FaultReset       = "reset"
	FaultNotJSON     = "not-json"
	FaultTooLarge    = "too-large"
	FaultTLS         = "tls"
	FaultViolations  = "violations"
	// FaultBusy is the proxy's own: the answer would take the bytes buffered by all
	// exchanges past Config.MaxBuffered. It is a 503, to retry, not a 502.
	FaultBusy = "busy"
	// FaultClientGone is the client's doing: it closed its side and the upstream had not
	// answered within clientGrace. Not counted as the upstream's fault.
	FaultClientGone = "client-gone"
)

// clientGrace is how long an exchange goes on once the client has closed its side of the
// connection. [choice] A client that half-closes after its request (shutdown(SHUT_WR), as
// scripts do) looks to the server exactly like one that left: both are an EOF. The grace
// lets the first get its answer from an upstream that answers in time, and frees the
// upstream soon for the second.
const clientGrace = 2 * time.Second

// errClientGone is the cause of an exchange cut after clientGrace.
var errClientGone = errors.New("the client closed its side of the connection")

// Headers the proxy adds to what it hands back.
const (
	HeaderViolations = "X-Contract-Violations"
	HeaderFault      = "X-Upstream-Fault"
)

// forward sends a request to the upstream, judges the exchange, and answers the client.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if p.log.Enabled(r.Context(), slog.LevelInfo) {
		lw := &loggedWriter{ResponseWriter: w}
		defer p.logExchange(lw, r, start)
		w = lw
	}
	// The exchange does not end with the client's context: net/http cancels that on an EOF
	// from the client, which a half-closing client sends right after its request.
	detached, cut := context.WithCancelCause(context.WithoutCancel(r.Context()))
	defer cut(nil)
	ctx, cancel := context.WithTimeout(detached, p.cfg.Timeout)
	defer cancel()
	stopGrace := context.AfterFunc(r.Context(), func() {
		time.AfterFunc(clientGrace, func() { cut(errClientGone) })
	})
	defer stopGrace()
	out := r.Clone(ctx)
	out.RequestURI = ""
	u := *p.upstream
	u.Path = p.upstream.Path + r.URL.Path
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = p.upstream.Path + r.URL.RawPath
	}
	u.RawQuery = r.URL.RawQuery
	out.URL = &u
	out.Host = ""
	for _, h := range hopHeaders { // out.Header is r.Clone's own copy
		out.Header.Del(h)
	}
	for f := range strings.SplitSeq(r.Header.Get("Connection"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			out.Header.Del(f)
		}
	}
	// [choice] Only gzip is offered upstream, and only if the client accepts it: the judge
	// can read nothing else. Every other header, Authorization first, passes untouched.
	if ae := out.Header.Get("Accept-Encoding"); ae != "" {
		if strings.Contains(strings.ToLower(ae), "gzip") {
			out.Header.Set("Accept-Encoding", "gzip")
		} else {
			out.Header.Del("Accept-Encoding")
		}
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}

	res, err := p.client.Do(out)
	var body []byte
	var charged int64
	defer func() { p.buffered.give(charged) }()
	if err == nil {
		buf := bodyBuffers.Get().(*[]byte)
		defer bodyBuffers.Put(buf)
		size := res.ContentLength
		if r.Method == http.MethodHead {
			size = 0 // Content-Length is the GET's; there is no body
		}
		body, err = readBody(res.Body, size, p.cfg.MaxBody, (*buf)[:0], &p.buffered, &charged)
		if cap(body) <= 1<<20 { // a huge answer's buffer is not worth keeping
			*buf = body[:0]
		}
		res.Body.Close()
	}
	if err != nil {
		if errors.Is(context.Cause(ctx), errClientGone) {
			p.answer(w, http.StatusBadGateway, FaultClientGone, fmt.Sprintf("the client closed its side of the connection and the upstream had not answered %v later", clientGrace), 0)
			return
		}
		kind, msg := p.classify(err, ctx)
		p.fail(w, r, &u, kind, msg, 0)
		p.metrics.exchange(0, time.Since(start))
		return
	}

	judged := body
	if strings.EqualFold(res.Header.Get("Content-Encoding"), "gzip") {
		plain, err := gunzip(body, p.cfg.MaxBody, &p.buffered, &charged)
		if err != nil {
			kind, msg := FaultNotJSON, fmt.Sprintf("the upstream answered %d with a gzip body that does not decompress (%v)", res.StatusCode, err)
			if errors.Is(err, errTooLarge) || errors.Is(err, errBusy) {
				kind, msg = p.classify(err, ctx)
				msg += " once decompressed"
			}
			p.fail(w, r, &u, kind, msg, 0)
			p.metrics.exchange(res.StatusCode, time.Since(start))
			return
		}
		judged = plain
	}
	// The contract's paths are judged as the client asked them, without the upstream's prefix.
	ju := u
	ju.Path, ju.RawPath = r.URL.Path, r.URL.RawPath
	jm := p.judge.Check(ctx, &contracttest.Exchange{Method: r.Method, URL: &ju, RequestHeader: r.Header, Status: res.StatusCode, Header: res.Header, Body: judged})
	p.tally.Add(jm)
	p.record(jm)
	p.metrics.exchange(res.StatusCode, time.Since(start))
	n := len(jm.Violations)

	switch {
	case jm.NotJSON != "": // [choice] a 502 even without FailOnViolation: no Spark answer is anything but JSON
		p.fail(w, r, &u, FaultNotJSON, fmt.Sprintf("the upstream answered %d with a body that is not JSON (%s; Content-Type %q, %d bytes)", res.StatusCode, jm.NotJSON, res.Header.Get("Content-Type"), len(judged)), n)
		return
	case n > 0 && p.cfg.FailOnViolation:
		p.fail(w, r, &u, FaultViolations, violationsMessage(res.StatusCode, jm.Violations), n)
		return
	}
	h := w.Header()
	for k, vs := range res.Header {
		h[k] = vs
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Set(HeaderViolations, strconv.Itoa(n))
	if r.Method != http.MethodHead {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(res.StatusCode)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// bodyBuffers hold answers while they are judged and sent: the judge's caches copy what
// they keep, so a buffer is free again once the answer is written.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// budget counts the bytes of answers held by all exchanges, up to max.
type budget struct {
	used atomic.Int64
	max  int64
}

// take charges n bytes, or nothing and false when that would pass max.
func (b *budget) take(n int64) bool {
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *budget) give(n int64) { b.used.Add(-n) }

// minGrowth is the least a body's buffer grows by.
const minGrowth = 64 << 10

// readBody reads an answer of size bytes (-1: unknown) up to maxLen bytes into buf. The buffer
// grows only as bytes arrive, never past what the answer may hold (size, or maxLen+1 to see an
// answer of unknown length is too large), and every byte of capacity it takes is charged to
// b first (added to *charged, for the caller to give back).
func readBody(rc io.Reader, size, maxLen int64, buf []byte, b *budget, charged *int64) ([]byte, error) {
	if size > maxLen {
		return nil, errTooLarge
	}
	limit := size
	if size < 0 {
		limit = maxLen + 1
	}
	if !b.take(int64(cap(buf))) {
		return nil, errBusy
	}
	*charged += int64(cap(buf))
	for size < 0 || int64(len(buf)) < size {
		if int64(len(buf)) >= limit {
			return nil, errTooLarge // only an answer of unknown length gets here
		}
		if len(buf) == cap(buf) {
			grown := min(limit, max(2*int64(cap(buf)), minGrowth))
			if !b.take(grown) {
				return nil, errBusy
			}
			nb := make([]byte, len(buf), grown)
			copy(nb, buf)
			b.give(int64(cap(buf))) // garbage now: the memory limit sees to it
			*charged += grown - int64(cap(buf))
			buf = nb
		}
		n, err := rc.Read(buf[len(buf):min(int64(cap(buf)), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) < size {
				return nil, io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > maxLen {
		return nil, errTooLarge
	}
	return buf, nil
}

var (
	errTooLarge = errors.New("too large")
	errBusy     = errors.New("the proxy's buffer for answers is full")
)

// gunzip decompresses an answer, up to max bytes, charging its buffer to b.
func gunzip(body []byte, max int64, b *budget, charged *int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return readBody(zr, -1, max, nil, b, charged)
}

// classify names an upstream failure.
func (p *Proxy) classify(err error, ctx context.Context) (kind, msg string) {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, errTooLarge):
		return FaultTooLarge, fmt.Sprintf("the upstream's answer is larger than %d bytes (-upstream-max-body)", p.cfg.MaxBody)
	case errors.Is(err, errBusy):
		return FaultBusy, fmt.Sprintf("the answers in flight already hold the proxy's %d bytes for answers (-upstream-max-buffered); retry", p.cfg.MaxBuffered)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return FaultTimeout, fmt.Sprintf("the upstream did not answer within %v", p.cfg.Timeout)
	case isTLSFault(err):
		return FaultTLS, fmt.Sprintf("the upstream's TLS was refused (%v)", unwrapURL(err))
	case errors.As(err, &oe) && oe.Op == "dial":
		return FaultUnreachable, fmt.Sprintf("the upstream is unreachable (%v)", oe.Err)
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return FaultUnreachable, fmt.Sprintf("the upstream is unreachable (%v)", unwrapURL(err))
	}
	return FaultReset, fmt.Sprintf("the upstream cut the exchange short (%v)", unwrapURL(err))
}

// isTLSFault is a certificate the proxy does not trust, or a handshake that failed.
func isTLSFault(err error) bool {
	var ve *tls.CertificateVerificationError
	var re tls.RecordHeaderError
	var ae tls.AlertError
	return errors.As(err, &ve) || errors.As(err, &re) || errors.As(err, &ae)
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// violationsMessage lists violations for a 502 envelope.
func violationsMessage(status int, vs []contracttest.Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the upstream's answer (%d) broke the contract (%d violation", status, len(vs))
	if len(vs) != 1 {
		b.WriteByte('s')
	}
	b.WriteString("): ")
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 10 {
			fmt.Fprintf(&b, "… and %d more", len(vs)-i)
			break
		}
		b.WriteString(v.Check + ": " + v.Message)
	}
	return b.String()
}

// fail answers a 502 envelope (a 503 when the proxy is busy) and logs the fault
// (violations are logged by record).
func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, u *url.URL, kind, msg string, violations int) {
	if kind != FaultViolations {
		p.metrics.fault(kind)
		ev := contracttest.RequestEvidence(r.Method, u, r.Header)
		ev.Message = msg
		p.faults.add(kind, ev)
		p.log.Warn("upstream fault", "fault", kind, "request", ev.Request, "credentials", ev.Credentials, "message", msg)
	}
	status := http.StatusBadGateway
	if kind == FaultBusy {
		status = http.StatusServiceUnavailable
	}
	p.answer(w, status, kind, msg, violations)
}

// answer writes the proxy's own error envelope.
func (p *Proxy) answer(w http.ResponseWriter, status int, kind, msg string, violations int) {
	e := sparkmock.Errorf(sparkmock.CodeBadGateway, "Bad gateway: %s", msg)
	if status == http.StatusServiceUnavailable {
		e = sparkmock.Errorf(sparkmock.CodeUnavailable, "Service unavailable: %s", msg).WithHeader("Retry-After", "1")
	}
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set(HeaderFault, kind)
	h.Set(HeaderViolations, strconv.Itoa(violations))
	body := e.AppendEnvelope(nil)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// loggedWriter remembers the status of the answer, for the exchange's log line.
type loggedWriter struct {
	http.ResponseWriter
	status int
}

func (w *loggedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logExchange writes the one line of an exchange: what was asked (secrets masked), the status
// the client got and the verdict: "pass", "violations" (each is also logged on its own, at
// warn, by record) or "fault" (logged by fail).
func (p *Proxy) logExchange(w *loggedWriter, r *http.Request, start time.Time) {
	h := w.Header()
	verdict := "pass"
	switch {
	case h.Get(HeaderFault) != "" && h.Get(HeaderFault) != FaultViolations:
		verdict = "fault"
	case h.Get(HeaderViolations) != "" && h.Get(HeaderViolations) != "0":
		verdict = "violations"
	}
	path, _ := sparkmock.MaskPath(r.URL.EscapedPath())
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", path),
	}
	if r.URL.RawQuery != "" {
		q, _ := sparkmock.MaskQuery(r.URL.RawQuery)
		attrs = append(attrs, slog.String("query", q))
	}
	attrs = append(attrs,
		slog.Int("status", w.status),
		slog.String("verdict", verdict),
		slog.String("violations", h.Get(HeaderViolations)),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	)
	if f := h.Get(HeaderFault); f != "" {
		attrs = append(attrs, slog.String("fault", f))
	}
	p.log.LogAttrs(r.Context(), slog.LevelInfo, "exchange", attrs...)
}

// record keeps and logs each violation once, with its evidence (tokens masked).
func (p *Proxy) record(j contracttest.Judgement) {
	if len(j.Violations) == 0 {
		return
	}
	now := p.cfg.Now()
	for _, v := range j.Violations {
		p.metrics.violation(v.Check)
		p.recent.add(Entry{Time: now, Violation: v})
		p.log.Warn("contract violation", "check", v.Check, "source", string(v.Source), "request", v.Request,
			"credentials", v.Credentials, "status", v.Status, "message", v.Message, "body", v.Body)
	}
}

// faultLog counts upstream faults for the report, with the first few as evidence.
type faultLog struct {
	mu       sync.Mutex
	count    int
	byKind   map[string]int
	evidence []contracttest.Evidence
}

func (f *faultLog) add(kind string, ev contracttest.Evidence) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if f.byKind == nil {
		f.byKind = map[string]int{}
	}
	f.byKind[kind]++
	if len(f.evidence) < contracttest.MaxEvidence {
		f.evidence = append(f.evidence, ev)
	}
}

// result is the report's line for the upstream itself.
func (f *faultLog) result() contracttest.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := contracttest.Result{ID: "proxy.upstream", Group: "proxy", Source: contracttest.SourceDoc,
		Description: "The upstream answered every request forwarded to it, in time, with JSON."}
	if f.count == 0 {
		r.Status, r.Reason = contracttest.StatusPassed, "no upstream fault"
		return r
	}
	var parts []string
	for _, k := range []string{FaultUnreachable, FaultTimeout, FaultTLS, FaultReset, FaultNotJSON, FaultTooLarge, FaultBusy} {
		if n := f.byKind[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	r.Status, r.Reason = contracttest.StatusFailed, fmt.Sprintf("%d faults: %s", f.count, strings.Join(parts, ", "))
	r.Evidence = append([]contracttest.Evidence(nil), f.evidence...)
	r.Omitted = f.count - len(f.evidence)
	return r
}
