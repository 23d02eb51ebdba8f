package mockserver

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

// RequestIDHeader carries the id of a request, kept from the request when it has a sane one.
const RequestIDHeader = "X-Request-Id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:\-]{1,128}$`)

// requestIDs makes ids unique to this process: a random prefix and a counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
}

func (r *requestIDs) next() string {
	n := r.n.Add(1)
	var buf [8 + 1 + 16]byte
	copy(buf[:], r.prefix)
	buf[8] = '-'
	const digits = "0123456789abcdef"
	for i := len(buf) - 1; i > 8; i-- {
		buf[i] = digits[n&0xf]
		n >>= 4
	}
	return string(buf[:])
}

// probePaths are the paths a cluster or a scraper asks all the time: their lines are at debug.
var probePaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// logRequests gives every response an X-Request-Id and writes one log line per request.
func logRequests(log *slog.Logger) echo.MiddlewareFunc {
	ids := newRequestIDs()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req := c.Request()
			id := req.Header.Get(RequestIDHeader)
			if !requestIDPattern.MatchString(id) {
				id = ids.next()
			}
			c.Response().Header().Set(RequestIDHeader, id)
			st := stateOf(c)
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			res := c.Response()
			level := slog.LevelInfo
			switch {
			case res.Status >= 500:
				level = slog.LevelError
			case probePaths[req.URL.Path]:
				// [choice] Probes at debug: a cluster asks every few seconds, and those lines
				// would bury the requests people make.
				level = slog.LevelDebug
			}
			if !log.Enabled(req.Context(), level) {
				return nil
			}
			attrs := make([]slog.Attr, 0, 16) // every attribute below at once: no second allocation
			attrs = append(attrs,
				slog.String("method", req.Method),
				slog.String("path", maskedPath(req.URL.Path)),
			)
			if req.URL.RawQuery != "" {
				q, _ := sparkmock.MaskQuery(req.URL.RawQuery)
				attrs = append(attrs, slog.String("query", q))
			}
			attrs = append(attrs,
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				// Milliseconds as a number, in text and JSON alike (slog's Duration is
				// nanoseconds in JSON, which collectors then have to rescale).
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("request_id", id),
			)
			if st.code != 0 {
				attrs = append(attrs, slog.Int("code", st.code))
			}
			if st.message != "" && res.Status >= 400 {
				attrs = append(attrs, slog.String("error", st.message))
			}
			if st.scenario != "" {
				attrs = append(attrs, slog.String("scenario", st.scenario))
			}
			if st.variants != 0 {
				attrs = append(attrs, slog.String("variant", strings.Join(st.variants.names(), ",")))
			}
			if tok, ok := st.tokenOf(); ok {
				attrs = append(attrs, slog.String("role", string(tok.Role)), slog.String("account", tok.AccountID), slog.String("token", sparkmock.MaskSecret(tok.Token)))
			}
			log.LogAttrs(req.Context(), level, "request", attrs...)
			return nil
		}
	}
}

// maskedPath is a path as the log shows it: the AuthToken of DELETE /v1/session/<token>
// masked, like every secret.
func maskedPath(p string) string {
	m, _ := sparkmock.MaskPath(p)
	return m
}
