package contracttest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/sparkmock/sparkmock"
)

// badValues are the values each parameter must reject with 400/1053. The maximum plus one of
// _limit, _page and _skip is added per path (badMaxima).
var badValues = map[string][]string{
	"_limit":      {"-1", "abc", "2.5"},
	"_page":       {"0", "-1", "abc"},
	"_skip":       {"-1", "abc"},
	"_pagination": {"2", "-1", "all"},
	"_orderby":    {"NoSuchField", "-NoSuchField", "ModificationTimestamp,NoSuchField"},
	"_select":     {"NoSuchField", "DisplayName,NoSuchField"},
	"_expand":     {"Photos"},
}

// checkBadParam: bad-input.<name>, each value of badValues and badMaxima rejected with
// 400/1053. [choice] for _limit (rejected, not clamped), _select (an unknown field) and _expand.
func checkBadParam(name string) func(*run, *verdict) {
	return func(s *run, v *verdict) {
		if !v.needPrivate() {
			return
		}
		for _, p := range sparkmock.ExportPaths() {
			values := badValues[name]
			if max, ok := badMaxima(s.cfg.limits.of(p))[name]; ok {
				values = append(values[:len(values):len(values)], strconv.Itoa(max+1))
			}
			for _, val := range values {
				x, err := s.get(p, q(name, val)...)
				if err != nil {
					v.errored(err)
					continue
				}
				v.expectError(x, 400, 1053)
			}
		}
	}
}

// badMaxima are the documented maxima of the bounded parameters.
func badMaxima(pg sparkmock.Paging) map[string]int {
	return map[string]int{"_limit": pg.MaxLimit, "_page": pg.MaxPage, "_skip": pg.MaxSkip}
}

// oddRequests is how many generated odd requests bad-input.no-5xx sends.
const oddRequests = 40

// oddNames and oddValues are what the odd requests are made of.
var (
	oddNames  = []string{"_limit", "_page", "_pagination", "_skip", "_orderby", "_select", "_filter", "_expand", "_foo", "Id"}
	oddValues = []string{
		"", " ", "-0", "007", "1e3", "0x1A", "99999999999999999999999", "-99999999999999999999",
		"NaN", "null", "true", "'", `"`, `\`, "%", "%00", "\x00", "\x7f", "é", "😀", "Ω≈ç√",
		"<script>alert(1)</script>", "' OR '1'='1", "../../etc/passwd", "${jndi:ldap://x/a}",
		strings.Repeat("A", 4000), strings.Repeat("(", 50), "Id Eq", "ModificationTimestamp Gt 9999-99-99T99:99:99",
		"Tags Eq '" + strings.Repeat("x", 300) + "'", ",", ",,,", "+", "-", "--", "\t\n", "\xff\xfe",
		"ModificationTimestamp Bt now(),days(-99999999)", "DisplayName Eq contains('", "-ModificationTimestamp,,Id",
	}
)

// oddInputs generates the odd requests: the same ones every run (a fixed seed), so a failure
// can be replayed.
func oddInputs() [][]param {
	r := rand.New(rand.NewPCG(20120614, 1053))
	out := make([][]param, oddRequests)
	for i := range out {
		ps := []param{{oddNames[r.IntN(len(oddNames))], oddValues[r.IntN(len(oddValues))]}}
		if i%4 == 3 {
			ps = append(ps, param{oddNames[r.IntN(len(oddNames))], oddValues[r.IntN(len(oddValues))]})
		}
		out[i] = ps
	}
	return out
}

func checkNo5xx(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for i, ps := range oddInputs() {
		p := sparkmock.ExportPaths()[i%len(sparkmock.ExportPaths())]
		x, err := s.get(p, ps...)
		if err != nil {
			v.errored(err)
			continue
		}
		if x.status >= 500 {
			v.fail(x, nil, "got %d for odd input %s, want an answer, not a server error (a 400 with code 1053 if it is bad)", x.status, describeParams(ps))
			continue
		}
		v.ok()
	}
	v.note("%d generated requests", oddRequests)
}

func describeParams(ps []param) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%s=%s", p.name, strconv.Quote(shorten(p.value, 40)))
	}
	return strings.Join(parts, "&")
}
