package contracttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
	"github.com/sparkmock/sparkmock/sparkql"
)

// JudgeConfig configures a Judge.
type JudgeConfig struct {
	// Strict also applies the [choice] rules (see Config.Strict).
	Strict bool
	// Spec is the contract; nil means the embedded openapi.yaml.
	Spec *openapi3.T
	// Location is the service's zone; nil means America/Chicago.
	Location *time.Location
}

// Judge applies the rules of the contract that a single exchange can show broken: the
// answer against openapi.yaml (cached piecewise, with kin-openapi's verdicts), the envelope
// rules, OwnerId only on /export/all, _limit and the per-path maximums, Pagination adding up,
// every contact satisfying the _filter sent (sparkql the oracle), _select honoured, the form
// of ExportTimestamp, and a request openapi.yaml rejects being rejected. Each rule reports
// under the id of the suite's check for it, so a proxy's report reads like the suite's.
// A Judge is safe for concurrent use.
type Judge struct {
	strict    bool
	loc       *time.Location
	spec      *openapi3.T
	schema    sparkql.Schema
	routes    map[string]*routers.Route
	validator *responseValidator
	// full and fullRoutes judge the whole spec, [choice]s included: strict only.
	full       *responseValidator
	fullRoutes map[string]*routers.Route
	requests   *openapicheck.Verdicts[*requestVerdict]
	sources    map[string]Source
	limits     limits
}

// badParamChecks are the checks of a query parameter openapi.yaml rejects (_limit aside).
var badParamChecks = map[string]checkID{
	"_page": idBadInputPage, "_skip": idBadInputSkip, "_pagination": idBadInputPagination,
	"_orderby": idBadInputOrderBy, "_select": idBadInputSelect,
}

// exchangeChecks are the ids Judge reports under, in catalog order.
var exchangeChecks = map[checkID]bool{
	idConformanceStatus: true, idConformanceContentType: true, idConformanceSchema: true, idConformanceSchemaChoices: true,
	idEnvelopeJSON: true, idEnvelopeSuccess: true, idEnvelopeError: true,
	idAuthNoCredentials: true, idAuthUserAgent: true,
	idPagingLimit: true, idPagingDefaultSize: true, idPagingOverMax: true, idPagingOverMaxRejected: true,
	idPagingArithmetic: true, idPagingCount: true, idPagingNoPagination: true, idPagingSkip: true, idPagingDisjoint: true,
	idOwnAllOwnerID: true, idSelectFields: true, idSelectKeepsID: true,
	idFilterMatch: true, idFilterBad: true, idFilterLimits: true,
	idIncrementalExportTimestamp: true,
	idBadInputLimit:              true, idBadInputPage: true, idBadInputSkip: true, idBadInputPagination: true,
	idBadInputOrderBy: true, idBadInputSelect: true,
}

// ExchangeChecks lists the checks Judge applies, in catalog order; the [choice] ones only
// apply with JudgeConfig.Strict.
func ExchangeChecks() []CheckInfo {
	var out []CheckInfo
	for _, c := range Checks() {
		if exchangeChecks[checkID{c.ID}] {
			out = append(out, c)
		}
	}
	return out
}

// NewJudge builds a Judge: the spec loaded and checked, routes and caches made once.
func NewJudge(ctx context.Context, cfg JudgeConfig) (*Judge, error) {
	j := &Judge{strict: cfg.Strict, sources: map[string]Source{}}
	var err error
	if j.loc, err = sparkmock.LocationOrDefault(cfg.Location); err != nil {
		return nil, fmt.Errorf("contracttest: %w", err)
	}
	if j.spec, err = sparkmock.SpecOrDefault(ctx, cfg.Spec); err != nil {
		return nil, fmt.Errorf("contracttest: embedded spec: %w", err)
	}
	if j.limits, err = limitsOf(j.spec); err != nil {
		return nil, fmt.Errorf("contracttest: %w", err)
	}
	// conformance.schema judges the documented view: a legal [choice] (a _select without Id,
	// an unconfirmed field in another form) is never a [doc] failure; strict also judges the
	// full spec, under conformance.schema-choices.
	documented, err := sparkmock.Documented(j.spec)
	if err != nil {
		return nil, fmt.Errorf("contracttest: spec: %w", err)
	}
	if j.validator, err = newResponseValidator(documented, j.strict); err != nil {
		return nil, fmt.Errorf("contracttest: spec: %w", err)
	}
	j.routes = j.validator.Routes()
	if j.strict {
		if j.full, err = newResponseValidator(j.spec, true); err != nil {
			return nil, fmt.Errorf("contracttest: spec: %w", err)
		}
		j.fullRoutes = j.full.Routes()
	}
	if j.schema, err = sparkmock.FilterSchema(j.spec); err != nil {
		return nil, fmt.Errorf("contracttest: spec: %w", err)
	}
	for _, c := range Checks() {
		j.sources[c.ID] = c.Source
	}
	j.requests = openapicheck.NewVerdicts(j.validator.Checker, j.requestVerdict)
	return j, nil
}

