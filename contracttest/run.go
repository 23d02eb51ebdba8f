package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/routers"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/sparkql"
)

// run is one run of the suite: the checked config, the client, every exchange made, and
// what checks share (the full listings, the service zone).
type run struct {
	ctx       context.Context
	cfg       *config
	client    *client
	routes    map[string]*routers.Route // "METHOD /v1/…" → the spec's operation
	validator *responseValidator        // the documented view of the spec (conformance.schema)
	// full and fullRoutes judge the whole spec, [choice]s included: strict only.
	full       *responseValidator
	fullRoutes map[string]*routers.Route
	schema     sparkql.Schema    // the _filter schema of a contact
	fields     []sparkmock.Field // every contact field of the spec
	mask       masker

	exchanges []*exchange
	listings  map[string]*listing
	zone      zoneEvidence
	matrix    map[string]*[2]Cell // who → cell per path
	baselined bool
	memo      map[string]*exchange // answers several checks judge, by key
	cases     *[]*filterCase       // the filters built from the target's data
	answers   map[string]*filterAnswer
}

func newRun(ctx context.Context, target Target, cfg Config) (*run, error) {
	c, err := checkConfig(ctx, target, cfg)
	if err != nil {
		return nil, err
	}
	documented, err := sparkmock.Documented(c.spec)
	if err != nil {
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("spec: %v", err)}}
	}
	s := &run{ctx: ctx, cfg: c, client: newClient(c.client, c.rate, c.timeout),
		listings: map[string]*listing{}, matrix: map[string]*[2]Cell{}, memo: map[string]*exchange{}, answers: map[string]*filterAnswer{}}
	if s.validator, err = newResponseValidator(documented, c.strict); err != nil {
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("spec: %v", err)}}
	}
	s.routes = s.validator.Routes()
	// The zone is judged from the data: offsets that do not fit -timezone make ExportTimestamp
	// read at every offset seen, so a service in another zone is not failed for it.
	s.zone.loc = c.loc
	if c.strict {
		if s.full, err = newResponseValidator(c.spec, true); err != nil {
			return nil, &ConfigError{Problems: []string{fmt.Sprintf("spec: %v", err)}}
		}
		s.fullRoutes = s.full.Routes()
	}
	if s.schema, err = sparkmock.FilterSchema(c.spec); err != nil {
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("spec: %v", err)}}
	}
	if s.fields, err = sparkmock.ContactFields(c.spec); err != nil {
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("spec: %v", err)}}
	}
	secrets := make([]string, 0, len(c.tokens))
	for _, t := range c.tokens {
		secrets = append(secrets, t)
	}
	for _, vs := range c.header {
		secrets = append(secrets, vs...)
	}
	s.mask = newMasker(secrets)
	return s, nil
}

// run runs the selected checks, the ones judging every exchange last, and builds the report.
func (s *run) execute() (*Report, error) {
	started := s.cfg.now()
	if err := s.preflight(); err != nil {
		return nil, err
	}
	defs := s.selected()
	results := make(map[string]Result, len(defs))
	for _, final := range []bool{false, true} {
		for _, d := range defs {
			if d.final != final {
				continue
			}
			if err := s.ctx.Err(); err != nil {
				return nil, fmt.Errorf("contracttest: %w", err)
			}
			t0 := s.cfg.now()
			v := &verdict{s: s}
			if d.writes && s.cfg.readOnly {
				v.skip("read-only: the suite sends no POST, PUT, DELETE or PATCH")
			} else {
				d.run(s, v)
			}
			r := v.result(d)
			r.Duration = s.cfg.now().Sub(t0)
			results[d.id.name] = r
		}
	}
	rep := &Report{
		BaseURL:   s.cfg.base.String(),
		UserAgent: s.cfg.userAgent,
		Strict:    s.cfg.strict,
		ReadOnly:  s.cfg.readOnly,
		Rate:      s.cfg.rate,
		Started:   started,
		Requests:  s.client.count(),
	}
	for _, name := range sortedKeys(s.cfg.header) {
		for _, v := range s.cfg.header[name] {
			rep.Headers = append(rep.Headers, name+": "+Mask(v))
		}
	}
	for _, d := range defs {
		rep.Results = append(rep.Results, results[d.id.name])
	}
	rep.Matrix, rep.Uncovered = s.roleMatrix()
	s.mask.maskReport(rep)
	rep.Duration = s.cfg.now().Sub(started)
	return rep, nil
}

