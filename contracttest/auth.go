package contracttest

import "github.com/sparkmock/sparkmock"

// unknownToken is a token no service issued: the suite's own, so it is shown in full.
const unknownToken = "contracttest-unknown-token-8f3a61c2"

func checkNoCredentials(s *run, v *verdict) {
	eachAnswer(v, func(p string) (*exchange, error) { return s.once("none "+p, call{path: p}) }, func(p string, x *exchange) {
		ok := v.expectError(x, 401, 1000)
		s.record(whoNone, p, x, "401 / 1000", ok)
	})
}

func checkUnknownToken(s *run, v *verdict) {
	eachAnswer(v, func(p string) (*exchange, error) { return s.do(call{path: p, token: unknownToken}) }, func(p string, x *exchange) {
		ok := v.expectError(x, 401, 1000)
		s.record(whoUnknown, p, x, "401 / 1000", ok)
	})
}

func checkUserAgent(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		// Missing, and present but empty: a name nobody can read is no name.
		for _, c := range []call{{path: p, as: RolePrivate, noUA: true}, {path: p, as: RolePrivate, emptyUA: true}} {
			x, err := s.do(c)
			if err != nil {
				v.errored(err)
				continue
			}
			v.expectError(x, 400, 1016)
		}
	}
}

func checkBearer(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	eachAnswer(v, func(p string) (*exchange, error) {
		return s.do(call{path: p, as: RolePrivate, bearer: true, query: q("_limit", "1")})
	}, func(p string, x *exchange) {
		if x.status != 200 {
			code, hasCode := x.code()
			v.fail(x, nil, "got %s with Authorization: Bearer, want 200 as with OAuth", describeAnswer(x.status, code, hasCode))
			return
		}
		v.ok()
	})
}
