package contracttest

import (
	"fmt"
)

// roleAnswer is what a role's token gets on a path, asked once and judged by several checks.
func (s *run) roleAnswer(r Role, path string) (*exchange, error) {
	return s.once("role "+string(r)+" "+path, call{path: path, as: r, query: q("_limit", "1")})
}

func checkRolePrivate(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) { return s.roleAnswer(RolePrivate, p) }, func(p string, x *exchange) {
		ok := x.status == 200
		if _, hasResults := x.results(); ok && !hasResults {
			v.fail(x, nil, "got 200 without a Results array, want the contacts")
			ok = false
		} else if !ok {
			code, hasCode := x.code()
			v.fail(x, nil, "got %s, want 200: the Private role reads the export", describeAnswer(x.status, code, hasCode))
		} else {
			v.ok()
		}
		s.record(string(RolePrivate), p, x, "200", ok)
	})
}

// checkForbiddenRole judges a role that may not read the export: 403 on both paths, and no
// contact in the body.
func checkForbiddenRole(r Role) func(*run, *verdict) {
	return func(s *run, v *verdict) {
		if _, ok := s.cfg.tokens[r]; !ok {
			v.skip("no %s token given (-token %s=…): role not covered", r, r)
			return
		}
		eachAnswer(v, func(p string) (*exchange, error) { return s.roleAnswer(r, p) }, func(p string, x *exchange) {
			ok := true
			if x.status != 403 {
				code, hasCode := x.code()
				v.fail(x, nil, "got %s for a %s token, want 403: only the Private role may read the export", describeAnswer(x.status, code, hasCode && x.status >= 400), r)
				ok = false
			}
			if res, _ := x.results(); len(res) > 0 {
				v.fail(x, res[0], "the answer to a %s token holds %d contacts, want none", r, len(res))
				ok = false
			}
			if ok {
				v.ok()
			}
			s.record(string(r), p, x, "403", ok)
		})
	}
}

// checkDeadToken judges a token that no longer works: 401 with the given code on both paths.
func checkDeadToken(r Role, code int) func(*run, *verdict) {
	return func(s *run, v *verdict) {
		if _, ok := s.cfg.tokens[r]; !ok {
			v.skip("no %s token given (-token %s=…): not covered", r, r)
			return
		}
		eachAnswer(v, func(p string) (*exchange, error) { return s.roleAnswer(r, p) }, func(p string, x *exchange) {
			ok := v.expectError(x, 401, code)
			s.record(string(r), p, x, fmt.Sprintf("401 / %d", code), ok)
		})
	}
}

// forbiddenRoles are the roles that get 403.
var forbiddenRoles = []Role{RoleIDX, RolePublic, RoleVOW, RolePortal}

// checkForbiddenCode: roles.forbidden-code. [choice] The 403 of a forbidden role carries code 1500.
func checkForbiddenCode(s *run, v *verdict) {
	given := 0
	for _, r := range forbiddenRoles {
		if _, ok := s.cfg.tokens[r]; !ok {
			continue
		}
		given++
		eachAnswer(v, func(p string) (*exchange, error) { return s.roleAnswer(r, p) }, func(p string, x *exchange) {
			if x.status != 403 {
				v.skip("%s on %s got %d, not 403 (roles.%s reports it)", r, p, x.status, r)
				return
			}
			v.expectError(x, 403, 1500)
		})
	}
	if given == 0 {
		v.skip("no IDX, Public, VOW or Portal token given")
	}
}