// preflight makes one request without credentials: a target that does not answer, or does
// not serve the export path at all, cannot be checked.
func (s *run) preflight() error {
	x, err := s.do(call{path: sparkmock.PathExport})
	if err != nil {
		return fmt.Errorf("contracttest: %w: %v", errCouldNotRun, err)
	}
	if x.status == http.StatusNotFound {
		return fmt.Errorf("contracttest: %w: GET %s answered 404: is the base URL right? (give it without /v1)", errCouldNotRun, x.url)
	}
	// The Private token, tried once before any check: a token the service rejects would
	// otherwise fail most checks, each blaming the service.
	if _, ok := s.cfg.tokens[RolePrivate]; ok {
		x, err := s.get(sparkmock.PathExport, q("_limit", "1")...)
		if err != nil {
			return fmt.Errorf("contracttest: %w: %v", errCouldNotRun, err)
		}
		if x.status == http.StatusUnauthorized || x.status == http.StatusForbidden {
			return &TokenRejectedError{Role: RolePrivate, Status: x.status, Answer: s.mask.mask(describeError(x)), URL: x.url}
		}
	}
	return nil
}

// TokenRejectedError is Check's error when the service rejects the Private token before
// any check: the run would only blame the service for it.
type TokenRejectedError struct {
	Role   Role
	Status int
	Answer string // the code and message, masked
	URL    string
}

// Error says which token, and what the service answered.
func (e *TokenRejectedError) Error() string {
	return fmt.Sprintf("contracttest: the %s token was rejected: %s on GET %s; give a token the service accepts (-token %s=…)", e.Role, e.Answer, e.URL, e.Role)
}

// Unwrap makes it a could-not-run error.
func (e *TokenRejectedError) Unwrap() error { return errCouldNotRun }

// describeError writes an error answer as "401, code 1020 (the message)".
func describeError(x *exchange) string {
	out := strconv.Itoa(x.status)
	if code, ok := x.code(); ok {
		out += ", code " + strconv.Itoa(code)
	}
	if d := x.D(); d != nil {
		if m, ok := d["Message"].(string); ok && m != "" {
			out += " (" + firstLine(m) + ")"
		}
	}
	return out
}

// requestError is a request that got no answer: the method and URL said once, then the
// cause (not Go's "Get \"url\": …", which repeats the URL).
type requestError struct {
	method, url string
	err         error
}

func (e *requestError) Error() string { return e.method + " " + e.url + ": " + rootCause(e.err) }
func (e *requestError) Unwrap() error { return e.err }

// rootCause is the innermost message of a transport error: "dial tcp 127.0.0.1:9: connect:
// connection refused", not the same URL said three times.
func rootCause(err error) string {
	var ue *url.Error
	if errors.Is(err, context.DeadlineExceeded) {
		// The client said how long it waited; drop only the repeated URL.
		msg := err.Error()
		if errors.As(err, &ue) {
			msg = strings.Replace(msg, ": "+ue.Error(), "", 1)
		}
		if i := strings.Index(msg, "no answer within"); i >= 0 {
			msg = msg[i:]
		}
		return msg
	}
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// selected returns the checks this run runs: [choice] ones only when strict, and only those
// Config.Run matches.
func (s *run) selected() []*checkDef {
	var out []*checkDef
	for _, d := range catalog() {
		if !d.source.checked(s.cfg.strict) {
			continue
		}
		if s.cfg.run != nil && !s.cfg.run.MatchString(d.id.name) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// param is one query parameter; order is kept as given.
type param struct{ name, value string }

// q builds query parameters from name, value pairs.
func q(kv ...string) []param {
	out := make([]param, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, param{kv[i], kv[i+1]})
	}
	return out
}

// encodeQuery percent-encodes parameters in order, spaces as %20 (not +, which not every
// server decodes as a space).
func encodeQuery(ps []param) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p.name), "+", "%20"))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p.value), "+", "%20"))
	}
	return b.String()
}

