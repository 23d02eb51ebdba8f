package mockserver_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/sparkmock/sparkmock/internal/syncbuf"
	"github.com/sparkmock/sparkmock/mockserver"
)

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
