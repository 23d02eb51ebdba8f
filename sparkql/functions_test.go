package sparkql_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/sparkql"
)

// TestResolvedValues checks what functions and literals resolve to, and the tree they give.
func TestResolvedValues(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		now    time.Time
		want   sparkql.Value
	}{
		{name: "days is a date in Location", filter: "Birthday Eq days(-7)", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "days",
				Args:     []sparkql.Value{{Kind: sparkql.KindInteger, Text: "-7", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: -7}}},
				Resolved: sparkql.Resolved{Kind: sparkql.KindDate, Time: day(2024, 1, 24)}}},
		{name: "days counts calendar days in Location", filter: "Birthday Eq days(0)",
			now:  time.Date(2024, 2, 1, 3, 0, 0, 0, time.UTC), // still Jan 31 in Chicago
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "days", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "0", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDate, Time: day(2024, 1, 31)}}},
		{name: "months clamps to the end of the month", filter: "Birthday Eq months(1)", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "months", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "1", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: 1}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDate, Time: day(2024, 2, 29)}}},
		{name: "years from a leap day", filter: "Birthday Eq years(-1)", now: time.Date(2024, 2, 29, 18, 0, 0, 0, time.UTC),
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "years", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "-1", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: -1}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDate, Time: day(2023, 2, 28)}}},
		{name: "hours is an instant", filter: "ModificationTimestamp Eq hours(-6)", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "hours", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "-6", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: -6}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: ts("2024-01-31T12:00:00Z")}}},
		{name: "minutes", filter: "ModificationTimestamp Eq minutes(90)", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "minutes", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "90", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: 90}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: ts("2024-01-31T19:30:00Z")}}},
		{name: "seconds", filter: "ModificationTimestamp Eq seconds(1)", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "seconds", Args: []sparkql.Value{{Kind: sparkql.KindInteger, Text: "1", Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: 1}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: ts("2024-01-31T18:00:01Z")}}},
		{name: "now", filter: "ModificationTimestamp Eq NOW()", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "now", Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: testOptions.Now}}},
		{name: "datetime in Location across DST", filter: "ModificationTimestamp Eq 2024-07-01T12:00:00", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindDateTime, Text: "2024-07-01T12:00:00", Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: ts("2024-07-01T17:00:00Z")}}},
		{name: "datetime fraction", filter: "ModificationTimestamp Eq 2024-07-01T12:00:00.123456Z", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindDateTime, Text: "2024-07-01T12:00:00.123456Z", Resolved: sparkql.Resolved{Kind: sparkql.KindDateTime, Time: ts("2024-07-01T12:00:00.123456Z")}}},
		{name: "contains", filter: `GivenName Eq contains('O\'N')`, now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindCall, Func: "contains", Args: []sparkql.Value{{Kind: sparkql.KindString, Text: `'O\'N'`, Resolved: sparkql.Resolved{Kind: sparkql.KindString, Str: "O'N"}}}, Resolved: sparkql.Resolved{Kind: sparkql.KindString, Str: "O'N", Match: sparkql.MatchContains}}},
		{name: "decimal", filter: "Score Eq -1.5e1", now: testOptions.Now,
			want: sparkql.Value{Kind: sparkql.KindDecimal, Text: "-1.5e1", Resolved: sparkql.Resolved{Kind: sparkql.KindDecimal, Dec: -15}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, sparkql.Options{Now: tc.now, Location: chicago})
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.filter, err)
			}
			c, ok := q.Root.(*sparkql.Condition)
			if !ok || len(c.Values) != 1 {
				t.Fatalf("Parse(%q).Root = %#v, want a Condition with one value", tc.filter, q.Root)
			}
			if diff := cmp.Diff(c.Values[0], tc.want); diff != "" {
				t.Errorf("Parse(%q) value (-got +want):\n%s", tc.filter, diff)
			}
		})
	}
}

