package contracttest

import (
	"sort"
)

// baselineOnce runs baseline the first time a check that judges every exchange asks.
func (s *session) baselineOnce() {
	if s.baselined {
		return
	}
	s.baselined = true
	s.baseline()
}

func checkEnvelopeJSON(s *session, v *verdict) {
	s.baselineOnce()
	for _, x := range s.exchanges {
		x.decode()
		switch {
		case len(x.body) == 0:
			v.fail(x, "", "got an empty body, want a JSON object with a D object")
		case x.jsonErr != nil:
			v.fail(x, nil, "the body is not JSON (%v), want a JSON object with a D object", x.jsonErr)
		case x.d == nil:
			v.fail(x, nil, `the body has no "D" object`)
		default:
			v.ok()
		}
	}
	v.note("%d responses", len(s.exchanges))
}

func checkEnvelopeSuccess(s *session, v *verdict) {
	s.baselineOnce()
	for _, x := range s.exchanges {
		d := x.D()
		if d == nil {
			continue // envelope.json reports it
		}
		var want bool
		switch {
		case x.status >= 200 && x.status < 300:
			want = true
		case x.status >= 400:
			want = false
		default:
			continue
		}
		got, present := d["Success"]
		b, isBool := got.(bool)
		switch {
		case !present:
			v.fail(x, d, "D.Success is missing, want %v with status %d", want, x.status)
		case !isBool:
			v.fail(x, got, "D.Success is %s, want the boolean %v", compactJSON(got), want)
		case b != want:
			v.fail(x, d, "D.Success is %v with status %d, want %v", b, x.status, want)
		default:
			v.ok()
		}
	}
}

func checkEnvelopeError(s *session, v *verdict) {
	s.baselineOnce()
	errorsSeen := 0
	for _, x := range s.exchanges {
		d := x.D()
		if d == nil || x.status < 400 {
			continue
		}
		errorsSeen++
		bad := false
		if _, ok := x.code(); !ok {
			v.fail(x, d, "D.Code is %s, want an integer code", describeMember(d, "Code"))
			bad = true
		}
		if m, ok := d["Message"].(string); !ok || m == "" {
			v.fail(x, d, "D.Message is %s, want a non-empty string", describeMember(d, "Message"))
			bad = true
		}
		if !bad {
			v.ok()
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
