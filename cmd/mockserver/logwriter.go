package main

import (
	"io"
	"sync"
	"time"
)

// logWriter buffers log lines and writes them out from a goroutine of its own, every interval
// or as soon as soft bytes are waiting, so a busy server neither makes a write system call per
// request nor lets a request wait behind a slow write: the buffers are swapped under the lock
// and written outside it. Close writes what is left. slog hands it one whole line per Write,
// so lines never interleave or tear.
type logWriter struct {
	out  io.Writer
	soft int

	mu   sync.Mutex
	buf  []byte // lines waiting
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

func newLogWriter(out io.Writer, soft int, every time.Duration) *logWriter {
	lw := &logWriter{out: out, soft: soft, buf: make([]byte, 0, soft),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go lw.loop(every)
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	lw.buf = append(lw.buf, p...)
	full := len(lw.buf) >= lw.soft
	lw.mu.Unlock()
	if full {
		select {
		case lw.kick <- struct{}{}:
		default: // a flush is already on its way
		}
	}
	return len(p), nil
}

func (lw *logWriter) loop(every time.Duration) {
	defer close(lw.done)
	t := time.NewTicker(every)
	defer t.Stop()
	spare := make([]byte, 0, lw.soft)
	for {
		select {
		case <-t.C:
		case <-lw.kick:
		case <-lw.stop:
			spare = lw.flush(spare)
			return
		}
		spare = lw.flush(spare)
	}
}

// flush swaps the waiting lines for the spare buffer and writes them without the lock.
func (lw *logWriter) flush(spare []byte) []byte {
	lw.mu.Lock()
	waiting := lw.buf
	lw.buf = spare[:0]
	lw.mu.Unlock()
	if len(waiting) > 0 {
		_, _ = lw.out.Write(waiting)
	}
	return waiting
}

// Close flushes what is waiting and stops the flusher; it is safe to call more than once.
func (lw *logWriter) Close() error {
	select {
	case <-lw.stop:
	default:
		close(lw.stop)
	}
	<-lw.done
	return nil
}
