package mockserver

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

// ScenarioHeader forces a documented failure on one request: the mock-only way for QA to
// reproduce what a real service does on a bad day.
const ScenarioHeader = "X-Mock-Scenario"

// Scenario is a forced answer. The zero Scenario answers normally.
type Scenario struct {
	Name    string        // one of ScenarioNames, "" for none
	Latency time.Duration // for "latency=<duration>"
}

// ScenarioNames are the scenarios a request may force, as they are written.
var ScenarioNames = []string{"rate-limited", "session-expired", "unavailable", "server-error", "latency=<duration>", "reset"}

// forcedRetryAfter is the Retry-After of the forced 429 and 503, in seconds.
const forcedRetryAfter = 30

// maxScenarioLatency bounds latency=<duration>, so a typo cannot hold a connection for hours.
const maxScenarioLatency = 5 * time.Minute

// ParseScenario reads a scenario as the header and the -scenario flag write it.
func ParseScenario(s string) (Scenario, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "none":
		return Scenario{}, nil
	case "rate-limited", "session-expired", "unavailable", "server-error", "reset":
		return Scenario{Name: s}, nil
	}
	if v, ok := strings.CutPrefix(s, "latency="); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > maxScenarioLatency {
			return Scenario{}, sparkmock.Errorf(sparkmock.CodeBadParameter, "%s: latency=%s must be a duration from 0 to %s, like latency=250ms", ScenarioHeader, v, maxScenarioLatency)
		}
		return Scenario{Name: "latency", Latency: d}, nil
	}
	return Scenario{}, sparkmock.Errorf(sparkmock.CodeBadParameter, "%s: unknown scenario %q; valid ones: %s", ScenarioHeader, s, strings.Join(ScenarioNames, ", "))
}

// String writes the scenario as it is parsed.
func (s Scenario) String() string {
	if s.Name == "latency" {
		return "latency=" + s.Latency.String()
	}
	return s.Name
}

// sleepFunc waits for d unless ctx ends first.
type sleepFunc func(ctx context.Context, d time.Duration) error

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// forceScenarios answers with the scenario a request (or, by default, the server) asks for.
// It runs first on the API routes ([choice]: a forced failure is what the caller asked for,
// whatever else the request holds).
func forceScenarios(def Scenario, wait sleepFunc, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sc := def
			if h := c.Request().Header.Get(ScenarioHeader); h != "" {
				var err error
				if sc, err = ParseScenario(h); err != nil {
					return err
				}
			}
			if sc.Name != "" {
				stateOf(c).setScenario(sc.String())
			}
			switch sc.Name {
			case "":
				return next(c)
			case "rate-limited":
				return sparkmock.Errorf(sparkmock.CodeRateLimited, "Over the rate limit (forced by %s); retry in %d seconds", ScenarioHeader, forcedRetryAfter).
					WithHeader("Retry-After", strconv.Itoa(forcedRetryAfter))
			case "session-expired":
				return sparkmock.Errorf(sparkmock.CodeExpired, "Session expired (forced by %s): authenticate again", ScenarioHeader)
			case "unavailable":
				return sparkmock.Errorf(sparkmock.CodeUnavailable, "Service temporarily unavailable (forced by %s)", ScenarioHeader).
					WithHeader("Retry-After", strconv.Itoa(forcedRetryAfter))
			case "server-error":
				return sparkmock.Errorf(sparkmock.CodeInternal, "Internal server error (forced by %s)", ScenarioHeader)
			case "latency":
				if err := wait(c.Request().Context(), sc.Latency); err != nil {
					return err
				}
				return next(c)
			case "reset":
				log.Info("cutting the connection (forced by "+ScenarioHeader+")", "path", c.Request().URL.Path)
				// net/http closes the connection without an answer; HTTP/2 resets the stream.
				panic(http.ErrAbortHandler)
			}
			return fmt.Errorf("scenario %q has no handler", sc.Name)
		}
	}
}

// LatencyRange is extra latency on every API request: Min when Max is zero, else a value in
// [Min, Max] chosen per request.
type LatencyRange struct{ Min, Max time.Duration }

// ParseLatency reads -latency: "20ms" or "20ms-200ms".
func ParseLatency(s string) (LatencyRange, error) {
	if s == "" {
		return LatencyRange{}, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	min, err := time.ParseDuration(lo)
	if err != nil || min < 0 {
		return LatencyRange{}, fmt.Errorf("latency %q: want a duration like 20ms or a range like 20ms-200ms", s)
	}
	if !isRange {
		return LatencyRange{Min: min}, nil
	}
	max, err := time.ParseDuration(hi)
	if err != nil || max < min {
		return LatencyRange{}, fmt.Errorf("latency %q: want a range low-high with low <= high, like 20ms-200ms", s)
	}
	return LatencyRange{Min: min, Max: max}, nil
}

// For returns the latency of one request: a hash of (seed, method, URI, credentials) picks it
// in the range, so the same request always waits the same time.
func (l LatencyRange) For(seed int64, r *http.Request) time.Duration {
	if l.Max <= l.Min {
		return l.Min
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s", seed, r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"))
	span := uint64(l.Max-l.Min) + 1
	return l.Min + time.Duration(h.Sum64()%span)
}

// addLatency delays every API request (under sparkmock.APIPrefix) by its latency. [choice] Not the
// probes, metrics or page: a -latency past a probe's timeout would take the mock out of
// its load balancer.
func addLatency(l LatencyRange, seed int64, wait sleepFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !strings.HasPrefix(c.Request().URL.Path, sparkmock.APIPrefix+"/") {
				return next(c)
			}
			if err := wait(c.Request().Context(), l.For(seed, c.Request())); err != nil {
				return err
			}
			return next(c)
		}
	}
}