// ruling collects what the rules find in one exchange, under the check id of the rule
// being applied.
type ruling struct {
	j       *Judge
	id      checkID
	off     bool    // the rule of id is a [choice] and the judge is not strict: nothing recorded
	marked  checkID // the last id marked judged
	out     *Judgement
	in      *Exchange
	secrets []string // masked in evidence; found with the request's description, at the first break
}

// as switches to the rule of a check. A [choice] rule when the judge is not strict is
// judged into nothing: ok and fail record nothing until the next as.
func (r *ruling) as(id checkID) {
	r.id = id
	r.off = !r.j.sources[id.name].checked(r.j.strict)
}

func (r *ruling) mark() {
	if r.marked == r.id {
		return
	}
	r.marked = r.id
	if r.out.Judged == nil { // once, at its largest: growing it cost an allocation per doubling
		r.out.Judged = make([]string, 0, len(exchangeChecks))
	}
	for _, id := range r.out.Judged {
		if id == r.id.name {
			return
		}
	}
	r.out.Judged = append(r.out.Judged, r.id.name)
}

func (r *ruling) ok() {
	if !r.off {
		r.mark()
	}
}

func (r *ruling) fail(x *exchange, part any, format string, args ...any) {
	if r.off {
		return
	}
	r.mark()
	if x.url == "" { // described only when something broke: most exchanges break nothing
		x.url, x.cred, r.secrets = describeRequest(r.in.URL, r.in.RequestHeader)
	}
	e := newEvidence(x, part, format, args...)
	e.Request = sparkmock.MaskIn(e.Request, r.secrets)
	e.Body = sparkmock.MaskIn(e.Body, r.secrets)
	e.Message = sparkmock.MaskIn(e.Message, r.secrets)
	r.out.Violations = append(r.out.Violations, Violation{Check: r.id.name, Source: r.j.sources[r.id.name], Evidence: e})
}

