package mockserver

import (
	"cmp"
	"context"
	"math/rand"
	"slices"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// advanceTree has pinned contacts that appear while the clock walks, beside generated ones.
const advanceTree = `epoch: 2025-06-01T00:00:00Z
asOf: 2026-01-01T00:00:00Z
accounts:
  - {id: "10000000000000000000000001", name: Office, type: Office, contacts: 300}
  - {id: "10000000000000000000000002", name: Agent, type: Member, parent: "10000000000000000000000001", contacts: 200}
  - {id: "10000000000000000000000003", name: Empty, type: Member, parent: "10000000000000000000000001", contacts: 0}
tokens:
  - {token: office, role: Private, account: "10000000000000000000000001"}
contacts:
  - account: "10000000000000000000000002"
    Id: "20251231194500123456000001"
    DisplayName: "Pinned One"
    ModificationTimestamp: 2025-12-31T13:45:00-06:00
  - account: "10000000000000000000000003"
    Id: "20260105194500123456000002"
    DisplayName: "Pinned Two"
    ModificationTimestamp: 2026-01-05T13:45:00-06:00
`

// TestAdvancedListsEqualFreshOnes: a store whose clock moves forward keeps its lists by
// advancing the previous ones (moving what was modified, adding what was created); at random
// times, at the exact seconds of changes and the second before them, every list (its order,
// its Id order, when its contacts next change, its span) is the one a fresh store builds.
func TestAdvancedListsEqualFreshOnes(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := fixtures.Parse("advance.yaml", []byte(advanceTree))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		tree  *fixtures.Tree
		start time.Time
	}{
		{"default", nil, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"pinned", pinned, time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Spec = doc
			cfg.Tree = tc.tree
			srv, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			cs := srv.world().store
			r := rand.New(rand.NewSource(7))
			now := tc.start.Unix()
			advanced, exact := 0, 0
			for step := 0; step < 150; step++ {
				ord := r.Intn(len(cs.books))
				// The next time: the second a list of ord changes, the second before it, a
				// few seconds to days later, now and then a year later.
				sn := snapshot{t: now, store: cs}
				until := sn.allTimed(ord).until
				switch k := r.Intn(10); {
				case k < 4 && until < 1<<62:
					now = until
					exact++
				case k < 5 && until < 1<<62 && until-1 > now:
					now = until - 1
				case k < 9:
					now += r.Int63n(5 * 24 * 3600)
				default:
					now += 365 * 24 * 3600
				}
				for o := range cs.books {
					for _, lc := range []*listCache{&cs.books[o].own, &cs.books[o].all} {
						if lc.find(now) != nil {
							continue
						}
						for _, tl := range lc.lists {
							if tl.until <= now {
								advanced++
								break
							}
						}
					}
				}
				fs, err := srv.newStore(srv.world().tree)
				if err != nil {
					t.Fatal(err)
				}
				for o := range cs.books {
					got, want := snapshot{t: now, store: cs}, snapshot{t: now, store: fs}
					equalLists(t, "own", o, now, got.ownTimed(o), want.ownTimed(o))
					equalLists(t, "all", o, now, got.allTimed(o), want.allTimed(o))
				}
			}
			t.Logf("advanced %d exact %d", advanced, exact)
			if advanced < 50 || exact < 20 {
				t.Errorf("%d lists advanced, %d exact seconds of changes: the test proves too little", advanced, exact)
			}
		})
	}
}

func equalLists(t *testing.T, kind string, ord int, now int64, got, want *timedList) {
	t.Helper()
	switch {
	case !slices.Equal(got.list, want.list):
		t.Fatalf("%s list of account %d at %d: the order differs from a fresh one", kind, ord, now)
	case !slices.Equal(got.byID, want.byID):
		t.Fatalf("%s list of account %d at %d: the Id order differs from a fresh one", kind, ord, now)
	case !slices.Equal(got.next, want.next):
		t.Fatalf("%s list of account %d at %d: the next changes differ from a fresh one", kind, ord, now)
	case got.from != want.from || got.until != want.until:
		t.Fatalf("%s list of account %d at %d: span [%d, %d), fresh [%d, %d)", kind, ord, now, got.from, got.until, want.from, want.until)
	}
}

// sortingEveryRun returns a server on the default data whose store sorts every run asked for
// (minSortedSpan 1).
func sortingEveryRun(t *testing.T) (*Server, *store) {
	t.Helper()
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := srv.world().store
	st.minSortedSpan = 1
	return srv, st
}

