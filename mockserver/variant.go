package mockserver

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// VariantHeader asks for variants on one request: a comma list of names, or "none".
const VariantHeader = "X-Mock-Variant"

// Variant switches one [choice] of the mock to another behaviour the documentation allows
// just as well: frontends see their client survive what the real service may legally do, and
// the contract suite's tags are proved (non-strict passes every variant; -strict fails
// Check).
type Variant struct {
	// Name is what -variant, SPARKMOCK_VARIANT and X-Mock-Variant take.
	Name string `json:"Name"`
	// Check is the id of the contract suite's [choice] check the variant flips.
	Check string `json:"Check"`
	// Description says what the mock then does instead.
	Description string `json:"Description"`
}

// variantSet is a set of variants, one bit per entry of the table, in its order.
type variantSet uint32

// The variants, in the table's order; each switch in the code tests its bit.
const (
	vLimitClamp variantSet = 1 << iota
	vPastEnd400
	vSelectExact
	vSelectUnknownIgnored
	vExpandIgnored
	vForbiddenCode
	vMethodCode
	vAuthBeforeMethod
	vOtherDefaultOrder
	vUTCTimestamps
	vTiesIDDesc
)

// variantTable is the one list of variants: -list-variants, the header, the page and the
// tests all read it.
var variantTable = []struct {
	bit variantSet
	Variant
}{
	{vLimitClamp, Variant{"limit-clamp", "paging.over-max-rejected", "_limit past the path's maximum is clamped to it (200), not rejected"}},
	{vPastEnd400, Variant{"past-end-400", "paging.past-end", "a page past the end is 400, code 1053, not 200 with empty Results"}},
	{vSelectExact, Variant{"select-exact", "select.keeps-id", "_select returns exactly the selected fields: Id, ResourceUri and OwnerId only when selected"}},
	{vSelectUnknownIgnored, Variant{"select-unknown-ignored", "bad-input.select", "an unknown _select field is ignored, not 400"}},
	{vExpandIgnored, Variant{"expand-ignored", "bad-input.expand", "_expand is ignored, not 400"}},
	{vForbiddenCode, Variant{"forbidden-code-403", "roles.forbidden-code", "IDX, Public, VOW and Portal get 403 with code 403, not 1500"}},
	{vMethodCode, Variant{"method-code", "methods.code", "a 405 carries code 1405 (not 405) and Allow: GET, HEAD"}},
	{vAuthBeforeMethod, Variant{"auth-before-method", "methods.before-auth", "POST, PUT, DELETE and PATCH without a valid token get 401 before 405"}},
	{vOtherDefaultOrder, Variant{"order-other-default", "order.default", "without _orderby, ModificationTimestamp then Id (not Id)"}},
	{vUTCTimestamps, Variant{"timestamps-utc", "incremental.modification-zone", "ModificationTimestamp written in UTC with Z, not at the service zone's offset"}},
	{vTiesIDDesc, Variant{"ties-id-desc", "order.ties", "ties of _orderby are broken by Id descending, not ascending"}},
}

// Variants lists every variant, in the order -list-variants prints them.
func Variants() []Variant {
	out := make([]Variant, len(variantTable))
	for i, v := range variantTable {
		out[i] = v.Variant
	}
	return out
}

// VariantNames are the names -variant and X-Mock-Variant accept.
func VariantNames() []string {
	out := make([]string, len(variantTable))
	for i, v := range variantTable {
		out[i] = v.Name
	}
	return out
}

// parseVariants reads names (each may be a comma list); "none" and empty items add nothing.
func parseVariants(names ...string) (variantSet, error) {
	var set variantSet
	for _, list := range names {
		for _, n := range strings.Split(list, ",") {
			n = strings.TrimSpace(n)
			if n == "" || n == "none" {
				continue
			}
			i := slices.IndexFunc(variantTable, func(v struct {
				bit variantSet
				Variant
			}) bool {
				return v.Name == n
			})
			if i < 0 {
				return 0, fmt.Errorf("unknown variant %q (known: %s)", n, strings.Join(VariantNames(), ", "))
			}
			set |= variantTable[i].bit
		}
	}
	return set, nil
}