// Check judges one exchange. It never panics on what a service sends: a rule that cannot
// judge something leaves it alone.
func (j *Judge) Check(ctx context.Context, in *Exchange) (out Judgement) {
	defer func() {
		if p := recover(); p != nil {
			// A bug of a rule must not take a proxy down; it shows as a violation of its own.
			out.Violations = append(out.Violations, Violation{Check: idInternal.name, Source: SourceDoc,
				Evidence: Evidence{Message: fmt.Sprintf("the judge failed on this exchange: %v", p)}})
		}
	}()
	x := exchangeOf(in)
	r := &ruling{j: j, out: &out, in: in}
	route := j.routes[in.Method+" "+in.URL.Path]
	query := in.URL.Query()

	if route != nil {
		r.as(idConformanceStatus)
		judgeStatusDocumented(r, x, route)
	}
	// A path that is not clean (//v1/…) is still the API's: judged, on no route.
	if (!strings.HasPrefix(in.URL.Path, sparkmock.APIPrefix+"/") && !strings.HasPrefix(path.Clean(in.URL.Path), sparkmock.APIPrefix+"/") && route == nil) ||
		in.Method == http.MethodHead || in.Status == http.StatusNoContent || in.Status == http.StatusNotModified {
		return out // not the API, or an answer without a body (a CORS preflight's 204): nothing more to judge
	}
	r.as(idConformanceContentType)
	judgeContentType(r, x)
	split := j.fastDecode(x, route)
	if x.D() == nil && x.jsonErr != nil || len(x.body) == 0 {
		if len(x.body) == 0 {
			out.NotJSON = "the body is empty"
		} else {
			out.NotJSON = x.jsonErr.Error()
		}
	}
	if route != nil && documented(route, x.status) {
		if ok, _ := isJSON(x.header.Get("Content-Type")); ok && out.NotJSON == "" {
			r.as(idConformanceSchema)
			if judgeSchema(r, x, j.validator.validate(ctx, in.Method, route, x.status, x.header, x.body, split)) {
				r.as(idConformanceSchemaChoices)
				if full := j.fullRoutes[in.Method+" "+route.Path]; j.full != nil && full != nil {
					judgeSchema(r, x, j.full.validate(ctx, in.Method, full, x.status, x.header, x.body, split))
				}
			}
		}
	}
	r.as(idEnvelopeJSON)
	judgeEnvelopeJSON(r, x)
	r.as(idEnvelopeSuccess)
	judgeEnvelopeSuccess(r, x)
	r.as(idEnvelopeError)
	judgeEnvelopeError(r, x)

	if route == nil || in.Method != http.MethodGet || (x.path != sparkmock.PathExport && x.path != sparkmock.PathExportAll) {
		return out
	}
	var f *sentFilter
	if query.Has("_filter") {
		f = &sentFilter{text: query.Get("_filter")}
		f.query, f.err = sparkql.Parse(f.text, j.schema, sparkql.Options{Now: j.clockOf(x), Location: j.loc})
	}
	j.judgeRequest(ctx, r, x, in, route, query, f)
	if x.status == http.StatusOK && x.D() != nil {
		j.judgePage(r, x, query, f)
	}
	return out
}

// fastDecode decodes a page from cached pieces: the skeleton and each item decoded once per
// distinct bytes. It returns the split page, or nil when the answer is decoded whole.
func (j *Judge) fastDecode(x *exchange, route *routers.Route) *openapicheck.Split {
	if route == nil || j.validator.Page(route) == nil || x.status != http.StatusOK {
		return nil
	}
	s, ok := openapicheck.SplitPage(x.body)
	if !ok {
		return nil
	}
	skel, err := j.validator.Piece(s.Skeleton)
	if err != nil {
		return &s
	}
	items := make([]any, len(s.Items))
	for i, b := range s.Items {
		val, err := j.validator.Piece(b)
		if err != nil {
			return &s // decoded whole, for the decoder's own error
		}
		items[i] = val
	}
	x.decoded, x.root, x.items, x.itemsSet = true, skel, items, true
	if obj, ok := skel.(map[string]any); ok {
		x.d, _ = obj["D"].(map[string]any)
	}
	return &s
}

// requestVerdict is what openapi.yaml says of a request: the check that judges its answer
// and why it is rejected, or nothing.
type requestVerdict struct {
	check   checkID
	problem string
}

// requestVerdictOf validates a request's parameters against its operation, once per distinct
// method, path, query and declared headers.
func (j *Judge) requestVerdictOf(ctx context.Context, in *Exchange, route *routers.Route) *requestVerdict {
	return j.requests.Of(ctx, openapicheck.Request{Method: in.Method, URL: in.URL, Header: in.RequestHeader, Match: openapicheck.Match{Route: route}})
}

// requestVerdict turns a request's validation into the check that judges its answer.
func (j *Judge) requestVerdict(in openapicheck.Request, err error) *requestVerdict {
	v := &requestVerdict{}
	if err != nil {
		v.problem = firstLine(err.Error())
		var re *openapi3filter.RequestError
		if errors.As(err, &re) && re.Parameter != nil {
			v.problem = fmt.Sprintf("parameter %s: %s", re.Parameter.Name, firstLine(errText(re)))
			switch re.Parameter.Name {
			case "X-SparkApi-User-Agent":
				v.check = idAuthUserAgent
			case "_limit":
				v.check = idBadInputLimit
				if n, err := strconv.Atoi(in.URL.Query().Get("_limit")); err == nil && n > j.limits.of(in.URL.Path).MaxLimit {
					v.check = idPagingOverMaxRejected
				}
			case "_page", "_skip", "_pagination", "_orderby", "_select":
				v.check = badParamChecks[re.Parameter.Name]
			}
		}
	}
	return v
}

