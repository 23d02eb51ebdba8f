package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// byteSize is a flag of a number of bytes: 65536, 64KiB, 32MiB, 1GiB (or KB, MB, GB in
// powers of 1000).
type byteSize int64

func (b *byteSize) String() string { return formatBytes(int64(*b)) }

func (b *byteSize) Set(s string) error {
	s = strings.TrimSpace(s)
	num := strings.TrimRight(s, "KMGiBkb")
	unit := s[len(num):]
	mult := map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "KB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if mult == 0 || err != nil || n <= 0 || n > (1<<40)/mult {
		return fmt.Errorf("%q: want a positive size like 65536, 64KiB or 32MiB", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func formatBytes(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// Defaults of the connection limits, in both modes.
const (
	defaultIdleTimeout    = 2 * time.Minute
	defaultWriteTimeout   = time.Minute
	defaultMaxHeaderBytes = 64 << 10
)

// limitConnections sets the server's limits on clients: how long a kept-alive connection
// may sit idle, how large a request's head may be (past it: 431), and how long a client may
// take to accept each piece of an answer.
// [choice] The write deadline starts when the answer starts, and again at each write: the
// time spent making the answer (a latency scenario, a slow upstream, a large export) never
// counts, only a client that stops reading.
func limitConnections(hs *http.Server, o *options) {
	hs.IdleTimeout = o.idleTimeout
	hs.MaxHeaderBytes = int(o.maxHeaderBytes)
	if o.writeTimeout <= 0 {
		return
	}
	// net/http sets the write deadline to now + WriteTimeout as each request is read (for
	// its own writes, a 100 Continue); each write of the handler moves it on.
	hs.WriteTimeout = o.writeTimeout
	next := hs.Handler
	hs.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), d: o.writeTimeout}, r)
	})
}

// deadlineWriter moves the connection's write deadline to now + d before each write.
type deadlineWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

func (w *deadlineWriter) arm() { _ = w.rc.SetWriteDeadline(time.Now().Add(w.d)) }

func (w *deadlineWriter) WriteHeader(code int) { w.arm(); w.ResponseWriter.WriteHeader(code) }

func (w *deadlineWriter) Write(b []byte) (int, error) { w.arm(); return w.ResponseWriter.Write(b) }

// Flush lets a handler that streams flush through the wrapper.
func (w *deadlineWriter) Flush() { w.arm(); _ = w.rc.Flush() }

// Unwrap gives http.ResponseController the writer underneath.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
