package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/syncbuf"
)

func TestLogWriterLosesNothingAndKeepsLinesWhole(t *testing.T) {
	var out syncbuf.Buffer
	lw := newLogWriter(&out, 256, time.Hour) // only a full buffer or Close write
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				fmt.Fprintf(lw, "goroutine=%d line=%d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}(g)
	}
	wg.Wait()
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("got %d lines, want 1600", len(lines))
	}
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "goroutine=%d line=%d", &g, &i); err != nil || !strings.HasSuffix(l, strings.Repeat("x", i%50)) {
			t.Fatalf("torn line %q", l)
		}
	}
	if err := lw.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestLogWriterFlushesOnItsOwn(t *testing.T) {
	var out syncbuf.Buffer
	lw := newLogWriter(&out, 64<<10, 10*time.Millisecond)
	defer lw.Close()
	fmt.Fprintln(lw, "hello")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "hello\n" {
		if time.Now().After(deadline) {
			t.Fatal("the line never came out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
