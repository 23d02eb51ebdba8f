package sparkql_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/sparkql"
)

func TestTimeBounds(t *testing.T) {
	x, y := ts("2024-01-31T13:45:00Z"), ts("2024-02-10T00:00:00Z")
	tests := []struct {
		name   string
		filter string
		field  string // "" means ModificationTimestamp
		want   sparkql.TimeRange
		ok     bool
	}{
		{name: "gt datetime", filter: "ModificationTimestamp Gt 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x}, ok: true},
		{name: "ge datetime", filter: "ModificationTimestamp Ge 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x, LoIncl: true}, ok: true},
		{name: "lt datetime", filter: "ModificationTimestamp Lt 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Hi: x}, ok: true},
		{name: "le datetime", filter: "ModificationTimestamp Le 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Hi: x, HiIncl: true}, ok: true},
		{name: "eq datetime", filter: "ModificationTimestamp Eq 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x, LoIncl: true, Hi: x, HiIncl: true}, ok: true},
		{name: "bt datetimes", filter: "ModificationTimestamp Bt 2024-01-31T13:45:00Z,2024-02-10T00:00:00Z", want: sparkql.TimeRange{Lo: x, LoIncl: true, Hi: y, HiIncl: true}, ok: true},
		{name: "eq list is its hull", filter: "ModificationTimestamp Eq 2024-02-10T00:00:00Z,2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x, LoIncl: true, Hi: y, HiIncl: true}, ok: true},
		{name: "eq date is its day in Location", filter: "ModificationTimestamp Eq 2024-01-30", want: sparkql.TimeRange{Lo: day(2024, 1, 30), LoIncl: true, Hi: day(2024, 1, 31)}, ok: true},
		{name: "gt date starts the next day", filter: "ModificationTimestamp Gt 2024-01-30", want: sparkql.TimeRange{Lo: day(2024, 1, 31), LoIncl: true}, ok: true},
		{name: "le date ends with the day", filter: "ModificationTimestamp Le 2024-01-30", want: sparkql.TimeRange{Hi: day(2024, 1, 31)}, ok: true},
		{name: "lt date", filter: "ModificationTimestamp Lt 2024-01-30", want: sparkql.TimeRange{Hi: day(2024, 1, 30)}, ok: true},
		{name: "bt days and now", filter: "ModificationTimestamp Bt days(-7),now()", want: sparkql.TimeRange{Lo: day(2024, 1, 24), LoIncl: true, Hi: testOptions.Now, HiIncl: true}, ok: true},
		{name: "conjuncts intersect", filter: "Age Gt 1 And ModificationTimestamp Ge 2024-01-31T13:45:00Z And ModificationTimestamp Lt 2024-02-10T00:00:00Z", want: sparkql.TimeRange{Lo: x, LoIncl: true, Hi: y}, ok: true},
		{name: "tighter bound wins", filter: "ModificationTimestamp Gt 2024-01-01T00:00:00Z And ModificationTimestamp Gt 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x}, ok: true},
		{name: "exclusive wins at the same instant", filter: "ModificationTimestamp Ge 2024-01-31T13:45:00Z And ModificationTimestamp Gt 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: x}, ok: true},
		{name: "through groups and infix Not", filter: "(ModificationTimestamp Gt 2024-01-31T13:45:00Z And Age Gt 1) Not ModificationTimestamp Lt 2024-02-10T00:00:00Z", want: sparkql.TimeRange{Lo: x}, ok: true},
		{name: "contradiction gives an empty range", filter: "ModificationTimestamp Gt 2024-02-10T00:00:00Z And ModificationTimestamp Lt 2024-01-31T13:45:00Z", want: sparkql.TimeRange{Lo: y, Hi: x}, ok: true},
		{name: "or gives nothing", filter: "ModificationTimestamp Gt 2024-01-31T13:45:00Z Or Age Gt 1", ok: false},
		{name: "not gives nothing", filter: "Not ModificationTimestamp Gt 2024-01-31T13:45:00Z", ok: false},
		{name: "ne gives nothing", filter: "ModificationTimestamp Ne 2024-01-31T13:45:00Z", ok: false},
		{name: "eq null gives nothing", filter: "ModificationTimestamp Eq NULL", ok: false},
		{name: "other field", filter: "Age Gt 1", ok: false},
		{name: "date field is not supported", filter: "Birthday Gt 2024-01-01", field: "Birthday", ok: false},
		{name: "unused field", filter: "Age Gt 1", field: "Nope", ok: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := sparkql.Parse(tc.filter, testSchema, testOptions)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.filter, err)
			}
			field := tc.field
			if field == "" {
				field = "ModificationTimestamp"
			}
			got, ok := q.TimeBounds(field)
			if ok != tc.ok {
				t.Fatalf("TimeBounds(%q) ok = %v, want %v", field, ok, tc.ok)
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("TimeBounds(%q) (-got +want):\n%s", field, diff)
			}
		})
	}
}

// TestTimeBoundsIsNecessary checks the documented guarantee on instants around each bound.
func TestTimeBoundsIsNecessary(t *testing.T) {
	filters := []string{
		"ModificationTimestamp Gt 2024-01-30",
		"ModificationTimestamp Le 2024-01-30",
		"ModificationTimestamp Eq 2024-01-30,2024-02-02T10:00:00Z",
		"ModificationTimestamp Bt days(-7),now() And Age Ne NULL",
		"ModificationTimestamp Gt 2024-01-31T13:45:00Z Not ModificationTimestamp Eq 2024-02-01",
		"ModificationTimestamp Lt 2024-01-31T13:45:00.5-06:00",
	}
	base := day(2024, 1, 20)
	for _, f := range filters {
		q, err := sparkql.Parse(f, testSchema, testOptions)
		if err != nil {
			t.Fatalf("Parse(%q) error: %v", f, err)
		}
		r, ok := q.TimeBounds("ModificationTimestamp")
		if !ok {
			t.Fatalf("TimeBounds for %q: ok = false, want true", f)
		}
		for m := 0; m < 20*24*60; m += 15 {
			for _, d := range []time.Duration{-time.Nanosecond, 0, time.Nanosecond, 500 * time.Millisecond} {
				at := base.Add(time.Duration(m)*time.Minute + d)
				rec := sparkql.MapRecord{"ModificationTimestamp": at, "Age": int64(1)}
				if q.Match(rec) && !r.Contains(at) {
					t.Fatalf("%q matches %v but its bounds %+v do not contain it", f, at, r)
				}
			}
		}
	}
}
