package sparkql_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/sparkql"
)

func decode(t *testing.T, s string, useNumber bool) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	if useNumber {
		d.UseNumber()
	}
	var obj map[string]any
	if err := d.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestJSONRecord(t *testing.T) {
	tests := []struct {
		name      string
		json      string
		useNumber bool
		field     string
		want      any // nil means absent
	}{
		{name: "string", json: `{"GivenName":"Ann"}`, field: "GivenName", want: "Ann"},
		{name: "absent key", json: `{"GivenName":"Ann"}`, field: "FamilyName"},
		{name: "null is absent", json: `{"GivenName":null}`, field: "GivenName"},
		{name: "key not in schema", json: `{"Extra":"x"}`, field: "Extra"},
		{name: "number for a string is absent", json: `{"GivenName":5}`, field: "GivenName"},
		{name: "timestamp with offset", json: `{"ModificationTimestamp":"2012-06-14T14:49:13-05:00"}`, field: "ModificationTimestamp", want: ts("2012-06-14T19:49:13Z")},
		{name: "timestamp with Z and fraction", json: `{"ModificationTimestamp":"2012-06-14T19:49:13.123Z"}`, field: "ModificationTimestamp", want: ts("2012-06-14T19:49:13.123Z")},
		{name: "timestamp with offset without colon", json: `{"ModificationTimestamp":"2012-06-14T14:49:13-0500"}`, field: "ModificationTimestamp", want: ts("2012-06-14T19:49:13Z")},
		{name: "timestamp with seven fraction digits", json: `{"ModificationTimestamp":"2012-06-14T14:49:13.1234567-05:00"}`, field: "ModificationTimestamp", want: ts("2012-06-14T19:49:13.1234567Z")},
		{name: "timestamp without zone is in loc", json: `{"ModificationTimestamp":"2012-02-17T13:47:23"}`, field: "ModificationTimestamp", want: ts("2012-02-17T19:47:23Z")},
		{name: "date for a timestamp is absent", json: `{"ModificationTimestamp":"2012-06-14"}`, field: "ModificationTimestamp"},
		{name: "garbage timestamp is absent", json: `{"ModificationTimestamp":"yesterday"}`, field: "ModificationTimestamp"},
		{name: "invalid timestamp is absent", json: `{"ModificationTimestamp":"2012-02-30T00:00:00Z"}`, field: "ModificationTimestamp"},
		{name: "date", json: `{"Birthday":"1980-05-01"}`, field: "Birthday", want: day(1980, 5, 1)},
		{name: "datetime for a date is absent", json: `{"Birthday":"1980-05-01T00:00:00Z"}`, field: "Birthday"},
		{name: "tags", json: `{"Tags":["vip","buyer"]}`, field: "Tags", want: []string{"vip", "buyer"}},
		{name: "empty tags", json: `{"Tags":[]}`, field: "Tags", want: []string{}},
		{name: "tags with a number are absent", json: `{"Tags":["vip",1]}`, field: "Tags"},
		{name: "tags as a string are absent", json: `{"Tags":"vip"}`, field: "Tags"},
		{name: "integer", json: `{"Age":44}`, field: "Age", want: int64(44)},
		{name: "fractional integer is absent", json: `{"Age":44.5}`, field: "Age"},
		{name: "integer as a string is absent", json: `{"Age":"44"}`, field: "Age"},
		{name: "integer with UseNumber", json: `{"Age":9007199254740993}`, useNumber: true, field: "Age", want: int64(9007199254740993)},
		{name: "decimal", json: `{"Score":4.5}`, field: "Score", want: 4.5},
		{name: "decimal with UseNumber", json: `{"Score":4.5}`, useNumber: true, field: "Score", want: 4.5},
		{name: "boolean", json: `{"VowEnabled":true}`, field: "VowEnabled", want: true},
		{name: "string for a boolean is absent", json: `{"VowEnabled":"true"}`, field: "VowEnabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sparkql.JSONRecord(decode(t, tc.json, tc.useNumber), testSchema, chicago)
			got, ok := r.Value(tc.field)
			if tc.want == nil {
				if ok {
					t.Errorf("Value(%q) = %#v, true; want absent", tc.field, got)
				}
				return
			}
			if !ok {
				t.Fatalf("Value(%q) absent, want %#v", tc.field, tc.want)
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("Value(%q) (-got +want):\n%s", tc.field, diff)
			}
		})
	}
}

func TestJSONRecordMatch(t *testing.T) {
	page := `[
		{"Id":"20120614194913668760000000","DisplayName":"Ann","Tags":["vip"],"ModificationTimestamp":"2012-06-14T14:49:13-05:00","VowEnabled":true},
		{"Id":"201206141949136687600001","DisplayName":"Bob","ModificationTimestamp":"2012-06-15T00:30:00-05:00"},
		{"Id":"3","Tags":[],"ModificationTimestamp":"not a time"}
	]`
	var objs []map[string]any
	if err := json.Unmarshal([]byte(page), &objs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter string
		want   []string
	}{
		{name: "tags", filter: "Tags Eq 'vip'", want: []string{"20120614194913668760000000"}},
		{name: "tags absent or empty", filter: "Tags Ne 'vip'", want: []string{"3"}},
		{name: "timestamp day in Chicago", filter: "ModificationTimestamp Eq 2012-06-15", want: []string{"201206141949136687600001"}},
		{name: "unparseable timestamp is NULL", filter: "ModificationTimestamp Eq NULL", want: []string{"3"}},
		{name: "incremental export", filter: "ModificationTimestamp Gt 2012-06-14T14:49:13", want: []string{"201206141949136687600001"}},
		{name: "absent boolean", filter: "VowEnabled Ne true", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, sparkql.Options{Location: chicago})
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.filter, err)
			}
			var got []string
			for _, o := range objs {
				if q.Match(sparkql.JSONRecord(o, testSchema, chicago)) {
					got = append(got, o["Id"].(string))
				}
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("matching ids (-got +want):\n%s", diff)
			}
		})
	}
}

func TestJSONRecordNilLocationIsUTC(t *testing.T) {
	r := sparkql.JSONRecord(map[string]any{"ModificationTimestamp": "2012-02-17T13:47:23"}, testSchema, nil)
	got, _ := r.Value("ModificationTimestamp")
	if want := time.Date(2012, 2, 17, 13, 47, 23, 0, time.UTC); !got.(time.Time).Equal(want) {
		t.Errorf("Value = %v, want %v", got, want)
	}
}
