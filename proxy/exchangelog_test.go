package proxy_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/internal/mockedit"
	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/proxy"
)

// TestOneLogLinePerExchange: every exchange through the proxy is one info line with what was
// asked (secrets masked), the status the client got and the verdict: pass, violations, fault.
func TestOneLogLinePerExchange(t *testing.T) {
	// The upstream breaks one rule when asked for _limit=3 (OwnerId on /export).
	broken := mockedit.Results(func(r *http.Request, i int, c map[string]any) {
		if r.URL.Query().Get("_limit") == "3" {
			c["OwnerId"] = "20000000000000000000000001"
		}
	})(newMock(t))
	var logs syncbuf.Buffer
	_, srv := newProxy(t, serve(t, broken).URL, func(c *proxy.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	const sig = "fedcb9876543210fedcb"
	get(t, srv.URL+"/v1/contacts/export?_limit=2&ApiSig="+sig, "private-company-prairie")
	get(t, srv.URL+"/v1/contacts/export?_limit=3", "private-company-prairie")
	_, dead := newProxy(t, "http://127.0.0.1:1", func(c *proxy.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	get(t, dead.URL+"/v1/contacts/export", "private-company-prairie")

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if rec["msg"] == "exchange" {
			lines = append(lines, rec)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d exchange lines, want 3: %s", len(lines), logs.String())
	}
	for i, want := range []struct {
		verdict string
		status  float64
	}{{"pass", 200}, {"violations", 200}, {"fault", 502}} {
		if lines[i]["verdict"] != want.verdict || lines[i]["status"] != want.status || lines[i]["level"] != "INFO" {
			t.Errorf("exchange %d logged verdict %v status %v level %v, want %s %v INFO", i, lines[i]["verdict"], lines[i]["status"], lines[i]["level"], want.verdict, want.status)
		}
		if _, ok := lines[i]["duration_ms"].(float64); !ok {
			t.Errorf("exchange %d: duration_ms %v, want milliseconds as a number", i, lines[i]["duration_ms"])
		}
	}
	if q, _ := lines[0]["query"].(string); !strings.Contains(q, "_limit=2") || strings.Contains(q, sig) {
		t.Errorf("query %q, want _limit=2 with the ApiSig masked", q)
	}
	if lines[2]["fault"] != proxy.FaultUnreachable {
		t.Errorf("fault %v, want %s", lines[2]["fault"], proxy.FaultUnreachable)
	}
	if strings.Contains(logs.String(), "private-company-prairie") {
		t.Errorf("a token in full in the log: %s", logs.String())
	}
}
