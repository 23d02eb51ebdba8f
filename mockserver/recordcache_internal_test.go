package mockserver

import (
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
)

func TestRecordBudgetDropsTheOldestPastItsBound(t *testing.T) {
	tree, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := fixtures.NewGenerator(tree, 1)
	if err != nil {
		t.Fatal(err)
	}
	book := gen.Book(tree.Accounts[len(tree.Accounts)-1].ID)
	slots := make([]*slot, 50)
	recs := make([]*record, 50)
	var total int64
	for i := range slots {
		slots[i] = &slot{}
		recs[i] = newRecord(book.Contact(i, 0), time.UTC)
		total += recordCost(recs[i])
	}
	b := newRecordBudget(total / 5) // room for about 10 of the 50
	for i, sl := range slots {
		sl.rec.Store(recs[i])
		b.stored(sl, recs[i])
	}
	bytes, queued := b.held()
	if bytes > b.max {
		t.Errorf("%d bytes held, budget %d", bytes, b.max)
	}
	kept := 0
	for i, sl := range slots {
		switch r := sl.rec.Load(); {
		case r == nil:
		case r != recs[i]:
			t.Fatalf("slot %d holds another record", i)
		default:
			kept++
		}
	}
	if kept != queued || kept < 5 || kept > 12 {
		t.Errorf("%d records kept, %d queued: want the same, about 10", kept, queued)
	}
	if slots[0].rec.Load() != nil || slots[49].rec.Load() == nil {
		t.Errorf("the first stored was kept or the last dropped")
	}
	// A slot that moved on to a newer record keeps it when its old entry leaves the queue.
	newer := newRecord(book.Contact(49, 1), time.UTC)
	slots[49].rec.Store(newer)
	b.stored(slots[49], newer)
	for i := range 20 {
		sl := &slot{}
		sl.rec.Store(recs[i])
		b.stored(sl, recs[i])
	}
	if got := slots[49].rec.Load(); got != nil && got != newer {
		t.Errorf("slot 49 holds an old record again")
	}
}

func TestNoBudgetMeansNoBound(t *testing.T) {
	if newRecordBudget(0) != nil {
		t.Errorf("a zero budget bounds the cache")
	}
}
