package contracttest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/sparkmock/sparkmock"
)

// checkID is the id of a check. It is a struct, not a string, so that no string literal can
// become one: every id is one of the variables below, each made by newCheckID, and
// TestEveryCheckIDIsInTheCatalog checks that the catalog lists every one of them. A typo
// in an id is a compile error; an id declared but left out of the catalog fails that test.
type checkID struct{ name string }

// String is the id as reports, -run and the Judge's Violation.Check write it.
func (id checkID) String() string { return id.name }

// group is the part of the contract the check belongs to: the id up to its first dot.
func (id checkID) group() string {
	g, _, _ := strings.Cut(id.name, ".")
	return g
}

// declaredIDs is every id made by newCheckID, in declaration order.
var declaredIDs []checkID

func newCheckID(name string) checkID {
	id := checkID{name}
	declaredIDs = append(declaredIDs, id)
	return id
}

// idInternal is the Judge's own failure (a rule that panicked): reported, not a check of the
// catalog, so it is not made by newCheckID.
var idInternal = checkID{"contracttest.internal"}

// The check ids, in catalog order. Ids are stable: never rename one.
var (
	idConformanceStatus           = newCheckID("conformance.status")
	idConformanceContentType      = newCheckID("conformance.content-type")
	idConformanceSchema           = newCheckID("conformance.schema")
	idConformanceSchemaChoices    = newCheckID("conformance.schema-choices")
	idEnvelopeJSON                = newCheckID("envelope.json")
	idEnvelopeSuccess             = newCheckID("envelope.success")
	idEnvelopeError               = newCheckID("envelope.error")
	idAuthNoCredentials           = newCheckID("auth.no-credentials")
	idAuthUnknownToken            = newCheckID("auth.unknown-token")
	idAuthUserAgent               = newCheckID("auth.user-agent")
	idAuthBearer                  = newCheckID("auth.bearer")
	idRolesPrivate                = newCheckID("roles.private")
	idRolesIDX                    = newCheckID("roles.idx")
	idRolesPublic                 = newCheckID("roles.public")
	idRolesVOW                    = newCheckID("roles.vow")
	idRolesPortal                 = newCheckID("roles.portal")
	idRolesExpired                = newCheckID("roles.expired")
	idRolesDisabled               = newCheckID("roles.disabled")
	idRolesForbiddenCode          = newCheckID("roles.forbidden-code")
	idMethodsNotAllowed           = newCheckID("methods.not-allowed")
	idMethodsEnvelope             = newCheckID("methods.envelope")
	idMethodsCode                 = newCheckID("methods.code")
	idMethodsBeforeAuth           = newCheckID("methods.before-auth")
	idMethodsAllowHeader          = newCheckID("methods.allow-header")
	idMethodsPatch                = newCheckID("methods.patch")
	idPagingLimit                 = newCheckID("paging.limit")
	idPagingDefaultSize           = newCheckID("paging.default-size")
	idPagingMaxLimit              = newCheckID("paging.max-limit")
	idPagingOverMax               = newCheckID("paging.over-max")
	idPagingOverMaxRejected       = newCheckID("paging.over-max-rejected")
	idPagingDisjoint              = newCheckID("paging.disjoint")
	idPagingComplete              = newCheckID("paging.complete")
	idPagingArithmetic            = newCheckID("paging.arithmetic")
	idPagingCount                 = newCheckID("paging.count")
	idPagingNoPagination          = newCheckID("paging.no-pagination")
	idPagingSkip                  = newCheckID("paging.skip")
	idPagingPastEnd               = newCheckID("paging.past-end")
	idOwnAllSubset                = newCheckID("own-all.subset")
	idOwnAllOwnerID               = newCheckID("own-all.owner-id")
	idOwnAllControlled            = newCheckID("own-all.controlled")
	idOwnAllOutsider              = newCheckID("own-all.outsider")
	idOrderAsc                    = newCheckID("order.asc")
	idOrderDesc                   = newCheckID("order.desc")
	idOrderDefault                = newCheckID("order.default")
	idOrderTies                   = newCheckID("order.ties")
	idSelectFields                = newCheckID("select.fields")
	idSelectKeepsID               = newCheckID("select.keeps-id")
	idFilterMatch                 = newCheckID("filter.match")
	idFilterComplete              = newCheckID("filter.complete")
	idFilterTotalRows             = newCheckID("filter.total-rows")
	idFilterBad                   = newCheckID("filter.bad")
	idFilterLimits                = newCheckID("filter.limits")
	idIncrementalExportTimestamp  = newCheckID("incremental.export-timestamp")
	idIncrementalModificationZone = newCheckID("incremental.modification-zone")
	idIncrementalSince            = newCheckID("incremental.since")
	idBadInputLimit               = newCheckID("bad-input.limit")
	idBadInputPage                = newCheckID("bad-input.page")
	idBadInputSkip                = newCheckID("bad-input.skip")
	idBadInputPagination          = newCheckID("bad-input.pagination")
	idBadInputOrderBy             = newCheckID("bad-input.orderby")
	idBadInputSelect              = newCheckID("bad-input.select")
	idBadInputExpand              = newCheckID("bad-input.expand")
	idBadInputNo5xx               = newCheckID("bad-input.no-5xx")
)

