package contracttest

// checkID is the id of a check. It is a struct, not a string, so that no string literal can
// become one: every id is one of the variables below, each made by newCheckID, and
// TestEveryCheckIDIsInTheCatalog checks that the catalog lists every one of them. A typo
// in an id is a compile error; an id declared but left out of the catalog fails that test.
type checkID struct{ name string }

// String is the id as reports, -run and the Judge's Violation.Check write it.
func (id checkID) String() string { return id.name }

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
		out[i] = CheckInfo{ID: d.id.name, Group: d.group, Source: d.source, Description: d.desc, Writes: d.writes}
	}
	return out
}

// checkDef is one check: what it asserts and the function that judges it.
type checkDef struct {
	id          checkID
	group, desc string
	source      Source
	writes      bool // sends POST, PUT, DELETE or PATCH
	final       bool // judges the exchanges of the whole run: runs after the others
	run         func(*run, *verdict)
}

// catalog is the suite, in report order. Ids are stable: never rename one.
func catalog() []*checkDef {
	return []*checkDef{
		{id: idConformanceStatus, group: "conformance", source: SourceDoc, final: true, run: checkStatusDocumented,
			desc: "Every response's status is one openapi.yaml documents for its operation."},
		{id: idConformanceContentType, group: "conformance", source: SourceDoc, final: true, run: checkContentType,
			desc: "Every response is Content-Type: application/json."},
		{id: idConformanceSchema, group: "conformance", source: SourceDoc, final: true, run: checkSchema,
			desc: "Every response body and header matches openapi.yaml for its operation and status, as documented (the mock's x-choice parts left out)."},
		{id: idConformanceSchemaChoices, group: "conformance", source: SourceChoice, final: true, run: checkSchemaChoices,
			desc: "Every response matches the whole of openapi.yaml, its x-choice parts included (Id and ResourceUri under _select, the unconfirmed fields' forms)."},

		{id: idEnvelopeJSON, group: "envelope", source: SourceDoc, final: true, run: checkEnvelopeJSON,
			desc: `Every body, success or error, is a JSON object with a "D" object.`},
		{id: idEnvelopeSuccess, group: "envelope", source: SourceDoc, final: true, run: checkEnvelopeSuccess,
			desc: "D.Success is true on every 2xx answer and false on every error."},
		{id: idEnvelopeError, group: "envelope", source: SourceDoc, final: true, run: checkEnvelopeError,
			desc: "Every error carries an integer D.Code and a non-empty D.Message."},

		{id: idAuthNoCredentials, group: "auth", source: SourceDoc, run: checkNoCredentials,
			desc: "No Authorization header: 401, code 1000, on both paths."},
		{id: idAuthUnknownToken, group: "auth", source: SourceDoc, run: checkUnknownToken,
			desc: "An unknown token: 401, code 1000, on both paths."},
		{id: idAuthUserAgent, group: "auth", source: SourceDoc, run: checkUserAgent,
			desc: "No X-SparkApi-User-Agent, or an empty one (with a Private token): 400, code 1016, on both paths."},
		{id: idAuthBearer, group: "auth", source: SourceDoc, run: checkBearer,
			desc: "Authorization: Bearer <token> is accepted like OAuth <token>: 200 on both paths."},

		{id: idRolesPrivate, group: "roles", source: SourceDoc, run: checkRolePrivate,
			desc: "The Private token reads both paths: 200."},
		{id: idRolesIDX, group: "roles", source: SourceDoc, run: checkForbiddenRole(RoleIDX),
			desc: "An IDX token gets 403, and no contacts, on both paths."},
		{id: idRolesPublic, group: "roles", source: SourceDoc, run: checkForbiddenRole(RolePublic),
			desc: "A Public token gets 403, and no contacts, on both paths."},
		{id: idRolesVOW, group: "roles", source: SourceDoc, run: checkForbiddenRole(RoleVOW),
			desc: "A VOW token gets 403, and no contacts, on both paths."},
		{id: idRolesPortal, group: "roles", source: SourceDoc, run: checkForbiddenRole(RolePortal),
			desc: "A Portal token gets 403, and no contacts, on both paths."},
		{id: idRolesExpired, group: "roles", source: SourceDoc, run: checkDeadToken(RoleExpired, 1020),
			desc: "An expired token gets 401, code 1020, on both paths."},
		{id: idRolesDisabled, group: "roles", source: SourceDoc, run: checkDeadToken(RoleDisabled, 1010),
			desc: "A token of a disabled key gets 401, code 1010, on both paths."},
		{id: idRolesForbiddenCode, group: "roles", source: SourceChoice, run: checkForbiddenCode,
			desc: "The 403 answers of the IDX, Public, VOW and Portal tokens carry code 1500."},

		{id: idMethodsNotAllowed, group: "methods", source: SourceDoc, writes: true, run: checkMethodsNotAllowed,
			desc: "POST, PUT and DELETE on both paths: 405."},
		{id: idMethodsEnvelope, group: "methods", source: SourceClient, writes: true, run: checkMethodsEnvelope,
			desc: "A 405 body is an error envelope: D.Success false and an integer Code (the Ruby client rejects an empty one)."},
		{id: idMethodsCode, group: "methods", source: SourceChoice, writes: true, run: checkMethodsCode,
			desc: "A 405 envelope carries code 405."},
		{id: idMethodsBeforeAuth, group: "methods", source: SourceChoice, writes: true, run: checkMethodsBeforeAuth,
			desc: "POST without credentials: 405 too (the method is checked before authentication)."},
		{id: idMethodsAllowHeader, group: "methods", source: SourceChoice, writes: true, run: checkAllowHeader,
			desc: "A 405 carries Allow: GET."},
		{id: idMethodsPatch, group: "methods", source: SourceChoice, writes: true, run: checkPatch,
			desc: "PATCH on both paths: 405 too."},

		{id: idPagingLimit, group: "paging", source: SourceDoc, run: checkLimit,
			desc: "_limit=n returns min(n, TotalRows) contacts; _limit=0 is allowed and returns none."},
		{id: idPagingDefaultSize, group: "paging", source: SourceDoc, run: checkDefaultSize,
			desc: "Without _limit a page holds 10 contacts (PageSize 10)."},
		{id: idPagingMaxLimit, group: "paging", source: SourceDoc, run: checkMaxLimit,
			desc: "_limit at the path's maximum (100 on /export, 25 on /export/all) is accepted and honoured."},
		{id: idPagingOverMax, group: "paging", source: SourceDoc, run: checkOverMax,
			desc: "_limit past the path's maximum never returns more contacts than the maximum."},
		{id: idPagingOverMaxRejected, group: "paging", source: SourceChoice, run: checkOverMaxRejected,
			desc: "_limit past the path's maximum: 400, code 1053 (rejected, not clamped)."},
		{id: idPagingDisjoint, group: "paging", source: SourceDoc, run: checkDisjoint,
			desc: "Pages share no contact (a contact modified during the run excepted)."},
		{id: idPagingComplete, group: "paging", source: SourceDoc, run: checkComplete,
			desc: "The pages together hold TotalRows distinct contacts."},
		{id: idPagingArithmetic, group: "paging", source: SourceDoc, run: checkArithmetic,
			desc: "Pagination adds up: PageSize is _limit, CurrentPage is _page, TotalPages is ceil(TotalRows/PageSize), each page as full as it should be."},
		{id: idPagingCount, group: "paging", source: SourceDoc, run: checkCount,
			desc: "_pagination=count: empty Results and the same Pagination as _pagination=1."},
		{id: idPagingNoPagination, group: "paging", source: SourceDoc, run: checkNoPagination,
			desc: "Without _pagination, or with _pagination=0, there is no Pagination object."},
		{id: idPagingSkip, group: "paging", source: SourceDoc, run: checkSkip,
			desc: "_skip=n starts after n contacts of the listing; Pagination then has CurrentOffset."},
		{id: idPagingPastEnd, group: "paging", source: SourceChoice, run: checkPastEnd,
			desc: "A page past the end: 200 with empty Results."},

		{id: idOwnAllSubset, group: "own-all", source: SourceDoc, run: checkSubset,
			desc: "Every contact of /export is in /export/all, all with the same OwnerId (the current user), which no other contact of /export/all carries."},
		{id: idOwnAllOwnerID, group: "own-all", source: SourceDoc, run: checkOwnerID,
			desc: "OwnerId is on every contact of /export/all and on none of /export."},
		{id: idOwnAllControlled, group: "own-all", source: SourceDoc, run: checkControlled,
			desc: "Every contact of the controlled token's /export is in the Private token's /export/all (needs -token controlled=…)."},
		{id: idOwnAllOutsider, group: "own-all", source: SourceDoc, run: checkOutsider,
			desc: "No contact of the outsider token's /export is in the Private token's /export/all (needs -token outsider=…)."},

		{id: idOrderAsc, group: "order", source: SourceDoc, run: checkOrder(false),
			desc: "_orderby=ModificationTimestamp: the earliest contacts first, instants ascending."},
		{id: idOrderDesc, group: "order", source: SourceDoc, run: checkOrder(true),
			desc: "_orderby=-ModificationTimestamp: the latest contacts first, instants descending."},
		{id: idOrderDefault, group: "order", source: SourceChoice, run: checkDefaultOrder,
			desc: "Default order: Id ascending (ids begin with the creation time, so paging a full export loses no contact that changes meanwhile)."},
		{id: idOrderTies, group: "order", source: SourceChoice, run: checkOrderTies,
			desc: "Contacts _orderby puts level (the same HomeRegion) come in Id ascending order."},

		{id: idSelectFields, group: "select", source: SourceDoc, run: checkSelect,
			desc: "_select returns the selected fields, as the full listing has them, and no other field but Id, ResourceUri and OwnerId."},
		{id: idSelectKeepsID, group: "select", source: SourceChoice, run: checkSelectKeepsID,
			desc: "_select always keeps Id and ResourceUri."},

		{id: idFilterMatch, group: "filter", source: SourceDoc, run: checkFilterMatch,
			desc: "Every contact returned for a filter built from the target's own data satisfies it (sparkql is the oracle)."},
		{id: idFilterComplete, group: "filter", source: SourceDoc, run: checkFilterComplete,
			desc: "A filter returns every contact of the full listing that satisfies it."},
		{id: idFilterTotalRows, group: "filter", source: SourceDoc, run: checkFilterTotalRows,
			desc: "A filter's TotalRows counts the filtered set: ModificationTimestamp Gt t and Le t add up to the path's TotalRows."},
		{id: idFilterBad, group: "filter", source: SourceDoc, run: checkBadFilter,
			desc: "A bad filter (syntax, unknown field): 400, code 1040, with SparkQLErrors."},
		{id: idFilterLimits, group: "filter", source: SourceDoc, run: checkFilterLimits,
			desc: "A filter past a limit (nesting, expressions, list length): 400, code 1041."},

		{id: idIncrementalExportTimestamp, group: "incremental", source: SourceDoc, final: true, run: checkExportTimestamp,
			desc: "ExportTimestamp is a string YYYY-MM-DDTHH:MM:SS, not later than the response's Date."},
		{id: idIncrementalModificationZone, group: "incremental", source: SourceChoice, run: checkModificationZone,
			desc: "ModificationTimestamp is written at the service zone's offset (-timezone), not in UTC or another zone."},
		{id: idIncrementalSince, group: "incremental", source: SourceDoc, run: checkSince,
			desc: "_filter=ModificationTimestamp Gt <ExportTimestamp> returns only contacts modified after it."},

		{id: idBadInputLimit, group: "bad-input", source: SourceChoice, run: checkBadParam("_limit"),
			desc: "A malformed or out-of-range _limit: 400, code 1053."},
		{id: idBadInputPage, group: "bad-input", source: SourceDoc, run: checkBadParam("_page"),
			desc: "_page not an integer from 1 to 100000: 400, code 1053."},
		{id: idBadInputSkip, group: "bad-input", source: SourceDoc, run: checkBadParam("_skip"),
			desc: "_skip not an integer from 0 to 2500000: 400, code 1053."},
		{id: idBadInputPagination, group: "bad-input", source: SourceDoc, run: checkBadParam("_pagination"),
			desc: "_pagination other than 0, 1 or count: 400, code 1053."},
		{id: idBadInputOrderBy, group: "bad-input", source: SourceDoc, run: checkBadParam("_orderby"),
			desc: "_orderby naming an unknown field: 400, code 1053."},
		{id: idBadInputSelect, group: "bad-input", source: SourceChoice, run: checkBadParam("_select"),
			desc: "_select naming an unknown field: 400, code 1053."},
		{id: idBadInputExpand, group: "bad-input", source: SourceChoice, run: checkBadParam("_expand"),
			desc: "_expand (the export has no expansions): 400, code 1053."},
		{id: idBadInputNo5xx, group: "bad-input", source: SourceDoc, run: checkNo5xx,
			desc: "A bounded batch of generated odd inputs never gets a 5xx."},
	}
}
