package proxy_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/proxy"
)

// rawRequest sends a request on a raw TCP connection, half-closes it (CloseWrite, as scripts
// and some clients do once the request is sent) and reads the answer.
func rawRequest(t *testing.T, addr, request string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return res, b
}

// TestHalfClosingClientGetsThePage: a client that half-closes after its request gets the
// upstream's page, judged, not a 200 with an empty body. The mock waits 300 ms (a latency
// scenario), so the proxy sees the client's EOF before the upstream answers.
func TestHalfClosingClientGetsThePage(t *testing.T) {
	_, srv := newProxy(t, serve(t, newMock(t)).URL, nil)
	res, body := rawRequest(t, strings.TrimPrefix(srv.URL, "http://"), "GET /v1/contacts/export?_limit=2 HTTP/1.1\r\nHost: x\r\n"+
		"Authorization: OAuth private-member-avery\r\nX-SparkApi-User-Agent: half-close\r\nX-Mock-Scenario: latency=300ms\r\n\r\n")
	var page struct {
		D struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(body, &page); err != nil || res.StatusCode != 200 || len(page.D.Results) != 2 {
		t.Fatalf("got %d, %d bytes (%v): %.200s; want 200 and a page of 2", res.StatusCode, len(body), err, body)
	}
	if v := res.Header.Get(proxy.HeaderViolations); v != "0" {
		t.Errorf("%s: %q, want 0 (judged, nothing broken)", proxy.HeaderViolations, v)
	}
}

// TestUpstreamAnswersBeforeTheBodyIsSent: an upstream that answers a large POST before
// reading its body (a 413, or a 200) and then stops reading: the client gets that answer,
// not a 502 reset.
func TestUpstreamAnswersBeforeTheBodyIsSent(t *testing.T) {
	for _, status := range []int{http.StatusRequestEntityTooLarge, http.StatusOK} {
		upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, `{"D":{"Success":false,"Code":1000,"Message":"not reading that"}}`)
		}))
		_, srv := newProxy(t, upstream.URL, nil)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/session?ApiKey=k&ApiSig=s", bytes.NewReader(make([]byte, 32<<20)))
		req.Header.Set("X-SparkApi-User-Agent", "early-answer")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != status {
			t.Errorf("got %d %s=%q: %s; want the upstream's %d", res.StatusCode, proxy.HeaderFault, res.Header.Get(proxy.HeaderFault), b, status)
		}
	}
}

// TestNonCanonicalPathsAreForwardedAndJudged: //v1/… and /v1/./… reach the upstream as they
// are (no 307 from the proxy's own routes), and the answer is judged: an HTML page for them
// is a 502 not-json.
func TestNonCanonicalPathsAreForwardedAndJudged(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.RequestURI)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>hello</html>")
	}))
	_, srv := newProxy(t, upstream.URL, nil)
	for _, p := range []string{"//v1/contacts/export", "/v1/./contacts/export", "/v1/contacts/../contacts/export", "//healthz"} {
		res, body := rawRequest(t, strings.TrimPrefix(srv.URL, "http://"), "GET "+p+" HTTP/1.1\r\nHost: x\r\nX-SparkApi-User-Agent: t\r\nAuthorization: OAuth private-member-avery\r\n\r\n")
		mu.Lock()
		last := ""
		if len(seen) > 0 {
			last = seen[len(seen)-1]
		}
		mu.Unlock()
		if last != p {
			t.Errorf("%s: the upstream last saw %q, want the path as sent", p, last)
		}
		if strings.HasPrefix(p, "//v1") || strings.HasPrefix(p, "/v1") {
			if res.StatusCode != http.StatusBadGateway || res.Header.Get(proxy.HeaderFault) != proxy.FaultNotJSON {
				t.Errorf("%s: got %d %q: %s; want 502 not-json (judged)", p, res.StatusCode, res.Header.Get(proxy.HeaderFault), body)
			}
		}
	}
}

