// Command steadyload sends requests at a fixed rate for a fixed time and counts the ones that
// failed: no answer (a transport error or a timeout), a status outside 2xx, or an answer
// without the header -expect-header asks for. It is bench/replicas' load generator: bounded
// (it stops after -duration and keeps at most -max-inflight requests open), and it exits 1
// when any request failed, or when the rate could not be held.
//
//	steadyload -url URL [-url 'URL2 | Name: value'...] [-header 'Name: value']... -rate 500 -duration 30s
//
// The URLs are sent in turn, each with the -header headers and its own after " | ".
// SIGINT or SIGTERM stops the sending early; the requests in flight are still counted. One
// line of results goes to stdout, then the first failures with their time since the start,
// so they can be laid next to a restart's log.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ", ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// tally is what the requests came to.
type tally struct {
	mu        sync.Mutex
	sent, ok  int
	byStatus  map[int]int
	byError   map[string]int
	noHeader  int
	latencies []time.Duration
	samples   []string // the first failures
}

func (t *tally) fail(at time.Duration, what string) {
	if len(t.samples) < 20 {
		t.samples = append(t.samples, fmt.Sprintf("  +%6.3fs %s", at.Seconds(), what))
	}
}

func main() {
	var urls, headers list
	flag.Var(&urls, "url", "a `URL` to request, optionally followed by \" | Name: value\" headers of its own (repeatable: sent in turn)")
	flag.Var(&headers, "header", "a request header `Name: value` (repeatable)")
	rate := flag.Int("rate", 500, "requests per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	timeout := flag.Duration("timeout", 5*time.Second, "how long one request may take")
	maxInflight := flag.Int("max-inflight", 256, "requests open at once at most")
	expect := flag.String("expect-header", "", "`Name: value` every answer must carry")
	flag.Parse()
	if len(urls) == 0 || *rate <= 0 || *duration <= 0 || *maxInflight <= 0 {
		fmt.Fprintln(os.Stderr, "usage: steadyload -url URL [-url URL]... [-header 'N: v']... [-rate N] [-duration D]")
		os.Exit(2)
	}
	expectName, expectValue, _ := strings.Cut(*expect, ":")
	expectName, expectValue = strings.TrimSpace(expectName), strings.TrimSpace(expectValue)

	client := &http.Client{
		Timeout: *timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        *maxInflight,
			MaxIdleConnsPerHost: *maxInflight,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t := &tally{byStatus: map[int]int{}, byError: map[string]int{}}
	slots := make(chan struct{}, *maxInflight)
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(*rate)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	start := time.Now()
	total := int(*duration / interval)
	behind := 0
	timer := time.NewTimer(0)
send:
	for i := 0; i < total; i++ {
		timer.Reset(time.Until(start.Add(time.Duration(i) * interval)))
		select {
		case <-timer.C:
		case <-stop:
			break send
		}
		select {
		case slots <- struct{}{}:
		default:
			behind++ // every slot busy: this request is not sent, and the run fails
			continue
		}
		wg.Add(1)
		go func(entry string) {
			defer wg.Done()
			defer func() { <-slots }()
			sent := time.Now()
			u, own, _ := strings.Cut(entry, " | ")
			hs := headers
			if own != "" {
				hs = append(slices.Clip(headers), strings.Split(own, " | ")...)
			}
			what, ok := request(client, u, hs, expectName, expectValue)
			took := time.Since(sent)
			t.mu.Lock()
			defer t.mu.Unlock()
			t.sent++
			t.latencies = append(t.latencies, took)
			switch {
			case ok:
				t.ok++
			case what.err != "":
				t.byError[what.err]++
				t.fail(sent.Sub(start), shown(u)+": "+what.err)
			case what.status < 200 || what.status > 299:
				t.byStatus[what.status]++
				t.fail(sent.Sub(start), fmt.Sprintf("%s: status %d", shown(u), what.status))
			default:
				t.noHeader++
				t.fail(sent.Sub(start), fmt.Sprintf("%s: %s %q, want %q", shown(u), expectName, what.header, expectValue))
			}
		}(urls[i%len(urls)])
	}
	wg.Wait()
	elapsed := time.Since(start)

	failed := t.sent - t.ok
	slices.Sort(t.latencies)
	pct := func(p float64) time.Duration {
		if len(t.latencies) == 0 {
			return 0
		}
		return t.latencies[int(p*float64(len(t.latencies)-1))]
	}
	fmt.Printf("sent %d in %.1fs (%.0f req/s): %d ok, %d failed%s%s%s, %d not sent (in-flight bound); latency p50 %s p99 %s max %s\n",
		t.sent, elapsed.Seconds(), float64(t.sent)/elapsed.Seconds(), t.ok, failed,
		counts(" status", t.byStatus), counts(" error", t.byError), headerNote(t.noHeader, expectName),
		behind, pct(.5).Round(10*time.Microsecond), pct(.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	for _, s := range t.samples {
		fmt.Println(s)
	}
	if failed > 0 || behind > 0 {
		os.Exit(1)
	}
}

type outcome struct {
	status int
	err    string
	header string
}

func request(client *http.Client, url string, headers []string, expectName, expectValue string) (outcome, bool) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return outcome{err: err.Error()}, false
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	res, err := client.Do(req)
	if err != nil {
		return outcome{err: errKind(err)}, false
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return outcome{err: "body: " + errKind(err)}, false
	}
	o := outcome{status: res.StatusCode, header: res.Header.Get(expectName)}
	ok := res.StatusCode >= 200 && res.StatusCode <= 299 && (expectName == "" || o.header == expectValue)
	return o, ok
}

// errKind shortens an error to its kind, so failures group.
func errKind(err error) string {
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return "timeout"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

func counts[K cmp.Ordered](what string, m map[K]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d×%v", m[k], k))
	}
	return fmt.Sprintf(" (%s %s)", strings.TrimSpace(what), strings.Join(parts, ", "))
}

func headerNote(n int, name string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d without %s as expected)", n, name)
}

// shown is a URL as the output shows it: without its query, which may hold a session's
// AuthToken and ApiSig.
func shown(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}
