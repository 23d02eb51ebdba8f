package contracttest

import (
	"sort"
)

// baselineOnce runs baseline the first time a check that judges every exchange asks.
func (s *run) baselineOnce() {
	if s.baselined {
		return
	}
	s.baselined = true
	s.baseline()
}

func checkEnvelopeJSON(s *run, v *verdict) {
	s.baselineOnce()
	for _, x := range s.exchanges {
		judgeEnvelopeJSON(v, x)
	}
	v.note("%d responses", len(s.exchanges))
}

func checkEnvelopeSuccess(s *run, v *verdict) {
	s.baselineOnce()
	for _, x := range s.exchanges {
		judgeEnvelopeSuccess(v, x)
	}
}

func checkEnvelopeError(s *run, v *verdict) {
	s.baselineOnce()
	errorsSeen := 0
	for _, x := range s.exchanges {
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