func (s *run) url(path string, query []param) string {
	u := *s.cfg.base
	u.Path = s.cfg.base.Path + path
	u.RawQuery = encodeQuery(query)
	return u.String()
}

// call describes one request.
type call struct {
	method  string // GET unless set
	path    string // sparkmock.PathExport or sparkmock.PathExportAll
	query   []param
	as      Role   // send the token of this role; "" sends none
	token   string // send this token instead (the unknown-token probe)
	bearer  bool   // Authorization: Bearer instead of OAuth
	noUA    bool   // leave X-SparkApi-User-Agent out
	emptyUA bool   // send X-SparkApi-User-Agent with an empty value
}

// do sends a call and records the exchange. The error means no answer was judged: the
// request failed, timed out, or the target kept answering 429.
func (s *run) do(c call) (*exchange, error) {
	if c.method == "" {
		c.method = http.MethodGet
	}
	x := &exchange{method: c.method, path: c.path, url: s.url(c.path, c.query)}
	token := c.token
	switch {
	case token != "":
		x.cred = "token " + token
	case c.as != "":
		token = s.cfg.tokens[c.as]
		x.cred = string(c.as) + " token " + Mask(token)
	default:
		x.cred = "no credentials"
	}
	if c.bearer {
		x.cred += " (Bearer)"
	}
	if c.noUA {
		x.cred += ", no X-SparkApi-User-Agent"
	}
	if c.emptyUA {
		x.cred += ", an empty X-SparkApi-User-Agent"
	}
	newReq := func(ctx context.Context) (*http.Request, error) {
		var body *bytes.Reader
		if c.method != http.MethodGet {
			body = bytes.NewReader(nil)
		}
		var req *http.Request
		var err error
		if body != nil {
			req, err = http.NewRequestWithContext(ctx, c.method, x.url, body)
		} else {
			req, err = http.NewRequestWithContext(ctx, c.method, x.url, nil)
		}
		if err != nil {
			return nil, err
		}
		for name, vs := range s.cfg.header {
			req.Header[name] = append([]string(nil), vs...)
		}
		req.Header.Set("Accept", "application/json")
		switch {
		case c.emptyUA:
			req.Header["X-Sparkapi-User-Agent"] = []string{""}
		case !c.noUA:
			req.Header.Set("X-SparkApi-User-Agent", s.cfg.userAgent)
		}
		if token != "" {
			scheme := "OAuth"
			if c.bearer {
				scheme = "Bearer"
			}
			req.Header.Set("Authorization", scheme+" "+token)
		}
		return req, nil
	}
	x.curl = s.curlOf(c, x.url, token != "")
	res, err := s.client.send(s.ctx, newReq)
	if res != nil {
		x.status, x.header, x.body, x.truncated = res.status, res.header, res.body, res.truncated
		s.exchanges = append(s.exchanges, x)
	}
	if err != nil {
		if errors.Is(err, errThrottled) {
			return x, fmt.Errorf("%s %s: %w (after %d waits)", x.method, x.url, err, maxRetries)
		}
		return nil, &requestError{method: x.method, url: x.url, err: err}
	}
	return x, nil
}

