package proxy_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/proxy"
)

// rawUpstream is an HTTP/1.1 upstream written by hand, to answer in ways net/http's server
// does not: it counts connections and requests, and answers each request with answer.
type rawUpstream struct {
	ln     net.Listener
	reset  bool // close connections with an RST instead of a FIN
	mu     sync.Mutex
	conns  int
	closed int            // connections the upstream has closed
	byLine map[string]int // "GET /path" -> times received
}

func newRawUpstream(t *testing.T, answer func(w *bufio.Writer, r *http.Request) (closeAfter bool)) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &rawUpstream{ln: ln, byLine: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u.mu.Lock()
			u.conns++
			u.mu.Unlock()
			go func() {
				defer func() {
					c.Close()
					u.mu.Lock()
					u.closed++
					u.mu.Unlock()
				}()
				if u.reset {
					_ = c.(*net.TCPConn).SetLinger(0)
				}
				br, bw := bufio.NewReader(c), bufio.NewWriter(c)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, r.Body)
					u.mu.Lock()
					u.byLine[r.Method+" "+r.URL.Path]++
					u.mu.Unlock()
					closeAfter := answer(bw, r)
					if bw.Flush() != nil || closeAfter {
						return
					}
				}
			}()
		}
	}()
	return u
}

func (u *rawUpstream) URL() string { return "http://" + u.ln.Addr().String() }

// waitAllClosed waits until the upstream has closed every connection it accepted.
func (u *rawUpstream) waitAllClosed(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		u.mu.Lock()
		done := u.closed == u.conns
		u.mu.Unlock()
		if done {
			return
		}
	}
	t.Fatal("the upstream still has connections open after 5 s")
}

func (u *rawUpstream) counts() (conns int, byLine map[string]int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	byLine = map[string]int{}
	for k, v := range u.byLine {
		byLine[k] = v
	}
	return u.conns, byLine
}

const expiredBody = `{"D":{"Success":false,"Code":1020,"Message":"Session token has expired"}}`

