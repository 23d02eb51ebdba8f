// Package syncbuf is a bytes.Buffer safe for one goroutine to write while another reads: the
// log sink of tests that read a server's log while it runs.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a concurrency-safe buffer; its zero value is ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
