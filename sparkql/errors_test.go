package sparkql_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/sparkql"
)

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name    string
		filter  string
		message string // a part of the first problem's message
	}{
		{name: "suggests by camel-case word", filter: "Emial Eq 'x'", message: "unknown field 'Emial' (did you mean 'PrimaryEmail'?)"},
		{name: "suggests a case fix", filter: "givenname Eq 'x'", message: "field names start with an upper-case letter; did you mean 'GivenName'?"},
		{name: "suggests a typo fix", filter: "ModificationTimestmp Gt days(-1)", message: "did you mean 'ModificationTimestamp'?"},
		{name: "no suggestion when nothing is close", filter: "Xyzzy Eq 'x'", message: "unknown field 'Xyzzy'"},
		{name: "type hint for strings", filter: "GivenName Eq 44", message: "use a quoted string"},
		{name: "type hint for datetimes", filter: "ModificationTimestamp Gt 'x'", message: "days(-7)"},
		{name: "function needs parentheses", filter: "ModificationTimestamp Gt now", message: "now()"},
		{name: "unterminated string", filter: "GivenName Eq 'x", message: "unterminated string"},
		{name: "missing conjunction", filter: "Age Eq 1 Age Eq 2", message: "expected And, Or or Not"},
		{name: "arity", filter: "ModificationTimestamp Gt days()", message: "function days() takes one integer argument: days(-7)"},
		{name: "limit on expressions", filter: exprs(76), message: "more than 75 expressions"},
		{name: "limit on lists", filter: "Id Eq " + list(201, "'x'"), message: "more than 200 values"},
		{name: "limit on depth", filter: "(((Age Eq 1)))", message: "more than 2 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sparkql.Parse(tc.filter, testSchema, testOptions)
			e, ok := err.(*sparkql.Error)
			if !ok {
				t.Fatalf("Parse(%q) error = %v, want *sparkql.Error", tc.filter, err)
			}
			if got := e.Problems[0].Message; !strings.Contains(got, tc.message) {
				t.Errorf("Parse(%q) message = %q, want it to contain %q", tc.filter, got, tc.message)
			}
			if !strings.Contains(e.Error(), e.Problems[0].Message) {
				t.Errorf("Error() = %q, want it to contain the first message %q", e.Error(), e.Problems[0].Message)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	filter := "Emial Eq 'x' And Age Gt 'old' And VowEnabled Gt true Or ModificationTimestamp Eq days('x') And Age Gt NULL"
	_, err := sparkql.Parse(filter, testSchema, testOptions)
	e, ok := err.(*sparkql.Error)
	if !ok {
		t.Fatalf("Parse error = %v, want *sparkql.Error", err)
	}
	var got []sparkql.Problem
	for _, p := range e.Problems {
		got = append(got, sparkql.Problem{Token: p.Token, Status: p.Status, Pos: p.Pos})
	}
	want := []sparkql.Problem{
		{Token: "Emial", Status: "Dropped", Pos: 0},
		{Token: "'old'", Status: "Fatal", Pos: 24},
		{Token: "Gt", Status: "Fatal", Pos: 45},
		{Token: "days('x')", Status: "Fatal", Pos: 81},
		{Token: "NULL", Status: "Fatal", Pos: 102},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if e.Code != sparkql.CodeInvalid {
		t.Errorf("code = %d, want %d", e.Code, sparkql.CodeInvalid)
	}
	if !strings.Contains(e.Message, "and 4 more problems") {
		t.Errorf("message = %q, want it to count the other problems", e.Message)
	}
}

func TestProblemJSON(t *testing.T) {
	_, err := sparkql.Parse("Emial Eq 'x'", testSchema, testOptions)
	b, jerr := json.Marshal(err.(*sparkql.Error).Problems)
	if jerr != nil {
		t.Fatal(jerr)
	}
	got := string(b)
	want := `[{"Token":"Emial","Status":"Dropped","Message":"unknown field 'Emial' (did you mean 'PrimaryEmail'?)"}]`
	if got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
}

func TestSchemaWithInvalidType(t *testing.T) {
	_, err := sparkql.Parse("Odd Eq 1", sparkql.Schema{"Odd": sparkql.Type(99)}, testOptions)
	checkError(t, "Odd Eq 1", err, sparkql.CodeInvalid, "Odd")
}