// curlOf writes a call as a curl command a person can paste: the token as $TOKEN (never the
// token itself), the user agent the suite sent, extra headers' values as shell variables.
func (s *run) curlOf(c call, url string, hasToken bool) string {
	var b strings.Builder
	b.WriteString("curl -s")
	if c.method != http.MethodGet {
		b.WriteString(" -X " + c.method)
	}
	switch {
	case c.emptyUA:
		b.WriteString(" -H 'X-SparkApi-User-Agent;'") // curl's way to send an empty header
	case !c.noUA:
		b.WriteString(" -H " + shellQuote("X-SparkApi-User-Agent: "+s.cfg.userAgent))
	}
	if hasToken {
		scheme := "OAuth"
		if c.bearer {
			scheme = "Bearer"
		}
		b.WriteString(` -H "Authorization: ` + scheme + ` $TOKEN"`)
	}
	for _, name := range sortedKeys(s.cfg.header) {
		v := strings.ToUpper(strings.NewReplacer("-", "_").Replace(name))
		b.WriteString(` -H "` + name + `: $` + v + `"`)
	}
	b.WriteString(" " + shellQuote(url))
	return b.String()
}

// shellQuote quotes a word for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// get sends a GET as the Private role.
func (s *run) get(path string, query ...param) (*exchange, error) {
	return s.do(call{path: path, query: query, as: RolePrivate})
}

// excerpt renders a value or body for evidence, shortened to maxExcerpt bytes.
func excerpt(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		s = string(bytes.TrimSpace(x))
	case string:
		s = x
	default:
		b, err := json.Marshal(x)
		if err != nil {
			s = fmt.Sprint(x)
		} else {
			s = string(b)
		}
	}
	return shorten(s, maxExcerpt)
}

const maxExcerpt = 600

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 { // not in the middle of a UTF-8 sequence
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes more)", len(s)-cut)
}

// verdict collects what one check found.
type verdict struct {
	s        *run
	evidence []Evidence
	omitted  int
	skips    []string
	errs     []string
	notes    []string
	decided  int
}

// ok records that the rule was judged once and held.
func (v *verdict) ok() { v.decided++ }

// note adds what a pass covered to its reason.
func (v *verdict) note(format string, args ...any) {
	v.notes = append(v.notes, fmt.Sprintf(format, args...))
}

// skip records that (part of) the rule could not be judged, and why.
func (v *verdict) skip(format string, args ...any) {
	v.skips = append(v.skips, fmt.Sprintf(format, args...))
}

// errored records a request that got no answer to judge.
func (v *verdict) errored(err error) { v.errs = append(v.errs, err.Error()) }

// fail records a break seen in an exchange; part is what broke the rule (nil: the body).
func (v *verdict) fail(x *exchange, part any, format string, args ...any) {
	v.decided++
	v.add(newEvidence(x, part, format, args...))
}

// newEvidence describes a break seen in an exchange; part is what broke the rule (nil: the body).
func newEvidence(x *exchange, part any, format string, args ...any) Evidence {
	e := Evidence{Message: fmt.Sprintf(format, args...)}
	if x != nil {
		e.Request = x.method + " " + x.url
		e.Credentials = x.cred
		e.Status = x.status
		e.Curl = x.curl
		if part == nil {
			part = x.body
		}
	}
	e.Body = excerpt(part)
	return e
}

func (v *verdict) add(e Evidence) {
	if len(v.evidence) >= MaxEvidence {
		v.omitted++
		return
	}
	v.evidence = append(v.evidence, e)
}

func (v *verdict) result(d *checkDef) Result {
	r := Result{ID: d.id.name, Group: d.id.group(), Description: d.desc, Source: d.source}
	switch {
	case len(v.evidence) > 0:
		r.Status, r.Evidence, r.Omitted = StatusFailed, v.evidence, v.omitted
		if len(v.errs) > 0 {
			r.Reason = "also: " + strings.Join(v.errs, "; ")
		}
	case len(v.errs) > 0:
		r.Status, r.Reason = StatusErrored, strings.Join(v.errs, "; ")
	case v.decided > 0:
		r.Status = StatusPassed
		parts := append([]string(nil), v.notes...)
		for _, sk := range v.skips {
			parts = append(parts, "not judged: "+sk)
		}
		r.Reason = strings.Join(parts, "; ")
	default:
		r.Status = StatusSkipped
		r.Reason = strings.Join(v.skips, "; ")
		if r.Reason == "" {
			r.Reason = "nothing to judge"
		}
	}
	return r
}

