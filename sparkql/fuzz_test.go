package sparkql_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/sparkql"
)

// FuzzParse checks that Parse never panics, that its errors are well-formed, and that for any
// filter that parses, String is canonical: it parses back to an equal tree and is a fixed point.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.filter)
	}
	for _, s := range []string{
		"Not Not Not (A Eq 1)",
		"GivenName Eq 'a' Not Not GivenName Eq 'b' Or Not (Age Gt 1 And (Age Lt 3))",
		"tolower(Tags) Ne contains('x'),startswith('y'),endswith('z'),'w'",
		"ModificationTimestamp Bt 2024-01-31T00:00:00.999999999+14:00,2024-01-31T23:59:59-12:00",
		"ModificationTimestamp Eq days(-7),now(),hours(1),minutes(-1),seconds(0),months(12),years(-100)",
		"Score Bt -1.5E+3,+2.25e-10 And Age Ne -0,+0",
		`DisplayName Eq '\\\'\x\'' Or DisplayName Eq '''`,
		"Birthday Le 0000-01-01 Or Birthday Ge 9999-12-31",
		"(Age Eq 1) Or (Age Eq 2) Or ((Age Eq 3) And (Age Eq 4))",
		"Age Eq 1 And And Age Eq 2",
		"Age Eq 1)(",
		"tolower(",
		"'",
		"\\",
		"Age\x00Eq 1",
		"Age Eq 1 Or",
		"ModificationTimestamp Gt days(9223372036854775807)",
		"ModificationTimestamp Gt 2024-01-31T13:45:00.",
		"VowEnabled eQ tRuE aNd Tags nE nUlL",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		q, err := sparkql.Parse(filter, testSchema, testOptions)
		if err != nil {
			checkFuzzError(t, filter, err)
			return
		}
		for _, r := range testRecords {
			q.Match(r.rec)
		}
		checkBounds(t, q)
		s := q.String()
		q2, err := sparkql.Parse(s, testSchema, testOptions)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q fails: %v", filter, s, err)
		}
		if diff := cmp.Diff(q2.Root, q.Root); diff != "" {
			t.Fatalf("Parse(String()) differs from Parse(%q) (-got +want):\n%s", filter, diff)
		}
		if s2 := q2.String(); s2 != s {
			t.Fatalf("String is not a fixed point: got %q, want %q", s2, s)
		}
		if got, want := matching(q2), matching(q); got != want {
			t.Fatalf("Parse(String()) matches %q, want %q", got, want)
		}
	})
}

func checkFuzzError(t *testing.T, filter string, err error) {
	t.Helper()
	e, ok := err.(*sparkql.Error)
	if !ok {
		t.Fatalf("Parse(%q) error = %#v, want *sparkql.Error", filter, err)
	}
	if e.Code != sparkql.CodeInvalid && e.Code != sparkql.CodeLimit {
		t.Fatalf("Parse(%q) code = %d, want 1040 or 1041", filter, e.Code)
	}
	if len(e.Problems) == 0 {
		t.Fatalf("Parse(%q) error has no problems", filter)
	}
	for _, p := range e.Problems {
		if p.Pos < 0 || p.Pos > len(filter) {
			t.Fatalf("Parse(%q) problem Pos %d out of range", filter, p.Pos)
		}
		if p.Message == "" || (p.Status != sparkql.StatusFatal && p.Status != sparkql.StatusDropped) {
			t.Fatalf("Parse(%q) problem %+v is not well-formed", filter, p)
		}
		if strings.HasSuffix(p.Token, "…") || strings.HasPrefix(p.Token, `\x`) {
			continue
		}
		if p.Pos+len(p.Token) > len(filter) || filter[p.Pos:p.Pos+len(p.Token)] != p.Token {
			t.Fatalf("Parse(%q) problem token %q is not at Pos %d", filter, p.Token, p.Pos)
		}
	}
}

// checkBounds checks TimeBounds is a necessary condition on the test records.
func checkBounds(t *testing.T, q *sparkql.Query) {
	t.Helper()
	r, ok := q.TimeBounds("ModificationTimestamp")
	if !ok {
		return
	}
	for _, rec := range testRecords {
		if q.Match(rec.rec) && !r.Contains(rec.rec["ModificationTimestamp"].(time.Time)) {
			t.Fatalf("%q matches record %s outside its TimeBounds %+v", q, rec.name, r)
		}
	}
}

// FuzzMatchFold checks the allocation-free tolower()/toupper() comparisons against the
// strings package applied to the record's value.
func FuzzMatchFold(f *testing.F) {
	f.Add("Ann Smith", "smith")
	f.Add("ÇA VA", "ça")
	f.Add("İstanbul", "i̇s")
	f.Add("\xffABC", "\uFFFDa")
	f.Add("", "")
	f.Add("ǅ", "ǆ")
	f.Fuzz(func(t *testing.T, value, lit string) {
		for _, fn := range []struct {
			name string
			fold func(string) string
		}{{"tolower", strings.ToLower}, {"toupper", strings.ToUpper}} {
			v := fn.fold(value)
			want := map[string]bool{
				"Eq '%s'":             v == lit,
				"Gt '%s'":             v > lit,
				"Le '%s'":             v <= lit,
				"Eq contains('%s')":   strings.Contains(v, lit),
				"Eq startswith('%s')": strings.HasPrefix(v, lit),
				"Eq endswith('%s')":   strings.HasSuffix(v, lit),
			}
			for cond, w := range want {
				filter := fn.name + "(GivenName) " + strings.Replace(cond, "'%s'", quoteLit(lit), 1)
				q, err := sparkql.Parse(filter, testSchema, testOptions)
				if err != nil {
					return // lit is not valid UTF-8
				}
				if got := q.Match(sparkql.MapRecord{"GivenName": value}); got != w {
					t.Fatalf("%s on %q = %v, want %v", filter, value, got, w)
				}
			}
		}
	})
}

func quoteLit(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