// CheckInfo describes one check of the catalog.
type CheckInfo struct {
	// ID is stable across versions: reports, -run and CI filters may rely on it.
	ID string
	// Group is the part of the contract the check belongs to.
	Group string
	// Source is where the rule comes from; SourceChoice checks run only with Config.Strict.
	Source Source
	// Description says in one line what the check asserts.
	Description string
	// Writes is true for the checks that send POST, PUT, DELETE or PATCH (skipped with
	// Config.ReadOnly).
	Writes bool
}

// Checks lists every check of the suite in the order they are reported.
func Checks() []CheckInfo {
	defs := catalog()
	out := make([]CheckInfo, len(defs))
	for i, d := range defs {
		out[i] = CheckInfo{ID: d.id.name, Group: d.id.group(), Source: d.source, Description: d.desc, Writes: d.writes}
	}
	return out
}

// checkDef is one check: what it asserts and the function that judges it.
type checkDef struct {
	id     checkID
	desc   string
	source Source
	writes bool // sends POST, PUT, DELETE or PATCH
	final  bool // judges the exchanges of the whole run: runs after the others
	run    func(*run, *verdict)
}

// catalog is the suite, in report order. Ids are stable: never rename one. The descriptions
// quote the page limits of the embedded openapi.yaml.
func catalog() []*checkDef {
	l := embeddedLimits()
	return []*checkDef{
		{id: idConformanceStatus, source: SourceDoc, final: true, run: checkStatusDocumented,
			desc: "Every response's status is one openapi.yaml documents for its operation."},
		{id: idConformanceContentType, source: SourceDoc, final: true, run: checkContentType,
			desc: "Every response is Content-Type: application/json."},
		{id: idConformanceSchema, source: SourceDoc, final: true, run: checkSchema,
			desc: "Every response body and header matches openapi.yaml for its operation and status, as documented (the mock's x-choice parts left out)."},
		{id: idConformanceSchemaChoices, source: SourceChoice, final: true, run: checkSchemaChoices,
			desc: "Every response matches the whole of openapi.yaml, its x-choice parts included (Id and ResourceUri under _select, the unconfirmed fields' forms)."},

		{id: idEnvelopeJSON, source: SourceDoc, final: true, run: checkEnvelopeJSON,
			desc: `Every body, success or error, is a JSON object with a "D" object.`},
		{id: idEnvelopeSuccess, source: SourceDoc, final: true, run: checkEnvelopeSuccess,
			desc: "D.Success is true on every 2xx answer and false on every error."},
		{id: idEnvelopeError, source: SourceDoc, final: true, run: checkEnvelopeError,
			desc: "Every error carries an integer D.Code and a non-empty D.Message."},

		{id: idAuthNoCredentials, source: SourceDoc, run: checkNoCredentials,
			desc: "No Authorization header: 401, code 1000, on both paths."},
		{id: idAuthUnknownToken, source: SourceDoc, run: checkUnknownToken,
			desc: "An unknown token: 401, code 1000, on both paths."},
		{id: idAuthUserAgent, source: SourceDoc, run: checkUserAgent,
			desc: "No X-SparkApi-User-Agent, or an empty one (with a Private token): 400, code 1016, on both paths."},
		{id: idAuthBearer, source: SourceDoc, run: checkBearer,
			desc: "Authorization: Bearer <token> is accepted like OAuth <token>: 200 on both paths."},

		{id: idRolesPrivate, source: SourceDoc, run: checkRolePrivate,
			desc: "The Private token reads both paths: 200."},
		{id: idRolesIDX, source: SourceDoc, run: checkForbiddenRole(RoleIDX),
			desc: "An IDX token gets 403, and no contacts, on both paths."},
		{id: idRolesPublic, source: SourceDoc, run: checkForbiddenRole(RolePublic),
			desc: "A Public token gets 403, and no contacts, on both paths."},
		{id: idRolesVOW, source: SourceDoc, run: checkForbiddenRole(RoleVOW),
			desc: "A VOW token gets 403, and no contacts, on both paths."},
		{id: idRolesPortal, source: SourceDoc, run: checkForbiddenRole(RolePortal),
			desc: "A Portal token gets 403, and no contacts, on both paths."},
		{id: idRolesExpired, source: SourceDoc, run: checkDeadToken(RoleExpired, 1020),
			desc: "An expired token gets 401, code 1020, on both paths."},
		{id: idRolesDisabled, source: SourceDoc, run: checkDeadToken(RoleDisabled, 1010),
			desc: "A token of a disabled key gets 401, code 1010, on both paths."},
		{id: idRolesForbiddenCode, source: SourceChoice, run: checkForbiddenCode,
			desc: "The 403 answers of the IDX, Public, VOW and Portal tokens carry code 1500."},

		{id: idMethodsNotAllowed, source: SourceDoc, writes: true, run: checkMethodsNotAllowed,
			desc: "POST, PUT and DELETE on both paths: 405."},
		{id: idMethodsEnvelope, source: SourceClient, writes: true, run: checkMethodsEnvelope,
			desc: "A 405 body is an error envelope: D.Success false and an integer Code (the Ruby client rejects an empty one)."},
		{id: idMethodsCode, source: SourceChoice, writes: true, run: checkMethodsCode,
			desc: "A 405 envelope carries code 405."},
		{id: idMethodsBeforeAuth, source: SourceChoice, writes: true, run: checkMethodsBeforeAuth,
			desc: "POST without credentials: 405 too (the method is checked before authentication)."},
		{id: idMethodsAllowHeader, source: SourceChoice, writes: true, run: checkAllowHeader,
			desc: "A 405 carries Allow: GET."},
		{id: idMethodsPatch, source: SourceChoice, writes: true, run: checkPatch,
			desc: "PATCH on both paths: 405 too."},

		{id: idPagingLimit, source: SourceDoc, run: checkLimit,
			desc: "_limit=n returns min(n, TotalRows) contacts; _limit=0 is allowed and returns none."},
		{id: idPagingDefaultSize, source: SourceDoc, run: checkDefaultSize,
			desc: fmt.Sprintf("Without _limit a page holds %[1]s contacts (PageSize %[1]s).", l.text(defaultLimit))},
		{id: idPagingMaxLimit, source: SourceDoc, run: checkMaxLimit,
			desc: fmt.Sprintf("_limit at the path's maximum (%s) is accepted and honoured.", l.text(maxLimit))},
		{id: idPagingOverMax, source: SourceDoc, run: checkOverMax,
			desc: "_limit past the path's maximum never returns more contacts than the maximum."},
		{id: idPagingOverMaxRejected, source: SourceChoice, run: checkOverMaxRejected,
			desc: "_limit past the path's maximum: 400, code 1053 (rejected, not clamped)."},
		{id: idPagingDisjoint, source: SourceDoc, run: checkDisjoint,
			desc: "Pages share no contact (a contact modified during the run excepted)."},
		{id: idPagingComplete, source: SourceDoc, run: checkComplete,
			desc: "The pages together hold TotalRows distinct contacts."},
		{id: idPagingArithmetic, source: SourceDoc, run: checkArithmetic,
			desc: "Pagination adds up: PageSize is _limit, CurrentPage is _page, TotalPages is ceil(TotalRows/PageSize), each page as full as it should be."},
		{id: idPagingCount, source: SourceDoc, run: checkCount,
			desc: "_pagination=count: empty Results and the same Pagination as _pagination=1."},
		{id: idPagingNoPagination, source: SourceDoc, run: checkNoPagination,
			desc: "Without _pagination, or with _pagination=0, there is no Pagination object."},
		{id: idPagingSkip, source: SourceDoc, run: checkSkip,
			desc: "_skip=n starts after n contacts of the listing; Pagination then has CurrentOffset."},
		{id: idPagingPastEnd, source: SourceChoice, run: checkPastEnd,
			desc: "A page past the end: 200 with empty Results."},

		{id: idOwnAllSubset, source: SourceDoc, run: checkSubset,
			desc: "Every contact of /export is in /export/all, all with the same OwnerId (the current user), which no other contact of /export/all carries."},
		{id: idOwnAllOwnerID, source: SourceDoc, run: checkOwnerID,
			desc: "OwnerId is on every contact of /export/all and on none of /export."},
		{id: idOwnAllControlled, source: SourceDoc, run: checkControlled,
			desc: "Every contact of the controlled token's /export is in the Private token's /export/all (needs -token controlled=…)."},
		{id: idOwnAllOutsider, source: SourceDoc, run: checkOutsider,
			desc: "No contact of the outsider token's /export is in the Private token's /export/all (needs -token outsider=…)."},

		{id: idOrderAsc, source: SourceDoc, run: checkOrder(false),
			desc: "_orderby=ModificationTimestamp: the earliest contacts first, instants ascending."},
		{id: idOrderDesc, source: SourceDoc, run: checkOrder(true),
			desc: "_orderby=-ModificationTimestamp: the latest contacts first, instants descending."},
		{id: idOrderDefault, source: SourceChoice, run: checkDefaultOrder,
			desc: "Default order: Id ascending (ids begin with the creation time, so paging a full export loses no contact that changes meanwhile)."},
		{id: idOrderTies, source: SourceChoice, run: checkOrderTies,
			desc: "Contacts _orderby puts level (the same HomeRegion) come in Id ascending order."},

		{id: idSelectFields, source: SourceDoc, run: checkSelect,
			desc: "_select returns the selected fields, as the full listing has them, and no other field but Id, ResourceUri and OwnerId."},
		{id: idSelectKeepsID, source: SourceChoice, run: checkSelectKeepsID,
			desc: "_select always keeps Id and ResourceUri."},

		{id: idFilterMatch, source: SourceDoc, run: checkFilterMatch,
			desc: "Every contact returned for a filter built from the target's own data satisfies it (sparkql is the oracle)."},
		{id: idFilterComplete, source: SourceDoc, run: checkFilterComplete,
			desc: "A filter returns every contact of the full listing that satisfies it."},
		{id: idFilterTotalRows, source: SourceDoc, run: checkFilterTotalRows,
			desc: "A filter's TotalRows counts the filtered set: ModificationTimestamp Gt t and Le t add up to the path's TotalRows."},
		{id: idFilterBad, source: SourceDoc, run: checkBadFilter,
			desc: "A bad filter (syntax, unknown field): 400, code 1040, with SparkQLErrors."},
		{id: idFilterLimits, source: SourceDoc, run: checkFilterLimits,
			desc: "A filter past a limit (nesting, expressions, list length): 400, code 1041."},

		{id: idIncrementalExportTimestamp, source: SourceDoc, final: true, run: checkExportTimestamp,
			desc: "ExportTimestamp is a string YYYY-MM-DDTHH:MM:SS, not later than the response's Date."},
		{id: idIncrementalModificationZone, source: SourceChoice, run: checkModificationZone,
			desc: "ModificationTimestamp is written at the service zone's offset (-timezone), not in UTC or another zone."},
		{id: idIncrementalSince, source: SourceDoc, run: checkSince,
			desc: "_filter=ModificationTimestamp Gt <ExportTimestamp> returns only contacts modified after it."},

		{id: idBadInputLimit, source: SourceChoice, run: checkBadParam("_limit"),
			desc: "A malformed or out-of-range _limit: 400, code 1053."},
		{id: idBadInputPage, source: SourceDoc, run: checkBadParam("_page"),
			desc: fmt.Sprintf("_page not an integer from 1 to %s: 400, code 1053.", l.text(maxPage))},
		{id: idBadInputSkip, source: SourceDoc, run: checkBadParam("_skip"),
			desc: fmt.Sprintf("_skip not an integer from 0 to %s: 400, code 1053.", l.text(maxSkip))},
		{id: idBadInputPagination, source: SourceDoc, run: checkBadParam("_pagination"),
			desc: "_pagination other than 0, 1 or count: 400, code 1053."},
		{id: idBadInputOrderBy, source: SourceDoc, run: checkBadParam("_orderby"),
			desc: "_orderby naming an unknown field: 400, code 1053."},
		{id: idBadInputSelect, source: SourceChoice, run: checkBadParam("_select"),
			desc: "_select naming an unknown field: 400, code 1053."},
		{id: idBadInputExpand, source: SourceChoice, run: checkBadParam("_expand"),
			desc: "_expand (the export has no expansions): 400, code 1053."},
		{id: idBadInputNo5xx, source: SourceDoc, run: checkNo5xx,
			desc: "A bounded batch of generated odd inputs never gets a 5xx."},
	}
}

// embeddedLimits are the page limits of the embedded openapi.yaml, read once.
func embeddedLimits() limits {
	l, err := loadEmbeddedLimits()
	if err != nil {
		// The embedded spec is part of the build, checked by the root package's tests.
		panic(fmt.Sprintf("contracttest: the embedded openapi.yaml: %v", err))
	}
	return l
}

var loadEmbeddedLimits = sync.OnceValues(func() (limits, error) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		return limits{}, err
	}
	return limitsOf(doc)
})

func defaultLimit(p sparkmock.Paging) int { return p.DefaultLimit }
func maxLimit(p sparkmock.Paging) int     { return p.MaxLimit }
func maxPage(p sparkmock.Paging) int      { return p.MaxPage }
func maxSkip(p sparkmock.Paging) int      { return p.MaxSkip }

// text writes one limit of both export paths for a description: once when the paths agree,
// else each with its path ("100 on /export, 25 on /export/all").
func (l limits) text(limit func(sparkmock.Paging) int) string {
	export, all := limit(l.of(sparkmock.PathExport)), limit(l.of(sparkmock.PathExportAll))
	if export == all {
		return strconv.Itoa(export)
	}
	return fmt.Sprintf("%d on /export, %d on /export/all", export, all)
}