func errText(re *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) && se.Reason != "" {
		return se.Reason
	}
	if re.Err != nil {
		return re.Err.Error()
	}
	return re.Reason
}

// sentFilter is the request's _filter, parsed once for every rule that reads it.
type sentFilter struct {
	text  string
	query *sparkql.Query // nil when the language rejects it
	err   error
}

// judgeRequest judges how the answer treats the request: a request openapi.yaml rejects, or
// one without credentials, or a _filter the language rejects, must not succeed; a valid
// filter must not be refused.
func (j *Judge) judgeRequest(ctx context.Context, r *ruling, x *exchange, in *Exchange, route *routers.Route, query url.Values, f *sentFilter) {
	ok2xx := x.status >= 200 && x.status < 300
	rv := j.requestVerdictOf(ctx, in, route)
	r.out.RequestProblem = rv.problem
	if rv.check != (checkID{}) {
		r.as(rv.check)
		if ok2xx {
			r.fail(x, nil, "got %d for a request openapi.yaml rejects (%s), want a 4xx error", x.status, rv.problem)
		} else {
			r.ok()
		}
	}
	if in.RequestHeader.Get("Authorization") == "" && query.Get("AuthToken") == "" && in.RequestHeader.Get("X-SparkApi-User-Agent") != "" {
		r.as(idAuthNoCredentials)
		r.out.RequestProblem = strings.TrimPrefix(r.out.RequestProblem+"; no credentials", "; ")
		if code, _ := x.code(); x.status != http.StatusUnauthorized || (code != 0 && code != sparkmock.CodeInvalidAuth) {
			r.fail(x, nil, "got %s without credentials, want 401 with code 1000", describeAnswer(x.status, code, code != 0))
		} else {
			r.ok()
		}
	}
	if f == nil {
		return
	}
	filter, err := f.text, f.err
	var pe *sparkql.Error
	switch {
	case errors.As(err, &pe):
		id := idFilterBad
		if pe.Code == sparkql.CodeLimit {
			id = idFilterLimits
		}
		r.as(id)
		code, hasCode := x.code()
		switch {
		case ok2xx:
			r.fail(x, nil, "got %d for a filter the language rejects with %d (%s): %s", x.status, pe.Code, firstLine(pe.Error()), shorten(filter, 200))
		case x.status == http.StatusBadRequest && hasCode && code != pe.Code && (code == sparkql.CodeInvalid || code == sparkql.CodeLimit):
			r.fail(x, nil, "got code %d for a filter the language rejects with %d (%s)", code, pe.Code, firstLine(pe.Error()))
		default:
			r.ok()
		}
	case err == nil && x.status == http.StatusBadRequest && rv.problem == "":
		if code, ok := x.code(); ok && (code == sparkql.CodeInvalid || code == sparkql.CodeLimit) {
			r.as(idFilterMatch)
			r.fail(x, nil, "got 400 with code %d for a valid filter: %s", code, shorten(filter, 200))
		}
	}
}

// clockOf is the time a filter's now() meant ([choice]): the answer's Date (a service's clock, which a
// mock may set back), else this machine's.
func (j *Judge) clockOf(x *exchange) time.Time {
	if d, err := http.ParseTime(x.header.Get("Date")); err == nil {
		return d
	}
	return time.Now()
}

