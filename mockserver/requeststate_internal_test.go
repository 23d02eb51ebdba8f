package mockserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestWritePageProvesOnlyItsOwnBytes: writePage marks the buffered response proven (validated
// piecewise, not validated again) when it holds exactly the page, and any later write takes
// the mark away, so bytes added after the page are validated whole.
func TestWritePageProvesOnlyItsOwnBytes(t *testing.T) {
	s := &Server{validate: &validator{}}
	newCtx := func() (echo.Context, *bufferedWriter) {
		c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
		bw := &bufferedWriter{header: http.Header{}}
		c.Response().Writer = bw
		return c, bw
	}
	page := func(dst []byte) ([]byte, error) { return append(dst, `{"D":{"Success":true}}`...), nil }

	c, bw := newCtx()
	if err := s.writePage(c, s.piecewise(0), page); err != nil {
		t.Fatal(err)
	}
	if !bw.proven || bw.body.String() != `{"D":{"Success":true}}` {
		t.Fatalf("after writePage: proven %v, body %q; want proven and the page", bw.proven, bw.body.String())
	}
	if _, err := c.Response().Write([]byte(" ")); err != nil {
		t.Fatal(err)
	}
	if bw.proven {
		t.Error("a write after the page left the response proven")
	}

	c, bw = newCtx()
	bw.body.WriteString("left over")
	if err := s.writePage(c, s.piecewise(0), page); err != nil || bw.proven {
		t.Errorf("a page after other bytes: proven %v (err %v); want not proven", bw.proven, err)
	}

	c, bw = newCtx()
	boom := errors.New("boom")
	if err := s.writePage(c, s.piecewise(0), func(dst []byte) ([]byte, error) { return dst, boom }); !errors.Is(err, boom) || bw.proven || bw.body.Len() != 0 {
		t.Errorf("a failed render: err %v, proven %v, body %q; want the error and nothing written", err, bw.proven, bw.body.String())
	}

	c, bw = newCtx()
	if err := s.writePage(c, s.piecewise(vUTCTimestamps), page); err != nil || bw.proven {
		t.Errorf("with a variant: proven %v (err %v); want not proven (validated whole)", bw.proven, err)
	}

	s.validate = nil
	c, bw = newCtx()
	if err := s.writePage(c, s.piecewise(0), page); err != nil || bw.proven {
		t.Errorf("without response validation: proven %v (err %v); want never proven", bw.proven, err)
	}
}

// TestBadFilterIsRefusedBeforeTheListIsBuilt: a _filter that does not parse is answered
// 400/1040 before the list of the request's time is built (building it is the costly part
// of a page); a good one builds it.
func TestBadFilterIsRefusedBeforeTheListIsBuilt(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(at, filter string) int {
		r := httptest.NewRequest(http.MethodGet, "/v1/contacts/export/all?_filter="+url.QueryEscape(filter), nil)
		r.Header.Set("X-SparkApi-User-Agent", "test")
		r.Header.Set("Authorization", "OAuth private-mls")
		r.Header.Set("X-Mock-Now", at)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Code
	}
	w := s.world()
	tok, _ := w.tree.LookupToken("private-mls")
	book := w.store.books[w.store.byID[tok.AccountID]]
	built := func(at string) bool {
		tm, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		return book.all.find(tm.Unix()) != nil
	}

	const badAt, goodAt = "2019-03-15T10:00:00Z", "2018-01-09T08:00:00Z"
	if code := ask(badAt, "DisplayName Eq"); code != http.StatusBadRequest {
		t.Fatalf("a bad filter: status %d, want 400", code)
	}
	if built(badAt) {
		t.Error("a bad filter built the list of its time before it was refused")
	}
	if code := ask(goodAt, "DisplayName Ne 'x'"); code != http.StatusOK {
		t.Fatalf("a good filter: status %d, want 200", code)
	}
	if !built(goodAt) {
		t.Error("a good filter built no list: this test no longer sees what it checks")
	}
}
