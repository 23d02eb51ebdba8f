package contracttest

import (
	"sort"
)

// allExchanges are the exchanges of the run, for the checks that judge every one: the first
// call runs baseline.
func (s *run) allExchanges() []*exchange {
	if !s.baselined {
		s.baselined = true
		s.baseline()
	}
	return s.exchanges
}

func checkEnvelopeJSON(s *run, v *verdict) {
	for _, x := range s.allExchanges() {
		judgeEnvelopeJSON(v, x)
	}
	v.note("%d responses", len(s.exchanges))
}

func checkEnvelopeSuccess(s *run, v *verdict) {
	for _, x := range s.allExchanges() {
		judgeEnvelopeSuccess(v, x)
	}
}

func checkEnvelopeError(s *run, v *verdict) {
	errorsSeen := 0
	for _, x := range s.allExchanges() {
		if judgeEnvelopeError(v, x) {
			errorsSeen++
		}
	}
	if errorsSeen == 0 {
		v.skip("no error answer with a D object was received")
	}
}

func describeMember(obj map[string]any, name string) string {
	val, ok := obj[name]
	if !ok {
		return "missing"
	}
	return compactJSON(val)
}

func sortStrings(s []string) { sort.Strings(s) }
