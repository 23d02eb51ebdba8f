//go:build unix

package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestClientThatNeverReadsIsLetGo: a client that sends many requests and reads none of the
// answers (its receive buffer kept small) is cut off after -write-timeout, instead of
// holding the server's goroutine and connection for as long as it likes. Without the
// deadline, it gets every answer whenever it finally reads.
func TestClientThatNeverReadsIsLetGo(t *testing.T) {
	url, stop := start(t, []string{"-log-level", "error", "-write-timeout", "200ms"}, nil)
	defer stop()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	c, err := d.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const n = 400 // answers of about 45 KB each: 18 MB, far past the socket buffers
	req := "GET /v1/contacts/export?_limit=100 HTTP/1.1\r\nHost: x\r\nAuthorization: OAuth private-mls\r\nX-SparkApi-User-Agent: never-reads\r\n\r\n"
	go func() { _, _ = io.WriteString(c, strings.Repeat(req, n)) }()
	time.Sleep(2 * time.Second) // reads nothing, ten times the write timeout
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	got := 0
	for ; got < n; got++ {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			break
		}
		res.Body.Close()
	}
	if got == n {
		t.Errorf("the client that read nothing for 2 s got all %d answers; want the connection cut after the 200 ms write timeout", n)
	}
}
