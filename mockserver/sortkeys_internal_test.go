package mockserver

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

// sortTree has enough contacts for names to tie on their first bytes and to repeat, and pinned
// contacts whose names end just around a word's length (sortkeys.go).
func sortTree(t *testing.T) *fixtures.Tree {
	t.Helper()
	var y strings.Builder
	y.WriteString("epoch: 2010-01-01T00:00:00Z\nasOf: 2026-01-01T00:00:00Z\naccounts:\n")
	y.WriteString(`  - {id: "10000000000000000000000001", name: Office, type: Mls, contacts: 0}` + "\n")
	for i := range 8 {
		fmt.Fprintf(&y, "  - {id: \"1%025d\", name: Agent %d, type: Member, parent: \"10000000000000000000000001\", contacts: 1500}\n", i+2, i)
	}
	y.WriteString("contacts:\n")
	for i, name := range []string{"Michael", "Michaels", "Michael", "Michael A", "Michae", "Michaela Zed", "A", "Michael Aaron"} {
		fmt.Fprintf(&y, "  - {account: \"10000000000000000000000002\", Id: \"2025123119450%d123456000001\", DisplayName: %q, FamilyName: %q, ModificationTimestamp: 2025-12-31T13:45:0%d-06:00}\n", i, name, name, i)
	}
	tree, err := fixtures.Parse("sort.yaml", []byte(y.String()))
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestSortByWordsIsTheOrderOfRecords: sorting by words (and the full values where they tie),
// and the heap's selection by values, give the order compareEntries gives on whole records,
// for every kind of key, ascending and descending, names and other fields.
func TestSortByWordsIsTheOrderOfRecords(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tree = sortTree(t)
	ref, err := New(cfg) // generates every record, for the reference order
	if err != nil {
		t.Fatal(err)
	}
	rst := ref.world().store
	at := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	rlist := rst.snapshot(at).allList(0)
	orders := []string{"DisplayName", "-DisplayName", "FamilyName,-ModificationTimestamp", "GivenName,MiddleName,-Id",
		"-VowEnabled,HomeRegion", "Company", "PrimaryEmail", "-HomeStreetAddress", "Birthday,DisplayName", "OwnerId,DisplayName"}
	tiedRuns, namesRead := 0, 0
	// No record budget: every sort reads records (and keeps them). A budget too small for the
	// set: a sort on names alone reads names (Book.Names), not records.
	for _, budget := range []int64{0, 64 << 10} {
		for _, o := range orders {
			cfg.RecordCacheBytes = budget
			s, err := New(cfg) // a fresh store for each order: no record kept from another sort
			if err != nil {
				t.Fatal(err)
			}
			st := s.world().store
			list := st.snapshot(at).allList(0)
			keys, err := parseOrder(o, s.fields)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := st.readsNames(keys, len(list)), budget > 0 && namesOnly(keys); got != want {
				t.Fatalf("%s with a budget of %d bytes: readsNames is %v, want %v", o, budget, got, want)
			}
			if budget > 0 && namesOnly(keys) {
				namesRead++
			}
			want := slices.Clone(rlist)
			slices.SortFunc(want, func(a, b entry) int {
				return rst.compareEntries(keys, a, b, rst.record(a), rst.record(b))
			})
			pos := st.sortPositions(list, keys)
			got := make([]entry, len(pos))
			for i, p := range pos {
				got[i] = list[p]
			}
			if !slices.Equal(got, want) {
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s: position %d is %s, records say %s", o, i, got[i].id, want[i].id)
					}
				}
			}
			for _, need := range []int{1, 25, 100} { // the heap's path
				if w := st.orderWindow(list, keys, need); !slices.Equal(w, want[:need]) {
					t.Fatalf("%s: the heap's window of %d differs from the records' order", o, need)
				}
			}
			if k := keys[0]; recordKey(k.field) && k.field != fVowEnabled {
				for i := 1; i < len(want); i++ {
					a, b := valueOf(rst.record(want[i-1]), k.field), valueOf(rst.record(want[i]), k.field)
					if len(a.s) > wordBytes && len(b.s) > wordBytes && a.s[:wordBytes] == b.s[:wordBytes] {
						tiedRuns++
					}
				}
			}
		}
	}
	if namesRead == 0 {
		t.Fatal("no sort read names alone")
	}
	if tiedRuns == 0 {
		t.Fatal("no two neighbours tied on a word: the full values were never read again")
	}
}

// TestOrderRangeIsTheWindowsTail: a page read on its own (orderRange: from a sorted run, from
// the Id order, or selected) is the tail of the window that ends with it, deep pages included.
func TestOrderRangeIsTheWindowsTail(t *testing.T) {
	s, st, tl := sortEveryRun(t)
	n := len(tl.list)
	for _, o := range []string{"DisplayName", "-FamilyName,Id", "Id", "-ModificationTimestamp"} {
		keys := keysOf(t, s, o)
		for _, r := range [][2]int{{0, n}, {n / 3, n}} {
			run := tl.list[r[0]:r[1]]
			for pass := range 2 { // by selection, then from the sorted run
				for _, sk := range [][2]int{{0, 25}, {25, 50}, {len(run) - 30, len(run)}, {len(run) - 5, len(run) + 20}, {len(run) / 2, len(run)/2 + 1}} {
					got := st.orderRange(tl, run, keys, sk[0], sk[1])
					want := st.orderWindow(run, keys, sk[1])[min(sk[0], len(run)):]
					if !slices.Equal(got, want) {
						t.Fatalf("%s %v pass %d, entries %d to %d: %d entries, not the window's tail of %d", o, r, pass, sk[0], sk[1], len(got), len(want))
					}
				}
				st.sorts.Wait()
			}
		}
	}
}

// sortEveryRun returns a server on the default data whose store sorts every run asked for
// (minSortedSpan 1), and the /export/all list of its first account.
func sortEveryRun(t *testing.T) (*Server, *store, *timedList) {
	t.Helper()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := s.world().store
	st.minSortedSpan = 1
	return s, st, st.snapshot(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)).allTimed(0)
}
