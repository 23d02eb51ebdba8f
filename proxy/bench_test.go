package proxy_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/sparkmock/sparkmock/contracttest"
	"github.com/sparkmock/sparkmock/proxy"
)

// BenchmarkProxy measures a page of 25 contacts fetched through the proxy from the mock, both
// on 127.0.0.1 in this process, with parallel clients (bench/run proxy measures the binaries).
func BenchmarkProxy(b *testing.B) {
	mock := serve(b, newMock(b))
	_, srv := newProxy(b, mock.URL, nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	target := srv.URL + "/v1/contacts/export?_limit=25"
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("X-SparkApi-User-Agent", "bench")
			req.Header.Set("Authorization", "OAuth private-member-avery")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get(proxy.HeaderViolations) != "0" {
				b.Fatalf("got %d, violations %q", res.StatusCode, res.Header.Get(proxy.HeaderViolations))
			}
		}
	})
}

// BenchmarkJudgePage measures the judge alone on one page of 25 contacts, warm caches: the
// proxy's own cost per request beyond forwarding.
func BenchmarkJudgePage(b *testing.B) {
	for _, path := range []string{"/v1/contacts/export?_limit=25", "/v1/contacts/export/all?_limit=25&_pagination=1&_select=DisplayName,PrimaryEmail&_filter=" + url.QueryEscape("ModificationTimestamp Gt 2015-01-01T00:00:00")} {
		b.Run(path[:20], func(b *testing.B) {
			mock := serve(b, newMock(b))
			res, body := get(b, mock.URL+path, "private-mls")
			if res.StatusCode != 200 {
				b.Fatalf("%d %s", res.StatusCode, body)
			}
			j, err := contracttest.NewJudge(context.Background(), contracttest.JudgeConfig{})
			if err != nil {
				b.Fatal(err)
			}
			u, _ := url.Parse(mock.URL + path)
			hdr := http.Header{"Authorization": {"OAuth private-mls"}, "X-Sparkapi-User-Agent": {"bench"}}
			x := &contracttest.Exchange{Method: http.MethodGet, URL: u, RequestHeader: hdr, Status: res.StatusCode, Header: res.Header, Body: body}
			if got := j.Check(context.Background(), x); len(got.Violations) > 0 {
				b.Fatalf("violations: %+v", got.Violations)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				j.Check(context.Background(), x)
			}
		})
	}
}
