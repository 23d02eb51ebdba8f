package mockserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
)

// TestCachedRequestVerdictsAreTheFreshOnes: the request-verdict cache answers exactly what
// kin-openapi answers, for good and bad requests, first time and second.
func TestCachedRequestVerdictsAreTheFreshOnes(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	v := s.requests
	targets := []string{
		"/v1/contacts/export", "/v1/contacts/export?_limit=5", "/v1/contacts/export?_limit=500",
		"/v1/contacts/export/all?_limit=26", "/v1/contacts/export?_page=0", "/v1/contacts/export?_pagination=x",
		"/v1/contacts/export?_limit=abc", "/v1/contacts/export/all?_orderby=-Id", "/v1/contacts/export?_select=,",
	}
	for _, target := range targets {
		for _, ua := range []string{"", "client/1"} {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			if ua != "" {
				req.Header.Set(userAgentHeader, ua)
			}
			m := v.Find(req)
			in := openapicheck.Request{Method: req.Method, URL: req.URL, Header: req.Header, Match: m, HTTP: req}
			fresh := requestError(in, v.ValidateRequest(context.Background(), in))
			for i := 0; i < 2; i++ {
				got := v.checkRequest(context.Background(), req, m)
				if (got == nil) != (fresh == nil) || got != nil && (got.Code != fresh.Code || got.Message != fresh.Message) {
					t.Fatalf("%s (ua %q), call %d: cached %v, fresh %v", target, ua, i, got, fresh)
				}
			}
		}
	}
}

func benchPage(b *testing.B) (*Server, *http.Request, []byte) {
	cfg := DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/contacts/export?_limit=25", nil)
	req.Header.Set(userAgentHeader, "bench")
	req.Header.Set("Authorization", "OAuth private-member-avery")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return s, req, rec.Body.Bytes()
}

// BenchmarkFullResponseValidation is what a naive mock pays per 25-contact page: kin-openapi's
// ValidateResponse decodes the body and walks the schema.
func BenchmarkFullResponseValidation(b *testing.B) {
	s, req, body := benchPage(b)
	m := s.requests.Find(req)
	h := http.Header{"Content-Type": []string{contentTypeJSON}}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.requests.Full(context.Background(), openapicheck.Response{Method: req.Method, Route: m.Route, Status: http.StatusOK, Header: h, Body: body}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPiecewiseResponseValidation is what the mock pays instead on a page it has served
// before: the skeleton and every contact are found among the verdicts already made.
func BenchmarkPiecewiseResponseValidation(b *testing.B) {
	s, req, _ := benchPage(b)
	st := s.world().store
	list := st.snapshot(s.clock()).ownList(st.byID["20101115092241660520000000"])[:25]
	m := s.requests.Find(req)
	skeleton := []byte(`{"D":{"Success":true,"ExportTimestamp":"2026-11-28T06:00:00","Results":[]}}`)
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, e := range list {
			r := st.record(e)
			start := len(buf)
			buf = r.appendTo(buf, formOwn, nil, nil)
			if err := s.validate.checkItem(r, formOwn, buf[start:], nil); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.validate.checkSkeleton(context.Background(), m.Route, formOwn, skeleton, len(list)); err != nil {
			b.Fatal(err)
		}
	}
}

// Regression: _select verdicts were kept by the record's address (%p). A collected record's
// address is reused by a new one, which then inherited a verdict it never earned. Here the
// new record is made at the very address of the old one.
func TestProjectionVerdictsAreKeptByContentNotAddress(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	v := s.requests
	contact := func(birthday string) fixtures.Contact {
		return fixtures.Contact{ID: "20260101000000123456000001", OwnerID: "20090311191520485610000000",
			Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DisplayName: "Jane Roe", Birthday: birthday}
	}
	sel := &selection{bits: 1<<fID | 1<<fResourceURI | 1<<fBirthday}
	r := newRecord(contact("1990-01-01"), time.UTC)
	if err := v.checkItem(r, formOwn, r.appendTo(nil, formOwn, nil, sel), sel); err != nil {
		t.Fatalf("a valid contact: %v", err)
	}
	// The garbage collector frees r; a new record (with a Birthday the schema refuses) lands at
	// the same address.
	bad := newRecord(contact("1990-1-1"), time.UTC)
	r.c, r.json, r.members, r.idEnd, r.modified = bad.c, bad.json, bad.members, bad.idEnd, bad.modified
	r.valid[formOwn].Store(0)
	r.valid[formAll].Store(0)
	if err := v.checkItem(r, formOwn, r.appendTo(nil, formOwn, nil, sel), sel); err == nil {
		t.Fatal("a contact whose Birthday breaks the schema passed: it inherited the verdict of the record that lived at its address")
	}
}

// TestUnsplittablePageSpecIsRefused: the mock validates every page it writes piece by piece,
// which uniqueItems on Results would make unsound (items valid one by one can repeat); such a
// spec is refused at start, by openapicheck's one guard.
func TestUnsplittablePageSpecIsRefused(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newValidator(doc); err != nil {
		t.Fatalf("the spec as it is: %v", err)
	}
	doc.Components.Schemas["ExportAllEnvelope"].Value.Properties["D"].Value.Properties["Results"].Value.UniqueItems = true
	if _, err := newValidator(doc); err == nil || !strings.Contains(err.Error(), sparkmock.PathExportAll) {
		t.Fatalf("a Results with uniqueItems: got %v, want /export/all refused", err)
	}
}
