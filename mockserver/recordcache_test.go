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

// TestMaxContactsRefusesATimeTooLate: the books keep growing after asOf, so a request as of
// a later time (X-Mock-Now, or the real clock going on) that would show more contacts than
// the maximum is refused, instead of building lists that large.
func TestMaxContactsRefusesATimeTooLate(t *testing.T) {
	now := frozen
	m := newMock(t, func(c *mockserver.Config) {
		c.Clock = func() time.Time { return now }
		c.MaxContacts = 700 // the default data holds about 600 contacts at frozen
	})
	if res := m.get(t, "/v1/contacts/export?_limit=1", ua, avery); res.status != 200 {
		t.Fatalf("now: %d %s", res.status, res.body)
	}
	late := m.get(t, "/v1/contacts/export?_limit=1", ua, avery, "X-Mock-Now: 2099-01-01T00:00:00Z")
	if late.status != 400 || late.code() != 1053 || !strings.Contains(late.d["Message"].(string), "more than 700 contacts") {
		t.Errorf("X-Mock-Now in 2099: %d %s, want 400/1053 naming the maximum", late.status, late.body)
	}
	now = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if res := m.get(t, "/v1/contacts/export/all?_limit=1", ua, mls); res.status != 503 || res.code() != 1510 {
		t.Errorf("the server's clock in 2099: %d %s, want 503/1510", res.status, res.body)
	}
	// The last second that fits is served; the next is refused.
	msg := late.d["Message"].(string)
	last := msg[strings.LastIndex(msg, " ")+1:]
	if res := m.get(t, "/v1/contacts/export?_limit=1", ua, avery, "X-Mock-Now: "+last); res.status != 200 {
		t.Errorf("at %s, the latest time said to fit: %d %s", last, res.status, res.body)
	}
	lastT, _ := time.Parse(time.RFC3339, last)
	if res := m.get(t, "/v1/contacts/export?_limit=1", ua, avery, "X-Mock-Now: "+lastT.Add(time.Second).Format(time.RFC3339)); res.status != 400 {
		t.Errorf("a second after %s: %d, want 400", last, res.status)
	}
}
