package proxy

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestReadBodyGrowsOnlyAsBytesArrive: a buffer is never reserved at the declared length,
// never grows past the cap, and is charged to the budget as it grows.
func TestReadBodyGrowsOnlyAsBytesArrive(t *testing.T) {
	const maxLen = 1 << 20
	tests := []struct {
		name       string
		size       int64 // declared; -1 unknown
		sent       int
		wantErr    error
		maxCharged int64
	}{
		{name: "a lying Content-Length: 64 KB of 30 MB", size: 30 << 20, sent: 64 << 10, wantErr: errTooLarge, maxCharged: 0},
		{name: "a lying length under the cap", size: maxLen, sent: 64 << 10, wantErr: io.ErrUnexpectedEOF, maxCharged: 128 << 10},
		{name: "exactly the cap, unknown length", size: -1, sent: maxLen, maxCharged: maxLen + 1},
		{name: "one byte past the cap, unknown length", size: -1, sent: maxLen + 1, wantErr: errTooLarge, maxCharged: maxLen + 1},
		{name: "a page, known length", size: 12 << 10, sent: 12 << 10, maxCharged: 32 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &budget{max: 64 << 20}
			var charged int64
			body, err := readBody(io.LimitReader(bytes.NewReader(make([]byte, tt.sent)), int64(tt.sent)), tt.size, maxLen, make([]byte, 0, 32<<10), b, &charged)
			if !errors.Is(err, tt.wantErr) || (err == nil && len(body) != tt.sent) {
				t.Errorf("got %d bytes, %v; want %d, %v", len(body), err, tt.sent, tt.wantErr)
			}
			if err == nil && int64(cap(body)) > tt.maxCharged {
				t.Errorf("the buffer holds %d bytes, want at most %d", cap(body), tt.maxCharged)
			}
			if charged > max(tt.maxCharged, 32<<10) || b.used.Load() != charged {
				t.Errorf("charged %d (budget %d), want at most %d and the same", charged, b.used.Load(), tt.maxCharged)
			}
		})
	}
}

// TestReadBodyBusy: past the budget, readBody stops with errBusy and keeps its charge for
// the caller to give back.
func TestReadBodyBusy(t *testing.T) {
	b := &budget{max: 256 << 10}
	var charged int64
	_, err := readBody(bytes.NewReader(make([]byte, 1<<20)), -1, 4<<20, nil, b, &charged)
	if !errors.Is(err, errBusy) || charged > 256<<10 || b.used.Load() != charged {
		t.Errorf("got %v, charged %d of %d; want errBusy within the budget", err, charged, b.used.Load())
	}
}
