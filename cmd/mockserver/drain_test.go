//go:build unix

package main

import (
	"net/http"
	"syscall"
	"testing"
	"time"
)

// fresh sends a GET on a new connection, as a load balancer's probe or a new client does.
func fresh(url string, header map[string]string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// TestDrainKeepsServingWhileNotReady: on SIGTERM with -drain-delay, /readyz turns 503 while
// new connections are still accepted and answered; then the process exits 0.
func TestDrainKeepsServingWhileNotReady(t *testing.T) {
	p := startProcess(t, "-drain-delay", "2s", "-log-level", "error")
	if code, err := fresh(p.url+"/readyz", nil); code != 200 {
		t.Fatalf("/readyz before the signal: %d, %v", code, err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var code int
	var err error
	for range 100 {
		if code, err = fresh(p.url+"/readyz", nil); code == 503 || err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != 503 {
		t.Fatalf("/readyz after SIGTERM: %d, %v; want 503 while draining", code, err)
	}
	code, err = fresh(p.url+"/v1/contacts/export?_limit=1", map[string]string{
		"Authorization": "OAuth private-member-avery", "X-SparkApi-User-Agent": "drain-test"})
	if code != 200 {
		t.Fatalf("a new connection while draining got %d, %v; want 200", code, err)
	}
	if err := p.wait(t, 20*time.Second); err != nil {
		t.Fatalf("exit: %v; want 0\n%s", err, p.stderr)
	}
}

// TestSecondSignalExitsAtOnce: a second SIGTERM during a long drain ends the process.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	p := startProcess(t, "-drain-delay", "5m", "-log-level", "error")
	p.cmd.Process.Signal(syscall.SIGTERM)
	for range 100 {
		if code, _ := fresh(p.url+"/readyz", nil); code == 503 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Again every 200 ms: the first signal's handling may not have let go of the next one yet.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-p.done:
			if err == nil {
				t.Fatal("the process exited 0 on the second signal; want killed by it")
			}
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("the process still drains 30 s after a second signal")
		}
	}
}
