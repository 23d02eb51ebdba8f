package proxy

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
)

// Entry is one violation as GET /_mock/violations shows it.
type Entry struct {
	Time time.Time `json:"time"`
	contracttest.Violation
}

// ring keeps the last n violations: memory stays bounded however many are seen.
type ring struct {
	mu    sync.Mutex
	buf   []Entry
	next  int
	total int
}

func newRing(n int) *ring { return &ring{buf: make([]Entry, 0, n)} }

func (r *ring) add(e Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total++
	if len(r.buf) < cap(r.buf) {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % cap(r.buf)
}

// snapshot returns the kept entries, oldest first, and how many were ever added.
func (r *ring) snapshot() ([]Entry, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Entry, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	out = append(out, r.buf[:r.next]...)
	return out, r.total
}

// violationsView is the body of GET /_mock/violations.
type violationsView struct {
	// Total counts every violation seen since start; Kept those listed (the most recent).
	Total      int     `json:"total"`
	Kept       int     `json:"kept"`
	Capacity   int     `json:"capacity"`
	Violations []Entry `json:"violations"`
}

// handleViolations lists the recent violations, oldest first.
func handleViolations(r *ring) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		list, total := r.snapshot()
		b, err := json.MarshalIndent(violationsView{Total: total, Kept: len(list), Capacity: cap(r.buf), Violations: list}, "", "  ")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(append(b, '\n'))
	}
}
