// Command firstok starts a program and reports how long it took until a URL first answered
// 200, then leaves the program running (its pid is printed) or stops it with -stop.
// Usage: firstok -url URL [-header 'Name: value']... [-stop] -- program args...
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	url := flag.String("url", "", "URL that must answer 200")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	stop := flag.Bool("stop", false, "stop the program once it answered")
	var hs headers
	flag.Var(&hs, "header", "request header `Name: value` (repeatable)")
	flag.Parse()
	args := flag.Args()
	if *url == "" || len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstok -url URL [-header 'N: v']... [-stop] -- program args...")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = nil, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	req, _ := http.NewRequest(http.MethodGet, *url, nil)
	for _, h := range hs {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "firstok:", err)
		os.Exit(1)
	}
	for {
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > *timeout {
			_ = cmd.Process.Kill()
			fmt.Fprintln(os.Stderr, "firstok: no 200 within", *timeout)
			os.Exit(1)
		}
		time.Sleep(500 * time.Microsecond)
	}
	elapsed := time.Since(start)
	fmt.Printf("first_200_ms=%.1f pid=%d\n", float64(elapsed.Microseconds())/1000, cmd.Process.Pid)
	if *stop {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	} else {
		_ = cmd.Process.Release()
	}
}
