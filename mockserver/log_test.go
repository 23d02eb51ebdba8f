package mockserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/mockserver"
)

// logLines runs requests against a mock logging JSON at level and returns its request lines.
func logLines(t *testing.T, level slog.Level, requests func(m *mock)) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	m := newMock(t, func(c *mockserver.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
	})
	requests(m)
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "request" {
			out = append(out, rec)
		}
	}
	return out
}

// TestRequestLogLine: one line per request says what was asked (the query, its secrets masked),
// the scenario forced, why a 4xx was refused, and how long it took in milliseconds; probes log
// at debug only.
func TestRequestLogLine(t *testing.T) {
	lines := logLines(t, slog.LevelInfo, func(m *mock) {
		m.get(t, "/v1/contacts/export?_limit=2&_filter=Tags%20Eq%20%27IDX%20Lead%27", ua, avery)
		m.get(t, "/v1/contacts/export?AuthToken=0123456789abcdef0123&ApiSig=fedcba9876543210fedcba&_limit=1", ua)
		m.get(t, "/v1/contacts/export?%41%75%74%68%54%6F%6B%65%6E=0123456789bcdef01234&%41%70%69%53%69%67=fedcb9876543210fedcb", ua)
		m.get(t, "/v1/contacts/export?_limit=500", ua, avery)
		m.get(t, "/v1/contacts/export", ua, avery, "X-Mock-Scenario: rate-limited")
		m.get(t, "/v1/contacts/export?_limit=1", ua, avery, "X-Mock-Variant: ties-id-desc,timestamps-utc")
		m.get(t, "/healthz")
		m.get(t, "/readyz")
		m.get(t, "/metrics")
	})
	if len(lines) != 6 {
		t.Fatalf("%d request lines at info, want 6 (probes only at debug): %v", len(lines), lines)
	}
	if got, want := lines[5]["variant"], "timestamps-utc,ties-id-desc"; got != want {
		t.Errorf("variants logged %v, want %q (the table's order)", got, want)
	}
	if _, ok := lines[0]["variant"]; ok {
		t.Errorf("no variant asked, yet logged %v", lines[0]["variant"])
	}
	// Names spelled with escapes are the same parameters to the mock: masked all the same.
	if q, _ := lines[2]["query"].(string); strings.Contains(q, "0123456789bcdef01234") || strings.Contains(q, "fedcb9876543210fedcb") {
		t.Errorf("query %q, want percent-encoded AuthToken and ApiSig masked", q)
	}
	lines = append(lines[:2], lines[3:]...)
	if got, want := lines[0]["query"], "_limit=2&_filter=Tags%20Eq%20%27IDX%20Lead%27"; got != want {
		t.Errorf("query %v, want %q", got, want)
	}
	if d, ok := lines[0]["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms %v, want milliseconds as a number", lines[0]["duration_ms"])
	}
	if _, ok := lines[0]["error"]; ok {
		t.Errorf("a 200 has an error attribute: %v", lines[0])
	}
	q, _ := lines[1]["query"].(string)
	if strings.Contains(q, "0123456789abcdef0123") || strings.Contains(q, "fedcba9876543210fedcba") || !strings.Contains(q, "AuthToken=0123...23") || !strings.Contains(q, "&_limit=1") {
		t.Errorf("query %q, want AuthToken and ApiSig masked, the rest as sent", q)
	}
	if msg, _ := lines[2]["error"].(string); lines[2]["status"] != 400.0 || !strings.Contains(msg, "_limit") {
		t.Errorf("a 400 for _limit=500 logged status %v error %q, want the envelope's message", lines[2]["status"], msg)
	}
	if lines[3]["scenario"] != "rate-limited" || lines[3]["status"] != 429.0 {
		t.Errorf("forced scenario logged %v (status %v), want scenario rate-limited, 429", lines[3]["scenario"], lines[3]["status"])
	}
	if _, ok := lines[0]["scenario"]; ok {
		t.Errorf("no scenario forced, yet logged %v", lines[0]["scenario"])
	}

	debug := logLines(t, slog.LevelDebug, func(m *mock) { m.get(t, "/healthz"); m.get(t, "/metrics") })
	if len(debug) != 2 || debug[0]["level"] != "DEBUG" {
		t.Errorf("probes at debug: %v, want 2 DEBUG lines", debug)
	}
}

// TestRequestLogMasksTheSessionInThePath: DELETE /v1/session/<AuthToken> is logged with the
// token masked, whether the delete worked or not.
func TestRequestLogMasksTheSessionInThePath(t *testing.T) {
	var logs syncbuf.Buffer
	m := newMock(t, func(c *mockserver.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	const tok = "a-session-token-0123456789"
	m.do(t, "DELETE", "/v1/session/"+tok+"?ApiSig=x", ua)
	if strings.Contains(logs.String(), tok) || !strings.Contains(logs.String(), "/v1/session/a-se...89") {
		t.Errorf("the request log: %s; want the token masked as a-se...89", logs.String())
	}
}
