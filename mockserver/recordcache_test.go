package mockserver_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/mockserver"
)

// TestRecordBudgetChangesNoByte: with room for a few dozen records, walking every contact
// twice (records dropped and generated again) gives the bytes of a mock without a bound.
func TestRecordBudgetChangesNoByte(t *testing.T) {
	unbounded := newMock(t)
	bounded := newMock(t, func(c *mockserver.Config) { c.RecordCacheBytes = 64 << 10 })
	for round := range 2 {
		for page := 1; ; page++ {
			target := fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d&_orderby=-ModificationTimestamp", page)
			want := unbounded.get(t, target, ua, mls)
			got := bounded.get(t, target, ua, mls)
			if !bytes.Equal(got.body, want.body) {
				t.Fatalf("round %d page %d: the bounded mock answered other bytes", round, page)
			}
			if len(want.results()) == 0 {
				break
			}
		}
	}
}

func TestMaxContactsRefusesAFixtureTooLarge(t *testing.T) {
	cfg := mockserver.DefaultConfig()
	cfg.Clock = func() time.Time { return frozen }
	cfg.MaxContacts = 100
	_, err := mockserver.New(cfg)
	if err == nil || !strings.Contains(err.Error(), "past the maximum of 100") {
		t.Fatalf("the default data (about 600 contacts) under a maximum of 100: %v, want refused", err)
	}
	cfg.MaxContacts = 100_000
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatalf("under a maximum of 100,000: %v", err)
	}
	def := string(fixtures.DefaultYAML())
	big := strings.Replace(def, "contacts: ", "contacts: 200000 #", 1)
	if big == def {
		t.Fatal("no contacts count in the default fixtures")
	}
	tree, err := fixtures.Parse("big.yaml", []byte(big))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Reload(tree); err == nil || !strings.Contains(err.Error(), "past the maximum of 100000") {
		t.Errorf("a reload past the maximum: %v, want refused", err)
	}
	if srv.Tree() == tree {
		t.Errorf("the refused tree is served")
	}
}