// TestCarriedSortedRunsEqualFreshSorts: a sorted run that reaches the end of a list (the
// incremental export's ModificationTimestamp Gt question, ordered by name) is carried onto
// the list the clock advances to, and there it is exactly a fresh sort of the new run.
func TestCarriedSortedRunsEqualFreshSorts(t *testing.T) {
	srv, st := sortingEveryRun(t)
	r := rand.New(rand.NewSource(3))
	now := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Unix()
	since := now - 400*24*3600
	carried := 0
	for _, order := range []string{"DisplayName", "-PrimaryEmail,GivenName", "OwnerId"} {
		keys := keysOf(t, srv, order)
		for step := 0; step < 40; step++ {
			tl := snapshot{t: now, store: st}.allTimed(0)
			lo, _ := slices.BinarySearchFunc(tl.list, since+1, func(e entry, t int64) int { return cmp.Compare(e.mod, t) })
			run := tl.list[lo:]
			tl.orders.mu.Lock()
			so := tl.orders.m[spanKey{order: orderText(keys), lo: lo, hi: len(tl.list)}]
			tl.orders.mu.Unlock()
			if so != nil && so.ready.Load() {
				carried++
				got := make([]entry, len(so.pos))
				for i, p := range so.pos {
					got[i] = tl.list[p]
				}
				if want := st.orderWindow(run, keys, len(run)); !slices.Equal(got, want) {
					t.Fatalf("%s at %d: the carried run differs from a fresh sort", order, now)
				}
			}
			st.orderPage(tl, run, keys, 25)
			st.sorts.Wait()
			if r.Intn(2) == 0 && tl.until < 1<<62 {
				now = tl.until
			} else {
				now += r.Int63n(3 * 24 * 3600)
			}
		}
	}
	if carried < 60 {
		t.Errorf("%d runs carried: the test proves too little", carried)
	}
}

// TestNextListIsBuiltAhead: on the wall clock, a list in use has the list that follows it
// built before its time, equal to a fresh one; a list far from the wall clock has none.
func TestNextListIsBuiltAhead(t *testing.T) {
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := srv.world().store
	st.lead, st.horizon = 100*365*24*time.Hour, 100*365*24*time.Hour // build at once
	now := time.Now().Unix()
	tl := snapshot{t: now, store: st}.allTimed(0)
	st.ahead.Wait()
	if tl.until >= 1<<62 {
		t.Fatal("the data never changes after now: the test proves nothing")
	}
	ahead := st.books[0].all.find(tl.until)
	if ahead == nil {
		t.Fatalf("no list was built ahead for %d", tl.until)
	}
	fs, err := srv.newStore(srv.world().tree)
	if err != nil {
		t.Fatal(err)
	}
	equalLists(t, "all", 0, tl.until, ahead, snapshot{t: tl.until, store: fs}.allTimed(0))

	past := snapshot{t: now - 3*365*24*3600, store: st}.allTimed(0) // ended years ago
	st.ahead.Wait()
	if past.until < now && past.ahead.Load() {
		t.Fatalf("a list that ended in the past was followed ahead")
	}
}

// TestListsAreReadWhileOneIsBuilt: a request served by a kept list does not wait for the
// build of another (a list built ahead takes a pass over every contact).
func TestListsAreReadWhileOneIsBuilt(t *testing.T) {
	var lc listCache
	st := &store{}
	kept := &timedList{from: 0, until: 10}
	lc.get(st, 5, func(*timedList) *timedList { return kept })
	lc.get(st, 20, func(prev *timedList) *timedList {
		if prev != kept {
			t.Errorf("the build was not given the list before it")
		}
		read := make(chan *timedList)
		go func() { read <- lc.find(5) }()
		select {
		case tl := <-read:
			if tl != kept {
				t.Errorf("the kept list was not found during the build")
			}
		case <-time.After(10 * time.Second): // it takes microseconds; blocked, it never comes
			t.Fatal("a kept list could not be read while another was built")
		}
		return &timedList{from: 10, until: 30}
	})
}

// TestReadySortedRunsAreFreshSorts: whatever runs were sorted on a list, those reaching its end
// and those ending before it (a ModificationTimestamp Bt question), every run ready on the
// lists the clock advances to is exactly a fresh sort of its span: a run that does not reach
// the end is not carried (it would miss the contacts after it).
func TestReadySortedRunsAreFreshSorts(t *testing.T) {
	srv, st := sortingEveryRun(t)
	keys := keysOf(t, srv, "DisplayName")
	now := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Unix()
	checked := 0
	for range 30 {
		tl := snapshot{t: now, store: st}.allTimed(0)
		tl.orders.mu.Lock()
		ready := map[spanKey]*spanOrder{}
		for key, so := range tl.orders.m {
			if so.ready.Load() {
				ready[key] = so
			}
		}
		tl.orders.mu.Unlock()
		for key, so := range ready {
			checked++
			got := make([]entry, len(so.pos))
			for i, p := range so.pos {
				got[i] = tl.list[p]
			}
			run := tl.list[key.lo:key.hi]
			if want := st.orderWindow(run, keys, len(run)); !slices.Equal(got, want) {
				t.Fatalf("run [%d, %d) of %d at %d: %d entries, not a fresh sort of its %d", key.lo, key.hi, len(tl.list), now, len(got), len(run))
			}
		}
		n := len(tl.list)
		st.orderPage(tl, tl.list[n/2:], keys, 25)
		st.sorts.Wait()
		st.orderPage(tl, tl.list[n/4:n/2], keys, 25)
		st.sorts.Wait()
		if tl.until < 1<<62 {
			now = tl.until
		} else {
			now += 3 * 24 * 3600
		}
	}
	if checked < 30 {
		t.Errorf("%d ready runs checked: the test proves too little", checked)
	}
}
