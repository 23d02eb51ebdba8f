package contracttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/sparkmock/sparkmock"
)

// baseline makes sure the checks that judge every exchange have a success and an error of
// each path to judge, even when -run selected nothing else.
func (s *run) baseline() {
	for _, p := range sparkmock.ExportPaths() {
		if _, ok := s.cfg.tokens[RolePrivate]; ok {
			_, _ = s.get(p, q("_limit", "2", "_pagination", "1")...)
		}
		_, _ = s.do(call{path: p})
	}
}

// route returns the spec's operation of an exchange, or nil.
func (s *run) route(x *exchange) *routers.Route { return s.routes[x.method+" "+x.path] }

func documented(r *routers.Route, status int) bool {
	if r.Operation.Responses == nil {
		return false
	}
	return r.Operation.Responses.Status(status) != nil || r.Operation.Responses.Default() != nil
}

func checkStatusDocumented(s *run, v *verdict) {
	for _, x := range s.allExchanges() {
		judgeStatusDocumented(v, x, s.route(x))
	}
	v.note("%d responses", len(s.exchanges))
}

func documentedStatuses(r *routers.Route) []string {
	if r.Operation.Responses == nil {
		return nil
	}
	var out []string
	for code := range r.Operation.Responses.Map() {
		out = append(out, code)
	}
	sortStrings(out)
	return out
}

// isJSON says whether a Content-Type is application/json (with, at most, a UTF-8 charset).
func isJSON(ct string) (bool, string) {
	switch ct {
	case "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8":
		return true, "" // what nearly every answer says, without parsing
	case "":
		return false, "no Content-Type"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false, fmt.Sprintf("Content-Type %q does not parse: %v", ct, err)
	}
	if mt != "application/json" {
		return false, fmt.Sprintf("Content-Type is %q", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false, fmt.Sprintf("Content-Type %q: JSON is UTF-8", ct)
	}
	return true, ""
}

func checkContentType(s *run, v *verdict) {
	for _, x := range s.allExchanges() {
		judgeContentType(v, x)
	}
	v.note("%d responses", len(s.exchanges))
}

func checkSchema(s *run, v *verdict) {
	judged := 0
	for _, x := range s.allExchanges() {
		r := s.route(x)
		if r == nil || !documented(r, x.status) {
			continue // conformance.status reports it
		}
		if ok, _ := isJSON(x.header.Get("Content-Type")); !ok {
			continue // conformance.content-type reports it
		}
		if x.truncated {
			v.fail(x, "", "the body is longer than %d bytes: not judged further", maxBodyBytes)
			continue
		}
		judged++
		judgeSchema(v, x, s.validate(x, r))
	}
	v.note("%d responses validated", judged)
}

// checkSchemaChoices judges the answers conformance.schema passed against the full spec: the
// mock's [choice]s too (Id and ResourceUri under _select, the unconfirmed fields' forms).
func checkSchemaChoices(s *run, v *verdict) {
	for _, x := range s.allExchanges() {
		r := s.route(x)
		if r == nil || !documented(r, x.status) || x.truncated {
			continue
		}
		if ok, _ := isJSON(x.header.Get("Content-Type")); !ok || s.validate(x, r) != nil {
			continue // conformance.content-type or conformance.schema reports it
		}
		full := s.fullRoutes[x.method+" "+r.Path]
		if s.full == nil || full == nil {
			continue
		}
		judgeSchema(v, x, s.full.validate(s.ctx, x.method, full, x.status, x.header, x.body, nil))
	}
}

// validate gives kin-openapi's verdict on one exchange, undocumented statuses counting as
// violations, through the validator Judge uses too. The Allow header's value is a [choice]
// (methods.allow-header), so it is left out unless strict.
func (s *run) validate(x *exchange, r *routers.Route) error {
	return s.validator.validate(s.ctx, x.method, r, x.status, x.header, x.body, nil)
}

// judgeSchema: conformance.schema and conformance.schema-choices, given err, kin-openapi's
// verdict on x: a pass, or a failure naming the part of the body the error is about.
func judgeSchema(j judge, x *exchange, err error) bool {
	if err != nil {
		part, msg := describeSchemaError(x, err)
		j.fail(x, part, "%s", msg)
		return false
	}
	j.ok()
	return true
}

// describeSchemaError finds the part of the body a validation error is about and says what
// is wrong with it.
func describeSchemaError(x *exchange, err error) (any, string) {
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && strings.HasPrefix(re.Reason, "response header ") {
		// A header, not the body: name it, and what is wrong with its value.
		msg := "the response does not match openapi.yaml: " + re.Reason
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			msg += ": " + deepestSchemaError(se).Reason
		}
		name := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(re.Reason, "response header "), " doesn't match schema"), `"`)
		return x.header.Values(name), msg
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		se = deepestSchemaError(se)
		ptr := se.JSONPointer()
		x.decode()
		root := x.root
		if x.itemsSet { // decoded piecewise: the pointer goes into the whole body
			whole := &exchange{body: x.body}
			whole.decode()
			root = whole.root
		}
		part := pointerValue(root, ptr)
		where := "/" + strings.Join(ptr, "/")
		reason := se.Reason
		if reason == "" {
			reason = firstLine(se.Error())
		}
		if se.SchemaField != "" {
			reason += " (schema: " + se.SchemaField + ")"
		}
		return part, fmt.Sprintf("the body does not match openapi.yaml at %s: %s", where, reason)
	}
	if errors.As(err, &re) {
		msg := re.Reason
		if re.Err != nil {
			msg += ": " + firstLine(re.Err.Error())
		}
		return nil, "the response does not match openapi.yaml: " + msg
	}
	return nil, "the response does not match openapi.yaml: " + firstLine(err.Error())
}

// deepestSchemaError follows a schema error to the one that caused it: "doesn't match all
// schemas from allOf" says nothing a reader can act on; the member that broke it does.
func deepestSchemaError(se *openapi3.SchemaError) *openapi3.SchemaError {
	for se.Origin != nil {
		var inner *openapi3.SchemaError
		if !errors.As(se.Origin, &inner) || inner == se {
			break
		}
		se = inner
	}
	return se
}

// pointerValue follows a JSON pointer (as a list of tokens) into a decoded value; it returns
// the deepest value it could reach.
func pointerValue(root any, ptr []string) any {
	cur := root
	for _, tok := range ptr {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return cur
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return cur
			}
			cur = c[i]
		default:
			return cur
		}
	}
	return cur
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return shorten(s, 300)
}

// compactJSON renders a decoded value on one line.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
