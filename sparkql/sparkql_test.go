package sparkql_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests use America/Chicago whatever the machine has

	"github.com/sparkmock/sparkmock/sparkql"
)

var chicago = mustLoad("America/Chicago")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testSchema is a contact schema with one field of every type.
var testSchema = sparkql.Schema{
	"Id":                    sparkql.String,
	"DisplayName":           sparkql.String,
	"GivenName":             sparkql.String,
	"FamilyName":            sparkql.String,
	"PrimaryEmail":          sparkql.String,
	"SecondaryEmail":        sparkql.String,
	"HomeLocality":          sparkql.String,
	"HomeRegion":            sparkql.String,
	"Tags":                  sparkql.StringList,
	"ModificationTimestamp": sparkql.DateTime,
	"VowEnabled":            sparkql.Boolean,
	"Birthday":              sparkql.Date,
	"Age":                   sparkql.Integer,
	"Score":                 sparkql.Decimal,
}

// testOptions: noon in Chicago on 2024-01-31, so days(0) is 2024-01-31 and days(-7) 2024-01-24.
var testOptions = sparkql.Options{
	Now:      time.Date(2024, 1, 31, 18, 0, 0, 0, time.UTC),
	Location: chicago,
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, chicago) }

// testRecords are matched by every valid case; a case lists the names of those it matches.
// b's timestamp is on Jan 31 in UTC but Jan 30 in Chicago; c lacks several fields.
var testRecords = []struct {
	name string
	rec  sparkql.MapRecord
}{
	{"a", sparkql.MapRecord{
		"Id": "20120614194913668760000000", "DisplayName": "Ann Smith", "GivenName": "Ann", "FamilyName": "Smith",
		"PrimaryEmail": "ann@example.com", "HomeLocality": "Fargo", "HomeRegion": "ND",
		"Tags": []string{"vip", "buyer"}, "ModificationTimestamp": ts("2024-01-31T13:45:00-06:00"),
		"VowEnabled": true, "Birthday": day(1980, 5, 1), "Age": int64(44), "Score": 4.5,
	}},
	{"b", sparkql.MapRecord{
		"Id": "201206141949136687600000", "DisplayName": "bob jones", "GivenName": "Bob", "FamilyName": "Jones",
		"PrimaryEmail": "BOB@EXAMPLE.COM", "HomeLocality": "Moorhead", "HomeRegion": "MN",
		"Tags": []string{}, "ModificationTimestamp": ts("2024-01-30T23:30:00-06:00"),
		"VowEnabled": false, "Age": int64(30), "Score": 3.0,
	}},
	{"c", sparkql.MapRecord{
		"Id": "3", "DisplayName": "Cé O'Neil", "GivenName": "Cé", "FamilyName": "O'Neil",
		"Tags": []string{"seller", "VIP"}, "ModificationTimestamp": ts("2024-01-24T00:00:00-06:00"),
		"Birthday": day(1990, 12, 31), "Score": -1.25,
	}},
}

type parseCase struct {
	name   string
	filter string
	// For a valid filter: the records it matches, and its canonical text ("" means the filter itself).
	match string
	canon string
	// For an invalid filter: the error code and the Token of the first problem.
	code  int
	token string
}

func list(n int, last string) string {
	vals := make([]string, 0, n)
	for i := 0; i < n-1; i++ {
		vals = append(vals, fmt.Sprintf("'v%d'", i))
	}
	return strings.Join(append(vals, last), ",")
}

func exprs(n int) string {
	e := make([]string, n)
	for i := range e {
		e[i] = "Age Gt 0"
	}
	return strings.Join(e, " Or ")
}

