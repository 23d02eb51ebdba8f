package mockserver

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"
)

// TestOrderWindowIsThePrefixOfTheFullSort: the heap selection and the full sort agree on
// every window, for every kind of key, on the default data.
func TestOrderWindowIsThePrefixOfTheFullSort(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := s.world().store
	list := st.snapshot(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)).allList(0)
	orders := []string{"-ModificationTimestamp", "-ModificationTimestamp,Id", "-ModificationTimestamp,-Id", "DisplayName", "-FamilyName,Id", "OwnerId,-ModificationTimestamp", "-VowEnabled,HomeRegion", "Birthday", "-Id"}
	r := rand.New(rand.NewSource(1))
	for _, o := range orders {
		keys, err := parseOrder(o, s.fields)
		if err != nil {
			t.Fatal(err)
		}
		full := st.orderWindow(list, keys, len(list))
		if len(full) != len(list) {
			t.Fatalf("%s: full order has %d of %d", o, len(full), len(list))
		}
		for _, need := range []int{1, 2, 10, 25, 26, 100, 151, len(list) / 4, len(list)/4 + 1, len(list) - 1, r.Intn(len(list)) + 1} {
			got := st.orderWindow(list, keys, need)
			if !slices.Equal(got, full[:need]) {
				t.Fatalf("%s, window of %d: differs from the full sort's prefix", o, need)
			}
		}
		// The order is total: Id breaks every tie, so no two neighbours compare equal.
		for i := 1; i < len(full); i++ {
			if full[i-1].id == full[i].id {
				t.Fatalf("%s: %s twice", o, full[i].id)
			}
		}
		t.Run(fmt.Sprint(o), func(t *testing.T) {})
	}
}
