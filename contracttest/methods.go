package contracttest

import (
	"net/http"
	"strings"

	"github.com/sparkmock/sparkmock"
)

// documentedWrites are the methods the documentation says answer 405.
var documentedWrites = []string{http.MethodPost, http.MethodPut, http.MethodDelete}

// methodAnswer sends one write probe, with no body, with the Private token when there is one
// (so a 405 cannot hide behind a 401), once per run.
func (s *run) methodAnswer(method, path string) (*exchange, error) {
	c := call{method: method, path: path}
	if _, ok := s.cfg.tokens[RolePrivate]; ok {
		c.as = RolePrivate
	}
	return s.once("method "+method+" "+path, c)
}

func checkMethodsNotAllowed(s *run, v *verdict) {
	eachWriteAnswer(s, v, func(x *exchange, m, p string) {
		switch {
		case x.status == http.StatusUnauthorized && s.cfg.tokens[RolePrivate] == "":
			// Authenticating before the method check is as legal an order.
			v.skip("%s %s got 401 without a Private token to send: give -token private=… to judge it", m, p)
		case x.status != http.StatusMethodNotAllowed:
			v.fail(x, nil, "got %d for %s, want 405: the export is read-only", x.status, m)
		default:
			v.ok()
		}
	})
}

// eachWriteAnswer judges the answer to each documented write (POST, PUT, DELETE) on each
// path; a probe that got no answer is an error of the check.
func eachWriteAnswer(s *run, v *verdict, judge func(x *exchange, method, path string)) {
	eachMethodAnswer(s, v, documentedWrites, judge)
}

// eachMethodAnswer is eachWriteAnswer for the given methods.
func eachMethodAnswer(s *run, v *verdict, methods []string, judge func(x *exchange, method, path string)) {
	for _, p := range sparkmock.ExportPaths() {
		for _, m := range methods {
			x, err := s.methodAnswer(m, p)
			if err != nil {
				v.errored(err)
				continue
			}
			judge(x, m, p)
		}
	}
}

// checkMethodsCode: the mock's 405 envelope carries code 405 ([choice]: Spark documents no
// code for it; the HTTP status is the mock's).
func checkMethodsCode(s *run, v *verdict) {
	eachWriteAnswer(s, v, func(x *exchange, m, p string) {
		if x.status == http.StatusMethodNotAllowed && x.D() != nil { // else methods.not-allowed and methods.envelope report it
			v.expectError(x, http.StatusMethodNotAllowed, 405)
		}
	})
	if v.decided == 0 && len(v.errs) == 0 {
		v.skip("no 405 answer to judge")
	}
}

// checkMethodsBeforeAuth: a write without credentials is 405 too ([choice]: the method is
// checked before authentication; 401 first is as legal).
func checkMethodsBeforeAuth(s *run, v *verdict) {
	eachAnswer(v, func(p string) (*exchange, error) {
		return s.once("method-no-credentials POST "+p, call{method: http.MethodPost, path: p})
	}, func(_ string, x *exchange) {
		judge405(v, x, "POST without credentials", ": the method is checked before authentication")
	})
}

// judge405 records whether a write probe got 405.
func judge405(v *verdict, x *exchange, what, why string) {
	switch {
	case x.status != http.StatusMethodNotAllowed:
		v.fail(x, nil, "got %d for %s, want 405%s", x.status, what, why)
	default:
		v.ok()
	}
}

func checkMethodsEnvelope(s *run, v *verdict) {
	eachWriteAnswer(s, v, func(x *exchange, m, p string) {
		switch {
		case x.status != http.StatusMethodNotAllowed:
			v.skip("%s %s got %d, not 405 (methods.not-allowed reports it)", m, p, x.status)
		case x.D() == nil:
			v.fail(x, nil, "the 405 body is not a JSON envelope with a D object")
		case x.D()["Success"] == true:
			v.fail(x, nil, "the 405 body says Success true")
		default:
			// The client needs an error envelope; which code it carries is the service's
			// choice (methods.code).
			if _, ok := x.code(); !ok {
				v.fail(x, x.D(), "the 405 envelope has no integer Code")
				return
			}
			v.ok()
		}
	})
}

// checkAllowHeader: methods.allow-header. [choice] A 405 says Allow: GET.
func checkAllowHeader(s *run, v *verdict) {
	eachMethodAnswer(s, v, append(append([]string(nil), documentedWrites...), http.MethodPatch), func(x *exchange, _, _ string) {
		if x.status != http.StatusMethodNotAllowed {
			return
		}
		allow := strings.Join(x.header.Values("Allow"), ", ")
		if !allowsOnlyGet(allow) {
			v.fail(x, allow, "got Allow %q on a 405, want Allow: GET", allow)
			return
		}
		v.ok()
	})
	if v.decided == 0 && len(v.errs) == 0 {
		v.skip("no 405 answer to judge")
	}
}

// allowsOnlyGet says whether an Allow value lists GET and no method that writes.
func allowsOnlyGet(allow string) bool {
	hasGet := false
	for _, m := range strings.Split(allow, ",") {
		switch strings.ToUpper(strings.TrimSpace(m)) {
		case http.MethodGet:
			hasGet = true
		case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
			return false
		}
	}
	return hasGet
}

// checkPatch: methods.patch. [choice] PATCH, undocumented, gets 405 like the documented writes.
func checkPatch(s *run, v *verdict) {
	eachMethodAnswer(s, v, []string{http.MethodPatch}, func(x *exchange, _, _ string) { judge405(v, x, "PATCH", "") })
}
