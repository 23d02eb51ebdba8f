package sparkql_test

import (
	"testing"

	"github.com/sparkmock/sparkmock/sparkql"
)

const benchFilter = "ModificationTimestamp Gt days(-7) And (Tags Eq 'vip','buyer' Or tolower(DisplayName) Eq contains('smith')) Not VowEnabled Eq false"

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sparkql.Parse(benchFilter, testSchema, testOptions); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	benchmarks := []struct {
		name   string
		filter string
	}{
		{name: "typical", filter: benchFilter},
		{name: "string eq", filter: "GivenName Eq 'Ann'"},
		{name: "incremental export", filter: "ModificationTimestamp Gt 2024-01-24T00:00:00"},
		{name: "datetime vs date", filter: "ModificationTimestamp Eq 2024-01-31"},
		{name: "date field", filter: "Birthday Lt years(-40)"},
		{name: "tags", filter: "Tags Ne 'x','y','seller'"},
		{name: "tolower contains", filter: "tolower(DisplayName) Eq contains('smith')"},
		{name: "list of 200", filter: "HomeLocality Eq " + list(200, "'Fargo'")},
		{name: "numbers", filter: "Age Bt 30,40.5 Or Score Gt 4"},
		{name: "null", filter: "HomeLocality Eq NULL Or Age Ne NULL"},
	}
	for _, bm := range benchmarks {
		q, err := sparkql.Parse(bm.filter, testSchema, testOptions)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				q.Match(testRecords[i%len(testRecords)].rec)
			}
		})
	}
}

// TestMatchDoesNotAllocate pins the performance promise of Match in the common cases.
func TestMatchDoesNotAllocate(t *testing.T) {
	for _, f := range []string{benchFilter, "ModificationTimestamp Eq 2024-01-31", "Tags Eq 'vip'", "tolower(DisplayName) Eq endswith('smith')", "HomeLocality Eq " + list(200, "'Fargo'"), "Age Gt 1.5", "Birthday Ne NULL"} {
		q, err := sparkql.Parse(f, testSchema, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range testRecords {
			if got := testing.AllocsPerRun(100, func() { q.Match(r.rec) }); got != 0 {
				t.Errorf("Match(%s) on %s allocates %v times, want 0", f, r.name, got)
			}
		}
	}
}