// CheckVariants reports an unknown name among names (each may be a comma list).
func CheckVariants(names ...string) error {
	_, err := parseVariants(names...)
	return err
}

func (s variantSet) has(v variantSet) bool { return s&v != 0 }

// names lists the set's variants in the table's order.
func (s variantSet) names() []string {
	out := []string{}
	for _, v := range variantTable {
		if s.has(v.bit) {
			out = append(out, v.Name)
		}
	}
	return out
}

// selectVariants puts the request's variants in its state: X-Mock-Variant when sent (it
// replaces the server's), the server's otherwise. An unknown name is 400, code 1053.
func selectVariants(def variantSet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			set := def
			if h, ok := c.Request().Header[VariantHeader]; ok {
				var err error
				if set, err = parseVariants(h...); err != nil {
					return sparkmock.Errorf(sparkmock.CodeBadParameter, "%s: %v", VariantHeader, err)
				}
			}
			stateOf(c).setVariants(set)
			return next(c)
		}
	}
}

// variantOrder is the order a request gets under its variants: with ties-id-desc, Id
// descending after the keys it names. (order-other-default sets the request's default order
// in selectVariants.)
func variantOrder(keys []sortKey, variants variantSet) []sortKey {
	if len(keys) > 0 && variants.has(vTiesIDDesc) && !slices.ContainsFunc(keys, func(k sortKey) bool { return k.field == fID }) {
		return append(slices.Clip(keys), sortKey{field: fID, name: nameID, desc: true})
	}
	return keys
}

// modificationTimestampMember is how a page writes a ModificationTimestamp up to its value.
const modificationTimestampMember = `"ModificationTimestamp":"`

// modificationTimestamp finds each ModificationTimestamp member of a page.
var modificationTimestamp = regexp.MustCompile(modificationTimestampMember + `[^"]+"`)

// timestampsInUTC rewrites every ModificationTimestamp of a page in UTC with Z: the same
// instants, another legal text (the timestamps-utc variant).
func timestampsInUTC(body []byte) []byte {
	return modificationTimestamp.ReplaceAllFunc(body, func(m []byte) []byte {
		// The value is the match between the member's opening and its closing quote: no
		// second match to find it.
		t, err := time.Parse(time.RFC3339Nano, string(m[len(modificationTimestampMember):len(m)-1]))
		if err != nil {
			return m
		}
		return []byte(modificationTimestampMember + t.UTC().Format(time.RFC3339Nano) + `"`)
	})
}

// authenticateWritesFirst answers a write without a valid token 401 before its 405 under the
// auth-before-method variant; otherwise the method is checked first ([choice]).
func authenticateWritesFirst(tokens func() *fixtures.Tree, sess *sessions) echo.MiddlewareFunc {
	auth := authenticate(tokens, sess)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		authed := auth(next)
		return func(c echo.Context) error {
			if stateOf(c).variants.has(vAuthBeforeMethod) {
				return authed(c)
			}
			return next(c)
		}
	}
}

// clampLimit, under the limit-clamp variant, reads an integer _limit past the path's maximum
// (pagingFor, from openapi.yaml) as the maximum, before the request is validated (which would
// reject it).
func clampLimit(pagingFor map[string]sparkmock.Paging) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !stateOf(c).variants.has(vLimitClamp) {
				return next(c)
			}
			r := c.Request()
			q := c.QueryParams() // Echo's own copy, which the handler reads
			pg, ok := pagingFor[r.URL.Path]
			if !ok {
				return next(c)
			}
			max := pg.MaxLimit
			if vs := q["_limit"]; len(vs) == 1 {
				if n, err := strconv.Atoi(vs[0]); err == nil && n > max {
					q.Set("_limit", strconv.Itoa(max))
					r.URL.RawQuery = q.Encode() // what the request validation reads
				}
			}
			return next(c)
		}
	}
}

// headAsGetUnderMethodCode answers HEAD as GET (net/http sends no body) under the method-code
// variant, whose 405s say Allow: GET, HEAD; otherwise HEAD is a 405 like any other method.
func headAsGetUnderMethodCode(get, notAllowed echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if stateOf(c).variants.has(vMethodCode) {
			return get(c)
		}
		return notAllowed(c)
	}
}
