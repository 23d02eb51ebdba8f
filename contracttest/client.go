package contracttest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds of the client: how often and how long a 429 is waited out, and how much of a body
// is read.
const (
	maxRetries    = 3
	maxRetryWait  = 60 * time.Second
	defaultRetry  = time.Second // when a 429 has no usable Retry-After
	maxBodyBytes  = 8 << 20
	retryAfterHdr = "Retry-After"
)

// errThrottled is returned when the target still answers 429 after maxRetries waits.
var errThrottled = errors.New("the target kept answering 429 Too Many Requests")

// client sends the suite's requests: one at a time, at most rate per second, each bounded by
// a timeout, waiting out 429 answers as Retry-After asks.
type client struct {
	hc       *http.Client
	timeout  time.Duration
	interval time.Duration // 0: no cap

	mu       sync.Mutex
	next     time.Time // earliest time the next request may go
	requests int
}

func newClient(hc *http.Client, rate float64, timeout time.Duration) *client {
	c := &client{hc: hc, timeout: timeout}
	if rate > 0 {
		c.interval = time.Duration(float64(time.Second) / rate)
	}
	return c
}

// response is what came back for one request.
type response struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool // the body was longer than maxBodyBytes
}

// send sends the request newReq builds (again for each retry) and reads the whole answer.
func (c *client) send(ctx context.Context, newReq func(context.Context) (*http.Request, error)) (*response, error) {
	for attempt := 0; ; attempt++ {
		if err := c.pace(ctx); err != nil {
			return nil, err
		}
		res, err := c.once(ctx, newReq)
		if err != nil {
			return nil, err
		}
		if res.status != http.StatusTooManyRequests {
			return res, nil
		}
		if attempt == maxRetries {
			return res, errThrottled
		}
		wait := retryAfter(res.header.Get(retryAfterHdr), time.Now())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (c *client) once(ctx context.Context, newReq func(context.Context) (*http.Request, error)) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := newReq(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.requests++
	c.mu.Unlock()
	res, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer within %v: %w", c.timeout, err)
		}
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	out := &response{status: res.StatusCode, header: res.Header, body: body}
	if len(body) > maxBodyBytes {
		out.body, out.truncated = body[:maxBodyBytes], true
	}
	return out, nil
}

// pace waits until the rate cap lets the next request go.
func (c *client) pace(ctx context.Context) error {
	if c.interval == 0 {
		return nil
	}
	c.mu.Lock()
	now := time.Now()
	at := c.next
	if at.Before(now) {
		at = now
	}
	c.next = at.Add(c.interval)
	c.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *client) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

// retryAfter reads Retry-After (seconds, or an HTTP date), bounded by maxRetryWait.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return defaultRetry
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return defaultRetry
		}
		return min(time.Duration(n)*time.Second, maxRetryWait)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, min(t.Sub(now), maxRetryWait))
	}
	return defaultRetry
}