// judgePage applies the rules of a successful page to it and its contacts.
func (j *Judge) judgePage(r *ruling, x *exchange, query url.Values, sent *sentFilter) {
	path := x.path
	r.as(idIncrementalExportTimestamp)
	judgeExportTimestamp(r, x, func(ts string) (time.Time, time.Time, bool) {
		t, err := time.ParseInLocation(sparkmock.ExportTimestampLayout, ts, j.loc)
		return t, t, err == nil
	})
	res, hasResults := x.results()
	if !hasResults {
		return // the schema reports it
	}
	f := factsOf(x)
	rows := len(res)

	r.as(idPagingDisjoint)
	judgeNoDuplicateIDs(r, x, res)
	pg := j.limits.of(path)
	r.as(idPagingOverMax)
	if judgeOverMax(r, x, rows, pg.MaxLimit, path) {
		r.ok()
	}
	limit, limitOK := pg.DefaultLimit, true
	if query.Has("_limit") {
		n, err := strconv.Atoi(query.Get("_limit"))
		limit, limitOK = n, err == nil && n >= 0 && n <= pg.MaxLimit
		if limitOK {
			r.as(idPagingLimit)
		}
	} else {
		r.as(idPagingDefaultSize)
	}
	if limitOK && judgePageSize(r, x, f, limit, query.Has("_limit"), -1) {
		r.ok()
	}

	switch query.Get("_pagination") {
	case "", "0":
		r.as(idPagingNoPagination)
		judgeNoPagination(r, x)
	case "count":
		r.as(idPagingCount)
		if judgeCount(r, x, f) {
			r.ok()
		}
	case "1":
		if !limitOK {
			break
		}
		if query.Has("_skip") {
			skip, err := strconv.Atoi(query.Get("_skip"))
			if err != nil || skip < 0 || query.Has("_page") {
				break
			}
			r.as(idPagingSkip)
			if judgeSkip(r, x, f, skip, limit, f.totalRows) {
				r.ok()
			}
			break
		}
		page := 1
		if query.Has("_page") {
			n, err := strconv.Atoi(query.Get("_page"))
			if err != nil || n < 1 {
				break
			}
			page = n
		}
		r.as(idPagingArithmetic)
		judgePagination(r, x, limit, page, true)
	}

	var sel []string
	selected := map[string]bool{}
	if query.Has("_select") {
		for _, f := range strings.Split(query.Get("_select"), ",") {
			if f = strings.TrimSpace(f); f != "" {
				sel = append(sel, f)
				selected[f] = true
			}
		}
	}
	var q *sparkql.Query
	var undecided []string
	if sent != nil {
		q = sent.query
		if q != nil {
			undecided = undecidedFields(q)
			// [choice] A field _select left out is absent from every contact: whether the contact
			// satisfies a filter on it cannot be seen.
			for _, f := range q.Fields() {
				if len(sel) > 0 && !selected[f] && !alwaysKept[f] {
					undecided = append(undecided, f)
				}
			}
		}
	}
	for _, item := range res {
		obj, ok := item.(map[string]any)
		if !ok {
			continue // the schema reports it
		}
		c := contact{obj: obj}
		c.id, _ = obj["Id"].(string)
		if len(sel) == 0 || path == sparkmock.PathExport || selected["OwnerId"] {
			// [choice] Under a _select without OwnerId, /export/all may leave it out.
			r.as(idOwnAllOwnerID)
			judgeOwner(r, x, path, c)
		}
		if len(sel) > 0 {
			r.as(idSelectFields)
			if judgeSelectedKeys(r, x, sel, selected, c) {
				r.ok()
			}
			r.as(idSelectKeepsID)
			judgeKeepsID(r, x, sel, c)
		}
		if q != nil {
			fc := filterCase{partial: undecided}
			if fc.judged(c.obj) {
				r.as(idFilterMatch)
				judgeMatch(r, x, q, "the request's filter", sent.text, c, j.schema, j.loc)
			}
		}
	}
}

// undecidedFields lists the fields whose absence leaves a contact unjudged by a filter: those
// under Ne or a Not, where the documentation does not say how a missing field compares.
func undecidedFields(q *sparkql.Query) []string {
	seen := map[string]bool{}
	var walk func(n sparkql.Node, negated bool)
	walk = func(n sparkql.Node, negated bool) {
		switch n := n.(type) {
		case *sparkql.Condition:
			if negated || n.Op == sparkql.Ne {
				seen[n.Field] = true
			}
		case *sparkql.Binary:
			walk(n.L, negated)
			walk(n.R, negated || n.Op == sparkql.AndNot)
		case *sparkql.Not:
			walk(n.X, true)
		case *sparkql.Group:
			walk(n.X, negated)
		}
	}
	walk(q.Root, false)
	return sortedKeys(seen)
}
