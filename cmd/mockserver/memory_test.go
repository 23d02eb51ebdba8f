package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// peakRSS reads a process's peak resident set (VmHWM) in bytes, from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/<pid>/status")
	return 0
}

// TestProxyMemoryStaysBounded: fifty answers that announce 30 MB and send 64 KB, and eight
// chunked answers of 40 MB, all at once: the proxy (the built binary, with its defaults)
// answers every client within the upstream timeout and its peak RSS stays under 300 MB.
// Before the bound it reserved each announced length (2.8 GB of heap) and doubled its
// buffers past the cap (920 MB for the eight).
func TestProxyMemoryStaysBounded(t *testing.T) {
	const timeout = 5 * time.Second
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'x'
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/lie":
			w.Header().Set("Content-Length", "30000000")
			w.Write(chunk)
			w.(http.Flusher).Flush()
			<-r.Context().Done() // the rest never comes
		case "/v1/big":
			for range 40 << 20 / len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}))
	defer upstream.Close()
	p := startProcess(t, "-upstream", upstream.URL, "-upstream-timeout", timeout.String(), "-log-level", "error")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]int{}
	var slowest time.Duration
	client := &http.Client{Timeout: timeout + 10*time.Second}
	for i := range 58 {
		path := "/v1/lie"
		if i%7 == 0 && i/7 < 8 {
			path = "/v1/big"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			res, err := client.Get(p.url + path)
			took := time.Since(start)
			key := path + " "
			if err != nil {
				key += "error " + err.Error()
			} else {
				res.Body.Close()
				key += strconv.Itoa(res.StatusCode) + " " + res.Header.Get("X-Upstream-Fault")
			}
			mu.Lock()
			statuses[key]++
			slowest = max(slowest, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	rss := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("peak RSS %d MB; answers: %v; the slowest in %v", rss>>20, statuses, slowest)
	// The upstream timeout, and a few seconds for a busy machine to deliver the 502s.
	if slowest > timeout+5*time.Second {
		t.Errorf("the slowest client was answered in %v, want within the upstream timeout (%v)", slowest, timeout)
	}
	for k, n := range statuses {
		if strings.Contains(k, "error") || strings.HasSuffix(k, " 200 ") {
			t.Errorf("%d clients got %s; want a 502/503 envelope for each within the timeout", n, k)
		}
	}
	if rss > 300<<20 {
		t.Errorf("peak RSS %d MB, want under 300 MB", rss>>20)
	}
}
