package contracttest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUniqueStringsSkipsCaseTwins(t *testing.T) {
	rows := []contact{
		{obj: map[string]any{"PrimaryEmail": "a@x.com", "Tags": []any{"VIP", "Hot"}}},
		{obj: map[string]any{"PrimaryEmail": "A@x.com", "Tags": []any{"vip"}}},
		{obj: map[string]any{"PrimaryEmail": "b@x.com", "Tags": []any{"Hot", " padded"}}},
		{obj: map[string]any{}},
	}
	tests := []struct {
		name      string
		field     string
		list      bool
		want      []string
		wantCount map[string]int
	}{
		{name: "strings", field: "PrimaryEmail", want: []string{"b@x.com"}},
		{name: "list elements", field: "Tags", list: true, want: []string{"Hot"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, count := uniqueStrings(rows, tc.field, tc.list)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			for _, v := range got {
				if count[v] == 0 {
					t.Errorf("%q has no count", v)
				}
			}
		})
	}
}

func TestPartialCasesJudgeOnlyContactsWithTheField(t *testing.T) {
	fc := &filterCase{partial: []string{"PrimaryEmail", "Tags"}}
	tests := []struct {
		name string
		obj  map[string]any
		want bool
	}{
		{name: "both present", obj: map[string]any{"PrimaryEmail": "a@x.com", "Tags": []any{"x"}}, want: true},
		{name: "no email", obj: map[string]any{"Tags": []any{"x"}}, want: false},
		{name: "empty tag list", obj: map[string]any{"PrimaryEmail": "a@x.com", "Tags": []any{}}, want: false},
		{name: "null", obj: map[string]any{"PrimaryEmail": nil, "Tags": []any{"x"}}, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fc.judged(tc.obj); got != tc.want {
				t.Errorf("judged: got %v, want %v", got, tc.want)
			}
		})
	}
}
