package mockserver

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
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

// TestSortedRunsAnswerAsTheSelectionDoes: once a run of a list is sorted in the background,
// pages read from it are the pages orderWindow selects, for every kind of key, on the whole
// list and on runs of it; a set that is not a run of the list is never cached.
func TestSortedRunsAnswerAsTheSelectionDoes(t *testing.T) {
	s, st, tl := sortEveryRun(t)
	n := len(tl.list)
	runs := [][2]int{{0, n}, {n / 3, n}, {17, n/2 + 5}}
	orders := []string{"DisplayName", "-FamilyName,Id", "OwnerId,-ModificationTimestamp", "-VowEnabled,HomeRegion", "-Id"}
	for _, o := range orders {
		keys, err := parseOrder(o, s.fields)
		if err != nil {
			t.Fatal(err)
		}
		tl.orders.mu.Lock()
		tl.orders.m = nil // room for this order's runs: at most maxSpanOrders are kept
		tl.orders.mu.Unlock()
		for _, r := range runs {
			run := tl.list[r[0]:r[1]]
			first := st.orderPage(tl, run, keys, 25) // starts the sort, answers by selection
			st.sorts.Wait()
			so, _ := tl.orders.lookup(spanKey{order: orderText(keys), lo: r[0], hi: r[1]})
			if so == nil || !so.ready.Load() {
				t.Fatalf("%s %v: the run was not sorted", o, r)
			}
			if want := st.orderWindow(run, keys, 25); !slices.Equal(first, want) {
				t.Fatalf("%s %v: the first page differs from the selection", o, r)
			}
			for _, need := range []int{1, 25, 26, len(run) / 2, len(run)} {
				got := st.orderPage(tl, run, keys, need)
				if want := st.orderWindow(run, keys, need); !slices.Equal(got, want) {
					t.Fatalf("%s %v, %d entries: the sorted run gives another page than the selection", o, r, need)
				}
			}
		}
	}
	// The cache is bounded: past maxSpanOrders runs, pages are selected and nothing is kept.
	for lo := 0; lo < maxSpanOrders+3; lo++ {
		st.orderPage(tl, tl.list[lo:], keysOf(t, s, "-GivenName"), 5)
		st.sorts.Wait()
	}
	if len(tl.orders.m) != maxSpanOrders {
		t.Fatalf("%d sorted runs kept, want at most %d", len(tl.orders.m), maxSpanOrders)
	}
	// A copy holds the same entries but is not a run of the list: it is answered, never cached.
	tl.orders.mu.Lock()
	tl.orders.m = nil
	tl.orders.mu.Unlock()
	keys := keysOf(t, s, "GivenName")
	cp := slices.Clone(tl.list[5:300])
	before := len(tl.orders.m)
	got := st.orderPage(tl, cp, keys, 10)
	st.sorts.Wait()
	if len(tl.orders.m) != before {
		t.Fatalf("a copy of a run was cached")
	}
	if want := st.orderWindow(cp, keys, 10); !slices.Equal(got, want) {
		t.Fatalf("the copy's page differs from the selection")
	}
}

func keysOf(t *testing.T, s *Server, order string) []sortKey {
	t.Helper()
	keys, err := parseOrder(order, s.fields)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// orderWindow is orderWindowIn in new memory.
func (s *store) orderWindow(list []entry, keys []sortKey, need int) []entry {
	return s.orderWindowIn(nil, list, keys, need)
}

// orderPage is orderRangeIn's first need entries, in new memory.
func (s *store) orderPage(tl *timedList, list []entry, keys []sortKey, need int) []entry {
	return s.orderRangeIn(nil, tl, list, keys, 0, need)
}

// orderRange is orderRangeIn in new memory.
func (s *store) orderRange(tl *timedList, list []entry, keys []sortKey, skip, need int) []entry {
	return s.orderRangeIn(nil, tl, list, keys, skip, need)
}

// TestSortedRunGivesTheSameBytes: the same request answered by selection (first) and from
// the sorted run (after the background sort) is byte-identical, page after page.
func TestSortedRunGivesTheSameBytes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC) }
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := s.world().store
	st.minSortedSpan = 1
	get := func(target string) []byte { return mlsGet(t, s, target) }
	for _, q := range []string{
		"_orderby=DisplayName&_limit=25&_pagination=1",
		"_orderby=-HomeLocality,GivenName&_limit=25&_filter=ModificationTimestamp%20Gt%202025-06-01T00:00:00",
		"_orderby=OwnerId&_limit=10&_filter=ModificationTimestamp%20Bt%202024-01-01,2026-01-01",
	} {
		for _, page := range []string{"1", "2", "7"} {
			target := "/v1/contacts/export/all?" + q + "&_page=" + page
			before := get(target)
			st.sorts.Wait()
			after := get(target)
			if !bytes.Equal(before, after) {
				t.Fatalf("%s: the sorted run answers other bytes than the selection:\n%s\nwant\n%s", target, after, before)
			}
		}
	}
	tl := st.snapshot(cfg.Clock()).allTimed(st.byID["20090311191520485610000000"])
	if len(tl.orders.m) != 3 {
		t.Fatalf("%d sorted runs, want 3 (one per question)", len(tl.orders.m))
	}
}

// TestRequestStateSwapsTheDefaultOrder: the default order is one value a request's state can
// swap (a variant restoring the old default, ModificationTimestamp then Id, does so); an
// explicit _orderby still wins.
func TestRequestStateSwapsTheDefaultOrder(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	plain, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	swapped, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	serve := swapped.serve // every request passes through it first
	swapped.serve = func(c echo.Context) error {
		stateOf(c).order = modificationOrder
		return serve(c)
	}
	get := func(s *Server, query string) string {
		return string(mlsGet(t, s, "/v1/contacts/export/all?_limit=25&_page=3"+query))
	}
	if got, want := get(swapped, ""), get(plain, "&_orderby=ModificationTimestamp,Id"); got != want {
		t.Errorf("the swapped default is not ModificationTimestamp,Id:\n got %s\nwant %s", got, want)
	}
	if got, want := get(plain, ""), get(plain, "&_orderby=Id"); got != want {
		t.Errorf("the default is not Id:\n got %s\nwant %s", got, want)
	}
	if got, want := get(swapped, "&_orderby=Id"), get(plain, ""); got != want {
		t.Errorf("an explicit _orderby lost to the swapped default")
	}
}

// mlsGet asks s for target as the MLS's Private token and returns the 200's body.
func mlsGet(t *testing.T, s *Server, target string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set(userAgentHeader, "test")
	req.Header.Set("Authorization", "OAuth private-mls")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}