// record notes what a role got on a path, for the role × endpoint matrix.
func (s *run) record(who string, path string, x *exchange, expected string, ok bool) {
	cells, found := s.matrix[who]
	if !found {
		cells = &[2]Cell{}
		s.matrix[who] = cells
	}
	i := 0
	if path == sparkmock.PathExportAll {
		i = 1
	}
	c := Cell{Covered: true, Expected: expected, OK: ok}
	if x != nil {
		c.Status = x.status
		if x.status >= 400 {
			c.Code, _ = x.code()
		}
	}
	cells[i] = c
}

// roleMatrix returns the matrix rows: every role, then no credentials and an unknown token.
func (s *run) roleMatrix() ([]MatrixRow, []Role) {
	var rows []MatrixRow
	var uncovered []Role
	add := func(who, token string) {
		row := MatrixRow{Who: who, Token: token, Cells: make([]Cell, len(sparkmock.ExportPaths()))}
		if cells, ok := s.matrix[who]; ok {
			copy(row.Cells, cells[:])
		}
		rows = append(rows, row)
	}
	for _, r := range Roles {
		tok, ok := s.cfg.tokens[r]
		if !ok {
			uncovered = append(uncovered, r)
			add(string(r), "")
			continue
		}
		add(string(r), Mask(tok))
	}
	add(whoNone, "")
	add(whoUnknown, "")
	return rows, uncovered
}

// Rows of the matrix that are not roles.
const (
	whoNone    = "no credentials"
	whoUnknown = "unknown token"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// needPrivate skips a check when no Private token was given, and says whether to go on.
func (v *verdict) needPrivate() bool {
	if _, ok := v.s.cfg.tokens[RolePrivate]; !ok {
		v.skip("needs a Private token (-token private=…)")
		return false
	}
	return true
}

// once sends a call the first time a key is asked for and returns the same answer after:
// for requests several checks judge (a role's answer, a 405 probe).
func (s *run) once(key string, c call) (*exchange, error) {
	if x, ok := s.memo[key]; ok {
		return x, nil
	}
	x, err := s.do(c)
	if err != nil {
		return nil, err
	}
	s.memo[key] = x
	return x, nil
}

// expectError judges an answer that must be an error with the given status and code (code 0:
// any code). It records the evidence and says whether the answer was right.
func (v *verdict) expectError(x *exchange, status, code int) bool {
	gotCode, hasCode := x.code()
	want := describeAnswer(status, code, code != 0)
	switch {
	case x.status != status:
		v.fail(x, nil, "got %s, want %s", describeAnswer(x.status, gotCode, hasCode && x.status >= 400), want)
		return false
	case code != 0 && !hasCode:
		v.fail(x, nil, "got %d without an integer D.Code, want %s", x.status, want)
		return false
	case code != 0 && gotCode != code:
		v.fail(x, nil, "got %s, want %s", describeAnswer(x.status, gotCode, true), want)
		return false
	}
	v.ok()
	return true
}

func describeAnswer(status, code int, withCode bool) string {
	if withCode {
		return fmt.Sprintf("%d with code %d", status, code)
	}
	return fmt.Sprintf("%d", status)
}

// eachAnswer asks ask on each export path and judges each answer with judge; a request that
// got no answer is recorded as errored.
func eachAnswer(v *verdict, ask func(p string) (*exchange, error), judge func(p string, x *exchange)) {
	for _, p := range sparkmock.ExportPaths() {
		x, err := ask(p)
		if err != nil {
			v.errored(err)
			continue
		}
		judge(p, x)
	}
}

// needSome returns what list makes for a check that needs the Private token and at least one
// item; false, the check skipped (with none as the reason), when there is no token or no item.
func needSome[T any](v *verdict, list func() []T, none string) ([]T, bool) {
	if !v.needPrivate() {
		return nil, false
	}
	items := list()
	if len(items) == 0 {
		v.skip("%s", none)
		return nil, false
	}
	return items, true
}
