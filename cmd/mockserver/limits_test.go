package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// apiGet sends a GET with a token, the user agent and extra headers ("Name: value"), and
// returns the answer with its body read.
func apiGet(t *testing.T, url, token string, extra ...string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "OAuth "+token)
	req.Header.Set("X-SparkApi-User-Agent", "run-test")
	for _, h := range extra {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

// TestHugeRequestHeadIs431: a request line past -max-header-bytes (64 KiB by default) gets a
// 431, from the mock and from the proxy alike.
func TestHugeRequestHeadIs431(t *testing.T) {
	mock, stop := start(t, []string{"-log-level", "error"}, nil)
	defer stop()
	proxyURL, stopProxy := start(t, []string{"-log-level", "error", "-upstream", mock}, nil)
	defer stopProxy()
	query := "?_filter=" + strings.Repeat("x", 512<<10)
	for _, base := range []string{mock, proxyURL} {
		res, _, err := apiGet(t, base+"/v1/contacts/export"+query, "private-member-avery")
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%s: a 512 KiB query got %d, want 431", base, res.StatusCode)
		}
	}
}

// TestIdleConnectionsAreClosed: a kept-alive connection that sends nothing more is closed
// after -idle-timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	url, stop := start(t, []string{"-log-level", "error", "-idle-timeout", "100ms"}, nil)
	defer stop()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the idle connection: got %v, want EOF (closed by the server)", err)
	}
}

// TestWriteTimeoutSparesSlowAnswers: the write deadline counts from the answer's first
// write, so a latency scenario longer than it is still answered whole.
func TestWriteTimeoutSparesSlowAnswers(t *testing.T) {
	url, stop := start(t, []string{"-log-level", "error", "-write-timeout", "100ms"}, nil)
	defer stop()
	res, b, err := apiGet(t, url+"/v1/contacts/export?_limit=5", "private-member-avery", "X-Mock-Scenario: latency=400ms")
	if err != nil {
		t.Fatalf("a 400 ms latency under a 100 ms write timeout: %v", err)
	}
	if res.StatusCode != 200 || !strings.Contains(string(b), `"Results"`) {
		t.Errorf("got %d: %.100s; want the page", res.StatusCode, b)
	}
}