func writeExpired(w *bufio.Writer, extra string) {
	fmt.Fprintf(w, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s", len(expiredBody), extra, expiredBody)
}

func send(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "OAuth some-token")
	req.Header.Set("X-SparkApi-User-Agent", "proxy-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestKeptAliveConnectionsTheUpstreamClosed: an upstream that closes each connection after
// one answer, without saying so (as one whose idle timeout is shorter than the proxy's does).
// A GET that meets such a connection is sent again on a new one; a POST, which may not be
// sent twice, is never written into it: the connection is seen closed first. The client sees
// none of it, and the upstream gets every request exactly once.
func TestKeptAliveConnectionsTheUpstreamClosed(t *testing.T) {
	t.Run("closed", func(t *testing.T) { keptAliveClosed(t, false) })
	t.Run("reset", func(t *testing.T) { keptAliveClosed(t, true) })
}

// keptAliveClosed: the upstream closes after each answer; with reset, with an RST (the
// proxy's next write fails), else with a FIN (its next read gets EOF).
func keptAliveClosed(t *testing.T, reset bool) {
	up := newRawUpstream(t, func(w *bufio.Writer, r *http.Request) bool {
		writeExpired(w, "")
		return true // closes, though the answer said nothing of it
	})
	up.reset = reset
	_, srv := newProxy(t, up.URL(), nil)
	steps := []struct{ method, path string }{
		{http.MethodGet, "/v1/contacts/export"},
		{http.MethodGet, "/v1/contacts/export/all"},
		{http.MethodPost, "/v1/session"},
		{http.MethodDelete, "/v1/session/abc"},
		{http.MethodGet, "/v1/contacts/export"},
	}
	for _, s := range steps {
		up.waitAllClosed(t) // the connection in the proxy's pool is closed on the other side
		status, body := send(t, s.method, srv.URL+s.path)
		if status != http.StatusUnauthorized || body != expiredBody {
			t.Errorf("%s %s: got %d %s, want the upstream's 401 as it sent it", s.method, s.path, status, body)
		}
	}
	conns, byLine := up.counts()
	want := map[string]int{"GET /v1/contacts/export": 2, "GET /v1/contacts/export/all": 1, "POST /v1/session": 1, "DELETE /v1/session/abc": 1}
	for line, n := range want {
		if byLine[line] != n {
			t.Errorf("the upstream got %q %d times, want %d (all: %v)", line, byLine[line], n, byLine)
		}
	}
	if conns != len(steps) {
		t.Errorf("the upstream saw %d connections, want %d (one an answer)", conns, len(steps))
	}
}

// TestChunkedAndInterimAnswers: a chunked answer after a 100 Continue reaches the client
// whole, with its length; the connection is then used again.
func TestChunkedAndInterimAnswers(t *testing.T) {
	up := newRawUpstream(t, func(w *bufio.Writer, r *http.Request) bool {
		w.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		w.WriteString("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
		for _, part := range []string{expiredBody[:10], expiredBody[10:40], expiredBody[40:]} {
			fmt.Fprintf(w, "%x\r\n%s\r\n", len(part), part)
		}
		w.WriteString("0\r\n\r\n")
		return false
	})
	_, srv := newProxy(t, up.URL(), nil)
	for i := range 3 {
		status, body := send(t, http.MethodGet, srv.URL+"/v1/contacts/export")
		if status != http.StatusUnauthorized || body != expiredBody {
			t.Errorf("request %d: got %d %q, want 401 %q", i, status, body, expiredBody)
		}
	}
	if conns, _ := up.counts(); conns != 1 {
		t.Errorf("the upstream saw %d connections for 3 requests in a row, want 1 (kept alive)", conns)
	}
}

// TestAnswersThatCloseTheConnection: "Connection: close" answers are handed back, and the
// next request gets a new connection.
func TestAnswersThatCloseTheConnection(t *testing.T) {
	up := newRawUpstream(t, func(w *bufio.Writer, r *http.Request) bool {
		writeExpired(w, "Connection: close\r\n")
		return true
	})
	_, srv := newProxy(t, up.URL(), nil)
	for i := range 3 {
		status, body := send(t, http.MethodGet, srv.URL+"/v1/contacts/export")
		if status != http.StatusUnauthorized || body != expiredBody {
			t.Errorf("request %d: got %d %q", i, status, body)
		}
	}
	conns, byLine := up.counts()
	if conns != 3 || byLine["GET /v1/contacts/export"] != 3 {
		t.Errorf("the upstream saw %d connections and %v, want 3 and 3 GETs", conns, byLine)
	}
}

// TestClientGoneCutsTheUpstreamShort: a client that gives up frees the upstream connection
// soon (after the proxy's grace of 2 s for a client that only half-closed), not at the
// proxy's timeout of 30 s.
func TestClientGoneCutsTheUpstreamShort(t *testing.T) {
	gone := make(chan time.Time, 1)
	upstream := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			gone <- time.Now()
		case <-time.After(10 * time.Second):
		}
	}))
	_, srv := newProxy(t, upstream.URL, nil) // the default timeout: 30 s
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/contacts/export", nil)
	start := time.Now()
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("got %d, want the client's own timeout", res.StatusCode)
	}
	select {
	case at := <-gone:
		if d := at.Sub(start); d > 10*time.Second {
			t.Errorf("the upstream's connection was closed %v after the request, want soon after the client left", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the upstream's connection is still open 15 s after the client left")
	}
}

// TestTooLargeAnswerIsNotWaitedFor: an answer announced larger than MaxBody is refused at
// once, without waiting for the rest of its body (which may never come).
func TestTooLargeAnswerIsNotWaitedFor(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	up := newRawUpstream(t, func(w *bufio.Writer, r *http.Request) bool {
		w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
		w.Flush()
		<-release // the rest never comes while the test runs
		return true
	})
	_, srv := newProxy(t, up.URL(), func(c *proxy.Config) { c.MaxBody = 1000 })
	start := time.Now()
	res, body := get(t, srv.URL+"/v1/contacts/export", "private-member-avery")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the answer took %v, want it at once", took)
	}
	if res.StatusCode != http.StatusBadGateway || res.Header.Get(proxy.HeaderFault) != proxy.FaultTooLarge {
		t.Errorf("got %d, %s=%q; want 502, %q: %s", res.StatusCode, proxy.HeaderFault, res.Header.Get(proxy.HeaderFault), proxy.FaultTooLarge, body)
	}
}