// gzipped compresses b.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestGzipAnswersAreBounded: a gzip bomb (small on the wire, past MaxBody decompressed) is a
// 502 too-large; a gzip body that does not decompress is a 502 not-json saying so.
func TestGzipAnswersAreBounded(t *testing.T) {
	bomb := gzipped(make([]byte, 8<<20))
	broken := gzipped([]byte(`{"D":{"Success":true,"Results":[]}}`))
	broken = broken[:len(broken)-6]
	for _, tc := range []struct {
		name, fault, message string
		body                 []byte
	}{
		{"bomb", proxy.FaultTooLarge, "once decompressed", bomb},
		{"truncated", proxy.FaultNotJSON, "does not decompress", broken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(tc.body)
			}))
			_, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.MaxBody = 1 << 20 })
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/contacts/export", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			req.Header.Set("X-SparkApi-User-Agent", "gzip")
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 502 || res.Header.Get(proxy.HeaderFault) != tc.fault || !strings.Contains(string(b), tc.message) {
				t.Errorf("got %d %q: %s; want 502 %q saying %q", res.StatusCode, res.Header.Get(proxy.HeaderFault), b, tc.fault, tc.message)
			}
		})
	}
}

// TestBufferedBytesAreSharedAndGivenBack: answers held at once count against MaxBuffered
// together: past it an answer is a 503 busy (with Retry-After), and once they are sent the
// budget is whole again.
func TestBufferedBytesAreSharedAndGivenBack(t *testing.T) {
	const size = 3 << 20
	release := make(chan struct{})
	page := append(append([]byte(`{"D":{"Success":true,"Results":[],"Pad":"`), bytes.Repeat([]byte("x"), size)...), `"}}`...)
	var held sync.WaitGroup
	held.Add(2)
	upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		if r.URL.Query().Get("hold") != "" {
			w.Write(page[:size])
			w.(http.Flusher).Flush()
			held.Done()
			<-release
			w.Write(page[size:])
			return
		}
		w.Write(page)
	}))
	p, srv := newProxy(t, upstream.URL, func(c *proxy.Config) { c.MaxBody, c.MaxBuffered = 8<<20, 10<<20+512<<10 }) // two held grow at once; a third does not fit
	results := make(chan int, 2)
	for range 2 {
		go func() {
			res, _ := get(t, srv.URL+"/v1/contacts/export?hold=1", "private-member-avery")
			results <- res.StatusCode
		}()
	}
	held.Wait()
	// The proxy reads what was sent: 2 x 3 MB held, each in a buffer of the answer's length.
	// Wait for exactly that: while a buffer grows the old one is still counted, and a sum that
	// merely passes 2 x 3 MB may be one buffer mid-growth, the other still to grow (and then
	// to meet the third request's growth and be refused).
	for deadline := time.Now().Add(20 * time.Second); p.Buffered() != 2*int64(len(page)) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	res, body := get(t, srv.URL+"/v1/contacts/export?x=1", "private-member-avery")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get(proxy.HeaderFault) != proxy.FaultBusy || res.Header.Get("Retry-After") == "" {
		t.Errorf("with two answers of 3 MB held of 10.5 MiB (%d bytes): got %d %q Retry-After %q: %.200s; want 503 busy", p.Buffered(), res.StatusCode, res.Header.Get(proxy.HeaderFault), res.Header.Get("Retry-After"), body)
	}
	close(release)
	for range 2 {
		if status := <-results; status != 200 {
			t.Errorf("a held answer got %d, want the upstream's 200", status)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); p.Buffered() != 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // the handlers give back after the client has its answer
	}
	if n := p.Buffered(); n != 0 {
		t.Errorf("%d bytes still counted as held after every answer was sent", n)
	}
	if res, body := get(t, srv.URL+"/v1/contacts/export?x=2", "private-member-avery"); res.StatusCode == http.StatusServiceUnavailable {
		t.Errorf("after the held answers were sent: got %d %.200s; want the budget given back", res.StatusCode, body)
	}
}
