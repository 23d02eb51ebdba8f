package mockserver_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/mockserver"
)

// denseMock serves testdata/dense.yaml (800 contacts in one hour) with seed.
func denseMock(t testing.TB, seed int64) (*mock, *fixtures.Tree) {
	t.Helper()
	tree, err := fixtures.Load("testdata/dense.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := spec(t)
	return newMock(t, func(c *mockserver.Config) { c.Tree, c.Seed, c.Spec = tree, seed, doc }), tree
}

// Regression: Book.Count missed a contact created exactly at second t on a dense book, so at
// its creation second the contact was invisible and "Id Eq" (which located it with
// Count(created)-1) never found it.
func TestDenseContactsCountFromTheirCreationSecond(t *testing.T) {
	m, tree := denseMock(t, 20120614)
	g, err := fixtures.NewGenerator(tree, 20120614)
	if err != nil {
		t.Fatal(err)
	}
	acc := tree.Accounts[0]
	b := g.Book(acc.ID)
	auth := "Authorization: OAuth private-mls"
	for i := 0; i < acc.Contacts; i++ {
		created := time.Unix(b.Created(i), 0).UTC()
		now := "X-Mock-Now: " + created.Format(time.RFC3339)
		id := b.ID(i)
		res := m.get(t, "/v1/contacts/export?_pagination=count&_filter="+url.QueryEscape(fmt.Sprintf("Id Eq '%s'", id)), ua, auth, now)
		if got := res.pagination()["TotalRows"]; got != 1 {
			t.Fatalf("contact %d (%s) at its creation second %s: Id Eq finds %v, want 1", i, id, created.Format(time.RFC3339), got)
		}
		res = m.get(t, "/v1/contacts/export?_pagination=count", ua, auth, now)
		if got := res.pagination()["TotalRows"]; got != float64(i+1) {
			t.Fatalf("at contact %d's creation second %s: TotalRows %v, want %d", i, created.Format(time.RFC3339), got, i+1)
		}
		before := "X-Mock-Now: " + created.Add(-time.Second).Format(time.RFC3339)
		res = m.get(t, "/v1/contacts/export?_pagination=count", ua, auth, before)
		if got := res.pagination()["TotalRows"]; got != float64(i) {
			t.Fatalf("the second before contact %d's creation: TotalRows %v, want %d", i, got, i)
		}
	}
}