func TestTree(t *testing.T) {
	filter := "A Eq 1 Or Not B Eq 'x' And (tolower(C) Ne 'y' Not A Eq 2)"
	schema := sparkql.Schema{"A": sparkql.Integer, "B": sparkql.String, "C": sparkql.String}
	q, err := sparkql.Parse(filter, schema, sparkql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	integer := func(n int64, text string) sparkql.Value {
		return sparkql.Value{Kind: sparkql.KindInteger, Text: text, Resolved: sparkql.Resolved{Kind: sparkql.KindInteger, Int: n}}
	}
	str := func(s string) sparkql.Value {
		return sparkql.Value{Kind: sparkql.KindString, Text: "'" + s + "'", Resolved: sparkql.Resolved{Kind: sparkql.KindString, Str: s}}
	}
	want := &sparkql.Binary{Op: sparkql.Or,
		L: &sparkql.Condition{Field: "A", Op: sparkql.Eq, Values: []sparkql.Value{integer(1, "1")}},
		R: &sparkql.Binary{Op: sparkql.And,
			L: &sparkql.Not{X: &sparkql.Condition{Field: "B", Op: sparkql.Eq, Values: []sparkql.Value{str("x")}}},
			R: &sparkql.Group{X: &sparkql.Binary{Op: sparkql.AndNot,
				L: &sparkql.Condition{Field: "C", Func: "tolower", Op: sparkql.Ne, Values: []sparkql.Value{str("y")}},
				R: &sparkql.Condition{Field: "A", Op: sparkql.Eq, Values: []sparkql.Value{integer(2, "2")}},
			}},
		},
	}
	if diff := cmp.Diff(q.Root, sparkql.Node(want)); diff != "" {
		t.Errorf("Root (-got +want):\n%s", diff)
	}
	if got := sparkql.Format(want); got != filter {
		t.Errorf("Format = %q, want %q", got, filter)
	}
}

func TestFormatAddsNeededParentheses(t *testing.T) {
	c := func(f string) sparkql.Node {
		return &sparkql.Condition{Field: f, Op: sparkql.Eq, Values: []sparkql.Value{{Kind: sparkql.KindBoolean, Text: "true", Resolved: sparkql.Resolved{Kind: sparkql.KindBoolean, Bool: true}}}}
	}
	tests := []struct {
		name string
		node sparkql.Node
		want string
	}{
		{name: "or under and", node: &sparkql.Binary{Op: sparkql.And, L: &sparkql.Binary{Op: sparkql.Or, L: c("A"), R: c("B")}, R: c("C")}, want: "(A Eq true Or B Eq true) And C Eq true"},
		{name: "right-nested and", node: &sparkql.Binary{Op: sparkql.And, L: c("A"), R: &sparkql.Binary{Op: sparkql.And, L: c("B"), R: c("C")}}, want: "A Eq true And (B Eq true And C Eq true)"},
		{name: "not of a binary", node: &sparkql.Not{X: &sparkql.Binary{Op: sparkql.AndNot, L: c("A"), R: c("B")}}, want: "Not (A Eq true Not B Eq true)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sparkql.Format(tc.node); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		loc    *time.Location
		match  string
	}{
		{name: "date in UTC", filter: "ModificationTimestamp Eq 2024-01-31", loc: time.UTC, match: "ab"},
		{name: "date in Chicago", filter: "ModificationTimestamp Eq 2024-01-31", loc: chicago, match: "a"},
		{name: "nil Location is UTC", filter: "ModificationTimestamp Eq 2024-01-31", loc: nil, match: "ab"},
		{name: "zoneless datetime in UTC", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00", loc: nil, match: "a"},
		{name: "zoneless datetime in Chicago", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00", loc: chicago, match: ""},
		{name: "days in UTC", filter: "ModificationTimestamp Eq days(0)", loc: time.UTC, match: "ab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, sparkql.Options{Now: testOptions.Now, Location: tc.loc})
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.filter, err)
			}
			if got := matching(q); got != tc.match {
				t.Errorf("Parse(%q) matches %q, want %q", tc.filter, got, tc.match)
			}
		})
	}
}

func TestMatchRecordValueTypes(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		rec    sparkql.MapRecord
		want   bool
	}{
		{name: "int counts as Integer", filter: "Age Eq 44", rec: sparkql.MapRecord{"Age": 44}, want: true},
		{name: "float64 counts as Integer", filter: "Age Eq 44", rec: sparkql.MapRecord{"Age": 44.0}, want: true},
		{name: "huge int64 exact against decimal", filter: "Age Lt 9223372036854775807.0", rec: sparkql.MapRecord{"Age": int64(9223372036854775807)}, want: true},
		{name: "int64 exact near 2^53", filter: "Age Eq 9007199254740993", rec: sparkql.MapRecord{"Age": int64(9007199254740993)}, want: true},
		{name: "int64 vs float near 2^53", filter: "Age Gt 9007199254740992.0", rec: sparkql.MapRecord{"Age": int64(9007199254740993)}, want: true},
		{name: "wrong Go type is absent for Ne", filter: "GivenName Ne 'x'", rec: sparkql.MapRecord{"GivenName": 5}, want: false},
		{name: "wrong Go type is absent for Eq NULL", filter: "GivenName Eq NULL", rec: sparkql.MapRecord{"GivenName": 5}, want: true},
		{name: "nil is absent", filter: "GivenName Eq NULL", rec: sparkql.MapRecord{"GivenName": nil}, want: true},
		{name: "string is not a time", filter: "ModificationTimestamp Ne NULL", rec: sparkql.MapRecord{"ModificationTimestamp": "2024-01-31T00:00:00Z"}, want: false},
		{name: "date value read in its own location", filter: "Birthday Eq 1980-05-01", rec: sparkql.MapRecord{"Birthday": time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC)}, want: true},
		{name: "[]any is not a StringList", filter: "Tags Ne NULL", rec: sparkql.MapRecord{"Tags": []any{"x"}}, want: false},
		{name: "empty record", filter: "Not GivenName Eq 'x'", rec: sparkql.MapRecord{}, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, testOptions)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.filter, err)
			}
			if got := q.Match(tc.rec); got != tc.want {
				t.Errorf("Match(%v) = %v, want %v", tc.rec, got, tc.want)
			}
		})
	}
}