var parseCases = []parseCase{
	// Strings.
	{name: "eq string", filter: "GivenName Eq 'Ann'", match: "a"},
	{name: "ne string, missing field fails", filter: "HomeLocality Ne 'Fargo'", match: "b"},
	{name: "ne string", filter: "GivenName Ne 'Ann'", match: "bc"},
	{name: "eq is case-sensitive", filter: "GivenName Eq 'ann'", match: ""},
	{name: "gt string", filter: "GivenName Gt 'Ann'", match: "bc"},
	{name: "ge string", filter: "GivenName Ge 'Bob'", match: "bc"},
	{name: "lt string", filter: "GivenName Lt 'Bob'", match: "a"},
	{name: "le string", filter: "GivenName Le 'Bob'", match: "ab"},
	{name: "bt string inclusive", filter: "GivenName Bt 'Ann','Bob'", match: "ab"},
	{name: "gt is byte-wise past ASCII", filter: "GivenName Gt 'Cz'", match: "c"},
	{name: "eq list is any of", filter: "HomeLocality Eq 'Fargo','Moorhead'", match: "ab"},
	{name: "ne list is none of", filter: "HomeLocality Ne 'Fargo','Bismarck'", match: "b"},
	{name: "ne of absent value fails on missing field", filter: "HomeLocality Ne 'Bismarck'", match: "ab"},
	{name: "eq null is missing", filter: "HomeLocality Eq NULL", match: "c"},
	{name: "ne null is present", filter: "HomeLocality Ne NULL", match: "ab"},
	{name: "null lower case", filter: "HomeLocality Eq null", canon: "HomeLocality Eq NULL", match: "c"},
	{name: "null mixed case", filter: "HomeLocality eq Null", canon: "HomeLocality Eq NULL", match: "c"},
	{name: "escaped quote", filter: `FamilyName Eq 'O\'Neil'`, match: "c"},
	{name: "escaped backslash", filter: `FamilyName Eq 'a\\b'`, match: ""},
	{name: "other backslash kept", filter: `FamilyName Eq 'O\Neil'`, canon: `FamilyName Eq 'O\\Neil'`, match: ""},
	{name: "empty string", filter: "GivenName Eq ''", match: ""},
	{name: "non-ASCII string", filter: "GivenName Eq 'Cé'", match: "c"},
	{name: "string with spaces and parens", filter: "DisplayName Eq 'Ann Smith','(x) And y'", match: "a"},
	{name: "digits id as string", filter: "Id Eq '20120614194913668760000000'", match: "a"},
	{name: "24-digit id", filter: "Id Eq '201206141949136687600000'", match: "b"},
	{name: "list of 200 values", filter: "HomeLocality Eq " + list(200, "'Fargo'"), match: "a"},
	{name: "ne list of 200 values", filter: "HomeLocality Ne " + list(200, "'Fargo'"), match: "b"},

	// String functions.
	{name: "contains", filter: "DisplayName Eq contains('Smith')", match: "a"},
	{name: "ne contains", filter: "DisplayName Ne contains('Smith')", match: "bc"},
	{name: "startswith", filter: "DisplayName Eq startswith('bob')", match: "b"},
	{name: "endswith", filter: "DisplayName Eq endswith('Neil')", match: "c"},
	{name: "contains empty matches every present value", filter: "DisplayName Eq contains('')", match: "abc"},
	{name: "contains mixed with literal in a list", filter: "DisplayName Eq contains('zz'),'bob jones'", match: "b"},
	{name: "contains is case-sensitive", filter: "DisplayName Eq contains('smith')", match: ""},
	{name: "function name case-insensitive", filter: "DisplayName Eq Contains('Smith')", canon: "DisplayName Eq contains('Smith')", match: "a"},
	{name: "startswith on missing field", filter: "PrimaryEmail Eq startswith('')", match: "ab"},
	{name: "tolower field eq", filter: "tolower(DisplayName) Eq 'bob jones'", match: "b"},
	{name: "tolower field contains", filter: "tolower(DisplayName) Eq contains('smith')", match: "a"},
	{name: "tolower field endswith", filter: "tolower(PrimaryEmail) Eq endswith('@example.com')", match: "ab"},
	{name: "tolower field startswith keeps literal case", filter: "tolower(GivenName) Eq startswith('C')", match: ""},
	{name: "toupper field", filter: "toupper(PrimaryEmail) Eq 'ANN@EXAMPLE.COM'", match: "a"},
	{name: "toupper non-ASCII", filter: "toupper(GivenName) Eq 'CÉ'", match: "c"},
	{name: "tolower field gt", filter: "tolower(GivenName) Gt 'ann'", match: "bc"},
	{name: "tolower field ne", filter: "tolower(GivenName) Ne 'ann','bob'", match: "c"},
	{name: "tolower upper-case name", filter: "TOLOWER(GivenName) Eq 'ann'", canon: "tolower(GivenName) Eq 'ann'", match: "a"},
	{name: "tolower on the value side", filter: "DisplayName Eq tolower('BOB JONES')", match: "b"},
	{name: "toupper on the value side", filter: "GivenName Eq toupper('bob')", match: ""},
	{name: "spaces inside a call", filter: "DisplayName Eq contains ( 'Smith' )", canon: "DisplayName Eq contains('Smith')", match: "a"},

	// StringList.
	{name: "tags eq is any element", filter: "Tags Eq 'vip'", match: "a"},
	{name: "tags ne is no element", filter: "Tags Ne 'vip'", match: "bc"},
	{name: "tags eq list", filter: "Tags Eq 'vip','seller'", match: "ac"},
	{name: "tags ne list", filter: "Tags Ne 'vip','seller'", match: "b"},
	{name: "tags eq null: empty list is present", filter: "Tags Eq NULL", match: ""},
	{name: "tags ne null", filter: "Tags Ne NULL", match: "abc"},
	{name: "tags contains", filter: "Tags Eq contains('ell')", match: "c"},
	{name: "tolower tags", filter: "tolower(Tags) Eq 'vip'", match: "ac"},

	// Integer.
	{name: "eq integer", filter: "Age Eq 44", match: "a"},
	{name: "ne integer", filter: "Age Ne 44", match: "b"},
	{name: "gt integer", filter: "Age Gt 30", match: "a"},
	{name: "ge integer", filter: "Age Ge 30", match: "ab"},
	{name: "lt integer", filter: "Age Lt 44", match: "b"},
	{name: "le integer", filter: "Age Le 44", match: "ab"},
	{name: "bt integer inclusive", filter: "Age Bt 30,40", match: "b"},
	{name: "bt low above high matches nothing", filter: "Age Bt 50,10", match: ""},
	{name: "eq integer list", filter: "Age Eq 30,44", match: "ab"},
	{name: "plus sign", filter: "Age Eq +44", match: "a"},
	{name: "negative integer", filter: "Age Gt -1", match: "ab"},
	{name: "leading zeros", filter: "Age Eq 044", match: "a"},
	{name: "decimal on integer field", filter: "Age Gt 43.5", match: "a"},
	{name: "whole decimal equals integer", filter: "Age Eq 44.0", match: "a"},
	{name: "integer eq null", filter: "Age Eq NULL", match: "c"},

	// Decimal.
	{name: "eq decimal", filter: "Score Eq 4.5", match: "a"},
	{name: "integer on decimal field", filter: "Score Eq 3", match: "b"},
	{name: "lt decimal", filter: "Score Lt 0", match: "c"},
	{name: "gt negative decimal", filter: "Score Gt -1.25", match: "ab"},
	{name: "ge negative decimal", filter: "Score Ge -1.25", match: "abc"},
	{name: "bt mixed numbers", filter: "Score Bt -2,3.0", match: "bc"},
	{name: "exponent", filter: "Score Eq 4.5E0", match: "a"},
	{name: "negative exponent", filter: "Score Lt -1.0e-2", match: "c"},
	{name: "ne decimal list", filter: "Score Ne 3,4.5", match: "c"},

	// Boolean.
	{name: "eq true", filter: "VowEnabled Eq true", match: "a"},
	{name: "eq false", filter: "VowEnabled Eq false", match: "b"},
	{name: "ne true fails on missing", filter: "VowEnabled Ne true", match: "b"},
	{name: "TRUE", filter: "VowEnabled Eq TRUE", canon: "VowEnabled Eq true", match: "a"},
	{name: "False", filter: "VowEnabled Eq False", canon: "VowEnabled Eq false", match: "b"},
	{name: "boolean eq null", filter: "VowEnabled Eq NULL", match: "c"},
	{name: "boolean ne null", filter: "VowEnabled Ne NULL", match: "ab"},
	{name: "boolean list", filter: "VowEnabled Eq true,false", match: "ab"},

	// DateTime against datetimes: instants.
	{name: "datetime eq offset", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00-06:00", match: "a"},
	{name: "datetime eq Z", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00Z", match: "a"},
	{name: "datetime without zone is in Location", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00", match: "a"},
	{name: "datetime offset without colon", filter: "ModificationTimestamp Eq 2024-01-31T14:45:00-0500", match: "a"},
	{name: "datetime positive offset", filter: "ModificationTimestamp Eq 2024-01-31T20:45:00+0100", match: "a"},
	{name: "datetime positive offset with colon", filter: "ModificationTimestamp Eq 2024-02-01T01:15:00+05:30", match: "a"},
	{name: "datetime fraction", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00.000-06:00", match: "a"},
	{name: "datetime microseconds differ", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00.000001-06:00", match: ""},
	{name: "datetime fraction past nanoseconds", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00.0000000001Z", match: "a"},
	{name: "datetime without seconds", filter: "ModificationTimestamp Eq 2024-01-31T13:45", match: "a"},
	{name: "datetime gt", filter: "ModificationTimestamp Gt 2024-01-31T13:45:00-06:00", match: ""},
	{name: "datetime ge", filter: "ModificationTimestamp Ge 2024-01-31T13:45:00-06:00", match: "a"},
	{name: "datetime lt", filter: "ModificationTimestamp Lt 2024-01-30T23:30:00-06:00", match: "c"},
	{name: "datetime le", filter: "ModificationTimestamp Le 2024-01-30T23:30:00-06:00", match: "bc"},
	{name: "datetime bt", filter: "ModificationTimestamp Bt 2024-01-24T00:00:00-06:00,2024-01-30T23:30:00-06:00", match: "bc"},
	{name: "datetime ne", filter: "ModificationTimestamp Ne 2024-01-31T19:45:00Z", match: "bc"},

	// DateTime against dates: calendar days in Location.
	{name: "date eq takes the whole day", filter: "ModificationTimestamp Eq 2024-01-31", match: "a"},
	{name: "date eq in Location, not UTC", filter: "ModificationTimestamp Eq 2024-01-30", match: "b"},
	{name: "date gt is a later day", filter: "ModificationTimestamp Gt 2024-01-30", match: "a"},
	{name: "date ge", filter: "ModificationTimestamp Ge 2024-01-30", match: "ab"},
	{name: "date lt", filter: "ModificationTimestamp Lt 2024-01-30", match: "c"},
	{name: "date le is up to the end of the day", filter: "ModificationTimestamp Le 2024-01-30", match: "bc"},
	{name: "date bt", filter: "ModificationTimestamp Bt 2024-01-24,2024-01-30", match: "bc"},
	{name: "date ne", filter: "ModificationTimestamp Ne 2024-01-31", match: "bc"},
	{name: "date list", filter: "ModificationTimestamp Eq 2024-01-24,2024-01-31", match: "ac"},
	{name: "bt date and datetime", filter: "ModificationTimestamp Bt 2024-01-30,2024-01-31T13:45:00-06:00", match: "ab"},

	// Clock functions (Now is 2024-01-31 12:00 in Chicago).
	{name: "gt days", filter: "ModificationTimestamp Gt days(-7)", match: "ab"},
	{name: "ge days", filter: "ModificationTimestamp Ge days(-7)", match: "abc"},
	{name: "eq days(0) is today", filter: "ModificationTimestamp Eq days(0)", match: "a"},
	{name: "eq days(-1)", filter: "ModificationTimestamp Eq days(-1)", match: "b"},
	{name: "days with plus", filter: "ModificationTimestamp Gt days(+0)", match: ""},
	{name: "Days capitalised", filter: "ModificationTimestamp Gt Days(-7)", canon: "ModificationTimestamp Gt days(-7)", match: "ab"},
	{name: "lt now", filter: "ModificationTimestamp Lt now()", match: "bc"},
	{name: "NOW", filter: "ModificationTimestamp Lt NOW()", canon: "ModificationTimestamp Lt now()", match: "bc"},
	{name: "gt hours", filter: "ModificationTimestamp Gt hours(-6)", match: "a"},
	{name: "gt minutes", filter: "ModificationTimestamp Gt minutes(-30)", match: "a"},
	{name: "lt seconds", filter: "ModificationTimestamp Lt seconds(-90)", match: "bc"},
	{name: "gt months", filter: "ModificationTimestamp Gt months(-1)", match: "abc"},
	{name: "lt years", filter: "ModificationTimestamp Lt years(-1)", match: ""},
	{name: "bt days and now", filter: "ModificationTimestamp Bt days(-1),now()", match: "b"},

	// Date field.
	{name: "date field eq", filter: "Birthday Eq 1980-05-01", match: "a"},
	{name: "date field gt", filter: "Birthday Gt 1980-05-01", match: "c"},
	{name: "date field le", filter: "Birthday Le 1990-12-31", match: "ac"},
	{name: "date field bt", filter: "Birthday Bt 1980-01-01,1985-12-31", match: "a"},
	{name: "date field null", filter: "Birthday Eq NULL", match: "b"},
	{name: "date field lt years", filter: "Birthday Lt years(-40)", match: "a"},
	{name: "date field lt now", filter: "Birthday Lt now()", match: "ac"},
	{name: "date field with datetime uses its day in Location", filter: "Birthday Eq 1980-05-01T23:00:00Z", match: "a"},

	// Keywords are case-insensitive.
	{name: "lower-case keywords", filter: "GivenName eq 'Ann' and Age gt 40", canon: "GivenName Eq 'Ann' And Age Gt 40", match: "a"},
	{name: "upper-case keywords", filter: "GivenName EQ 'Ann' OR GivenName NE 'Ann'", canon: "GivenName Eq 'Ann' Or GivenName Ne 'Ann'", match: "abc"},
	{name: "upper-case NOT", filter: "NOT GivenName Eq 'Ann'", canon: "Not GivenName Eq 'Ann'", match: "bc"},
	{name: "mixed-case BT", filter: "Age bT 30,40", canon: "Age Bt 30,40", match: "b"},
	{name: "ge le lower-case", filter: "Age ge 30 and Age le 40", canon: "Age Ge 30 And Age Le 40", match: "b"},

	// Precedence and Not.
	{name: "and binds tighter than or", filter: "GivenName Eq 'Ann' Or GivenName Eq 'Bob' And Age Lt 40", match: "ab"},
	{name: "parentheses override", filter: "(GivenName Eq 'Ann' Or GivenName Eq 'Bob') And Age Lt 40", match: "b"},
	{name: "and then or", filter: "Age Lt 40 And GivenName Eq 'Bob' Or GivenName Eq 'Cé'", match: "bc"},
	{name: "infix not", filter: "HomeRegion Ne NULL Not GivenName Eq 'Ann'", match: "b"},
	{name: "infix not binds tighter than or", filter: "GivenName Eq 'Cé' Or HomeRegion Ne NULL Not GivenName Eq 'Ann'", match: "bc"},
	{name: "infix not then or", filter: "GivenName Eq 'Ann' Not Age Gt 50 Or Tags Eq 'seller'", match: "ac"},
	{name: "prefix not takes one expression", filter: "Not GivenName Eq 'Ann' And Age Gt 0", match: "b"},
	{name: "not of a group", filter: "Not (GivenName Eq 'Ann' Or Age Gt 0)", match: "c"},
	{name: "not not", filter: "Not Not GivenName Eq 'Ann'", match: "a"},
	{name: "and not", filter: "GivenName Ne 'Cé' And Not Age Gt 40", match: "b"},
	{name: "not of a failed comparison on a missing field", filter: "Not Age Gt 40", match: "bc"},
	{name: "not ne", filter: "Not HomeLocality Ne 'Fargo'", match: "ac"},
	{name: "infix not of not", filter: "Age Ne NULL Not Not Age Eq 30", match: "b"},
	{name: "or not", filter: "Age Eq 44 Or Not Age Ne NULL", match: "ac"},

	// Parentheses and whitespace.
	{name: "depth 2 is allowed", filter: "((GivenName Eq 'Ann'))", match: "a"},
	{name: "depth 2 nested in a conjunction", filter: "(GivenName Eq 'Ann' Or (Age Lt 40 And Age Gt 0)) And HomeRegion Ne NULL", match: "ab"},
	{name: "sibling groups", filter: "(GivenName Eq 'Ann') Or (GivenName Eq 'Bob')", match: "ab"},
	{name: "whitespace normalised", filter: "  GivenName   Eq\t'Ann'\r\n", canon: "GivenName Eq 'Ann'", match: "a"},
	{name: "string touching And", filter: "GivenName Eq 'Ann'And Age Gt 1", canon: "GivenName Eq 'Ann' And Age Gt 1", match: "a"},
	{name: "spaces around commas", filter: "Age Eq 30 , 44", canon: "Age Eq 30,44", match: "ab"},
	{name: "parentheses without spaces", filter: "(Age Eq 30)Or(Age Eq 44)", canon: "(Age Eq 30) Or (Age Eq 44)", match: "ab"},
	{name: "75 expressions", filter: exprs(75), match: "ab"},

	// Limits: 1041.
	{name: "depth 3 fails", filter: "(((GivenName Eq 'Ann')))", code: 1041, token: "("},
	{name: "depth 3 in a later branch", filter: "(Age Gt 1) Or ((Age Gt 2 Or (Age Gt 3)))", code: 1041, token: "("},
	{name: "very deep nesting", filter: strings.Repeat("(", 40) + "Age Eq 1" + strings.Repeat(")", 40), code: 1041, token: "("},
	{name: "76 expressions", filter: exprs(76), code: 1041, token: "Age"},
	{name: "list of 201 values", filter: "HomeLocality Eq " + list(201, "'Fargo'"), code: 1041, token: "'Fargo'"},
	{name: "invalid beats limit", filter: "Nope Eq 1 And (((Age Eq 1)))", code: 1040, token: "Nope"},

	// Syntax errors: 1040.
	{name: "empty", filter: "", code: 1040, token: ""},
	{name: "blank", filter: "  \t\n", code: 1040, token: ""},
	{name: "unknown field", filter: "Emial Eq 'x'", code: 1040, token: "Emial"},
	{name: "lower-case field", filter: "givenName Eq 'Ann'", code: 1040, token: "givenName"},
	{name: "field names are case-sensitive", filter: "Givenname Eq 'Ann'", code: 1040, token: "Givenname"},
	{name: "unterminated string", filter: "GivenName Eq 'Ann", code: 1040, token: "'Ann"},
	{name: "unterminated after escaped quote", filter: `GivenName Eq 'Ann\'`, code: 1040, token: `'Ann\'`},
	{name: "unterminated after backslash", filter: `GivenName Eq 'Ann\`, code: 1040, token: `'Ann\`},
	{name: "garbage character", filter: "GivenName Eq 'Ann' & Age Gt 1", code: 1040, token: "&"},
	{name: "NUL byte", filter: "GivenName Eq 'Ann'\x00", code: 1040, token: "\x00"},
	{name: "invalid UTF-8", filter: "GivenName Eq 'A\xffnn'", code: 1040, token: `\xff`},
	{name: "invalid UTF-8 outside strings", filter: "\xc3GivenName Eq 'Ann'", code: 1040, token: `\xc3`},
	{name: "non-ASCII in a field name", filter: "Näme Eq 'x'", code: 1040, token: "N"},
	{name: "double-quoted custom field", filter: `"Main"."Color" Eq 'x'`, code: 1040, token: `"`},
	{name: "double-quoted string", filter: `GivenName Eq "Ann"`, code: 1040, token: `"`},
	{name: "missing operator", filter: "GivenName 'Ann'", code: 1040, token: "'Ann'"},
	{name: "unknown operator", filter: "GivenName Like 'Ann'", code: 1040, token: "Like"},
	{name: "symbolic operator", filter: "Age = 1", code: 1040, token: "="},
	{name: "missing value", filter: "GivenName Eq", code: 1040, token: ""},
	{name: "trailing And", filter: "GivenName Eq 'Ann' And", code: 1040, token: ""},
	{name: "leading And", filter: "And GivenName Eq 'Ann'", code: 1040, token: "And"},
	{name: "trailing Not", filter: "GivenName Eq 'Ann' Not", code: 1040, token: ""},
	{name: "missing conjunction", filter: "GivenName Eq 'Ann' Age Gt 1", code: 1040, token: "Age"},
	{name: "unclosed parenthesis", filter: "(GivenName Eq 'Ann'", code: 1040, token: ""},
	{name: "extra closing parenthesis", filter: "GivenName Eq 'Ann')", code: 1040, token: ")"},
	{name: "empty parentheses", filter: "()", code: 1040, token: ")"},
	{name: "operator twice", filter: "Age Eq Eq 1", code: 1040, token: "Eq"},
	{name: "trailing comma", filter: "Age Eq 1,", code: 1040, token: ""},
	{name: "leading comma", filter: "Age Eq ,1", code: 1040, token: ","},
	{name: "field as value", filter: "GivenName Eq FamilyName", code: 1040, token: "FamilyName"},
	{name: "keyword as field", filter: "Eq Eq 1", code: 1040, token: "Eq"},
	{name: "function without parentheses", filter: "ModificationTimestamp Gt now", code: 1040, token: "now"},
	{name: "literal then letters", filter: "Age Eq 44abc", code: 1040, token: "44abc"},
	{name: "number touching And", filter: "Age Eq 44And Age Gt 1", code: 1040, token: "44And"},
	{name: "decimal without fraction digits", filter: "Age Eq 1.", code: 1040, token: "1."},
	{name: "decimal without integer digits", filter: "Age Eq .5", code: 1040, token: "."},
	{name: "detached minus", filter: "Age Eq - 5", code: 1040, token: "-"},
	{name: "integer overflow", filter: "Age Eq 99999999999999999999", code: 1040, token: "99999999999999999999"},
	{name: "decimal overflow", filter: "Score Eq 1.0e999", code: 1040, token: "1.0e999"},
	{name: "time literal", filter: "ModificationTimestamp Gt 13:45:00", code: 1040, token: "13:45:00"},
	{name: "invalid day", filter: "Birthday Eq 2024-02-30", code: 1040, token: "2024-02-30"},
	{name: "invalid month", filter: "Birthday Eq 2024-13-01", code: 1040, token: "2024-13-01"},
	{name: "signed date", filter: "Birthday Eq -2024-01-01", code: 1040, token: "-2024-01-01"},
	{name: "invalid hour", filter: "ModificationTimestamp Eq 2024-01-31T24:00:00", code: 1040, token: "2024-01-31T24:00:00"},
	{name: "zone without minutes", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00-06", code: 1040, token: "2024-01-31T13:45:00-06"},
	{name: "lower-case zone", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00z", code: 1040, token: "2024-01-31T19:45:00z"},
	{name: "lower-case T", filter: "ModificationTimestamp Eq 2024-01-31t19:45:00Z", code: 1040, token: "2024-01-31t19:45:00Z"},
	{name: "empty fraction", filter: "ModificationTimestamp Eq 2024-01-31T19:45:00.Z", code: 1040, token: "2024-01-31T19:45:00.Z"},
	{name: "space in a datetime", filter: "ModificationTimestamp Eq 2024-01-31 19:45:00", code: 1040, token: "19:45:00"},

	// Type errors: 1040.
	{name: "gt with a list", filter: "Age Gt 1,2", code: 1040, token: "Gt"},
	{name: "bt with one value", filter: "Age Bt 1", code: 1040, token: "Bt"},
	{name: "bt with three values", filter: "Age Bt 1,2,3", code: 1040, token: "Bt"},
	{name: "bt on boolean", filter: "VowEnabled Bt true,false", code: 1040, token: "Bt"},
	{name: "gt on boolean", filter: "VowEnabled Gt true", code: 1040, token: "Gt"},
	{name: "gt on a list field", filter: "Tags Gt 'a'", code: 1040, token: "Gt"},
	{name: "bt on a list field", filter: "Tags Bt 'a','b'", code: 1040, token: "Bt"},
	{name: "string on integer", filter: "Age Eq '44'", code: 1040, token: "'44'"},
	{name: "number on string", filter: "GivenName Eq 44", code: 1040, token: "44"},
	{name: "digits on a string id", filter: "Id Eq 2012", code: 1040, token: "2012"},
	{name: "boolean on string", filter: "GivenName Eq true", code: 1040, token: "true"},
	{name: "string on boolean", filter: "VowEnabled Eq 'true'", code: 1040, token: "'true'"},
	{name: "number on boolean", filter: "VowEnabled Eq 1", code: 1040, token: "1"},
	{name: "date on integer", filter: "Age Eq 2024-01-31", code: 1040, token: "2024-01-31"},
	{name: "string on datetime", filter: "ModificationTimestamp Gt '2024-01-31'", code: 1040, token: "'2024-01-31'"},
	{name: "integer on datetime", filter: "ModificationTimestamp Gt 20240131", code: 1040, token: "20240131"},
	{name: "boolean on date", filter: "Birthday Eq false", code: 1040, token: "false"},
	{name: "number on a list field", filter: "Tags Eq 1", code: 1040, token: "1"},
	{name: "now on string", filter: "GivenName Eq now()", code: 1040, token: "now()"},
	{name: "days on integer", filter: "Age Gt days(1)", code: 1040, token: "days(1)"},
	{name: "contains on integer", filter: "Age Eq contains('4')", code: 1040, token: "contains('4')"},
	{name: "contains with gt", filter: "GivenName Gt contains('A')", code: 1040, token: "contains('A')"},
	{name: "endswith with bt", filter: "GivenName Bt 'a',endswith('z')", code: 1040, token: "endswith('z')"},
	{name: "null with gt", filter: "Age Gt NULL", code: 1040, token: "NULL"},
	{name: "null in a list", filter: "Age Eq 1,NULL", code: 1040, token: "NULL"},
	{name: "null in bt", filter: "Age Bt NULL,1", code: 1040, token: "NULL"},
	{name: "second of two type errors", filter: "Age Eq 1,'x'", code: 1040, token: "'x'"},

	// Function errors: 1040.
	{name: "unknown function", filter: "ModificationTimestamp Gt yesterday()", code: 1040, token: "yesterday()"},
	{name: "days without argument", filter: "ModificationTimestamp Gt days()", code: 1040, token: "days()"},
	{name: "days with a string", filter: "ModificationTimestamp Gt days('7')", code: 1040, token: "days('7')"},
	{name: "days with a decimal", filter: "ModificationTimestamp Gt days(1.5)", code: 1040, token: "days(1.5)"},
	{name: "days with two arguments", filter: "ModificationTimestamp Gt days(1,2)", code: 1040, token: "days(1,2)"},
	{name: "now with an argument", filter: "ModificationTimestamp Gt now(1)", code: 1040, token: "now(1)"},
	{name: "hours with a date", filter: "ModificationTimestamp Gt hours(2024-01-01)", code: 1040, token: "hours(2024-01-01)"},
	{name: "contains with a number", filter: "GivenName Eq contains(1)", code: 1040, token: "contains(1)"},
	{name: "contains with two strings", filter: "GivenName Eq contains('a','b')", code: 1040, token: "contains('a','b')"},
	{name: "contains with a field", filter: "GivenName Eq contains(FamilyName)", code: 1040, token: "FamilyName"},
	{name: "days out of range", filter: "ModificationTimestamp Gt days(99999999)", code: 1040, token: "days(99999999)"},
	{name: "seconds out of range", filter: "ModificationTimestamp Gt seconds(-9223372036854775808)", code: 1040, token: "seconds(-9223372036854775808)"},
	{name: "years out of range", filter: "Birthday Gt years(8000)", code: 1040, token: "years(8000)"},
	{name: "nested call", filter: "ModificationTimestamp Gt days(now())", code: 1040, token: "now"},
	{name: "unclosed call", filter: "ModificationTimestamp Gt days(1", code: 1040, token: ""},
	{name: "tolower on integer field", filter: "tolower(Age) Eq 'x'", code: 1040, token: "Age"},
	{name: "tolower of a literal on the field side", filter: "tolower('x') Eq 'x'", code: 1040, token: "tolower"},
	{name: "tolower of an unknown field", filter: "tolower(Nme) Eq 'x'", code: 1040, token: "Nme"},
	{name: "tolower as a field function with a number", filter: "tolower(GivenName) Eq 1", code: 1040, token: "1"},
	{name: "value function on the field side", filter: "days(Age) Eq 1", code: 1040, token: "days"},
	{name: "unknown function on the field side", filter: "year(ModificationTimestamp) Eq 2024", code: 1040, token: "year"},
	{name: "tolower as a value with a field", filter: "GivenName Eq tolower(FamilyName)", code: 1040, token: "FamilyName"},
	{name: "field function without parentheses", filter: "tolower GivenName Eq 'x'", code: 1040, token: "tolower"},
}

func matching(q *sparkql.Query) string {
	var got []string
	for _, r := range testRecords {
		if q.Match(r.rec) {
			got = append(got, r.name)
		}
	}
	sort.Strings(got)
	return strings.Join(got, "")
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, testOptions)
			if tc.code != 0 {
				checkError(t, tc.filter, err, tc.code, tc.token)
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error: %v, want none", tc.filter, err)
			}
			if got := matching(q); got != tc.match {
				t.Errorf("Parse(%q) matches %q, want %q", tc.filter, got, tc.match)
			}
			want := tc.canon
			if want == "" {
				want = tc.filter
			}
			if got := q.String(); got != want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.filter, got, want)
			}
		})
	}
}

// checkError checks err is an *Error with the code and first token, and that every problem's
// token is found at its position.
func checkError(t *testing.T, filter string, err error, code int, token string) {
	t.Helper()
	e, ok := err.(*sparkql.Error)
	if !ok {
		t.Fatalf("Parse(%q) error = %#v, want *sparkql.Error", filter, err)
	}
	if e.Code != code {
		t.Errorf("Parse(%q) code = %d, want %d (%v)", filter, e.Code, code, e)
	}
	if len(e.Problems) == 0 {
		t.Fatalf("Parse(%q) has no problems, want at least one", filter)
	}
	if got := e.Problems[0].Token; got != token {
		t.Errorf("Parse(%q) first token = %q, want %q (%v)", filter, got, token, e)
	}
	for _, p := range e.Problems {
		if p.Status != sparkql.StatusFatal && p.Status != sparkql.StatusDropped {
			t.Errorf("Parse(%q) problem status = %q, want Fatal or Dropped", filter, p.Status)
		}
		if p.Message == "" {
			t.Errorf("Parse(%q) problem at %d has no message", filter, p.Pos)
		}
		if strings.HasSuffix(p.Token, "…") || strings.HasPrefix(p.Token, `\x`) {
			continue
		}
		if p.Pos < 0 || p.Pos+len(p.Token) > len(filter) || filter[p.Pos:p.Pos+len(p.Token)] != p.Token {
			t.Errorf("Parse(%q) problem token %q is not at its Pos %d", filter, p.Token, p.Pos)
		}
	}
}
