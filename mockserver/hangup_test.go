package mockserver_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/mockserver"
)

// Regression: a client that hung up during a latency wait was logged as an ERROR with
// status 500, like a bug of the mock. It is logged at info with 499, and nothing counts it as
// a validation failure.
func TestClientGoneDuringLatencyIs499NotAnError(t *testing.T) {
	tests := []struct {
		name       string
		latency    mockserver.LatencyRange
		header     string
		noValidate bool
	}{
		{name: "-latency", latency: mockserver.LatencyRange{Min: time.Hour}},
		{name: "X-Mock-Scenario latency", header: "X-Mock-Scenario: latency=1m"},
		{name: "-latency, responses not validated", latency: mockserver.LatencyRange{Min: time.Hour}, noValidate: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncbuf.Buffer
			waiting := make(chan struct{})
			m := newMock(t, func(c *mockserver.Config) {
				c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				c.Latency = tc.latency
				c.ValidateResponses = !tc.noValidate
				c.Sleep = func(ctx context.Context, d time.Duration) error {
					close(waiting)
					<-ctx.Done() // the client hangs up before the wait ends
					return ctx.Err()
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			req := httptest.NewRequest(http.MethodGet, "/v1/contacts/export", nil).WithContext(ctx)
			req.Header.Set("X-SparkApi-User-Agent", "t")
			req.Header.Set("Authorization", "OAuth private-member-avery")
			if name, value, ok := strings.Cut(tc.header, ": "); ok {
				req.Header.Set(name, value)
			}
			done := make(chan struct{})
			rec := httptest.NewRecorder()
			go func() { defer close(done); m.srv.ServeHTTP(rec, req) }()
			<-waiting
			cancel()
			<-done
			log := logs.String()
			if strings.Contains(log, "level=ERROR") || strings.Contains(log, "status=500") {
				t.Errorf("a client gone is logged as a failure of the mock:\n%s", log)
			}
			if !strings.Contains(log, "level=INFO") || !strings.Contains(log, "status=499") {
				t.Errorf("want an info line with status=499, got:\n%s", log)
			}
			if strings.Contains(rec.Body.String(), "Internal server error") {
				t.Errorf("a 500 envelope was written for a client gone: %s", rec.Body)
			}
			noValidationFailures(t, m, "a client gone")
		})
	}
}
