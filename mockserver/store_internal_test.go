package mockserver

import (
	"context"
	"math/rand"
	"slices"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
)

// ownList returns the contacts of one account in listLess order.
func (sn snapshot) ownList(ord int) []entry { return sn.ownTimed(ord).list }

// TestListsHoldForTheirWholeSpan: a list reused for another time is exactly the list a fresh
// store builds at that time, and the span ends where the data really changes.
func TestListsHoldForTheirWholeSpan(t *testing.T) {
	cfg := DefaultConfig()
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Spec = doc // loaded once for the many fresh servers below
	cached, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := cached.world().store
	r := rand.New(rand.NewSource(1))
	base := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC).Unix()
	reused := 0
	for i := 0; i < 120; i++ {
		// Mostly nearby times, so spans are hit; sometimes far ones.
		t0 := base + r.Int63n(40*24*3600) - 20*24*3600
		if i%10 == 0 {
			t0 = base - r.Int63n(15*365*24*3600)
		}
		fresh, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fs := fresh.world().store
		for ord := range cs.books {
			for _, all := range []bool{false, true} {
				var got []entry
				var span *timedList
				if all {
					got = snapshot{t: t0, store: cs}.allList(ord)
				} else {
					span = snapshot{t: t0, store: cs}.ownTimed(ord)
					got = span.list
				}
				var want []entry
				if all {
					want = snapshot{t: t0, store: fs}.allList(ord)
				} else {
					want = snapshot{t: t0, store: fs}.ownList(ord)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("account %d (all %v) at %d: the cached list differs from a fresh one", ord, all, t0)
				}
				if span != nil && span.from != t0 {
					reused++
				}
				if span != nil && span.until < 1<<62 {
					// At until something changes: a fresh list there differs.
					after := snapshot{t: span.until, store: fs}.ownList(ord)
					if slices.Equal(after, got) {
						t.Fatalf("account %d: nothing changed at the end of the span %d", ord, span.until)
					}
				}
			}
		}
	}
	if reused == 0 {
		t.Error("no list was ever reused: the test proves nothing")
	}
}
