package mockserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	sparkmock "github.com/sparkmock/sparkmock"
)

// metrics are the server's Prometheus metrics, in a registry of its own (no global state).
type metrics struct {
	registry            *prometheus.Registry
	requests            *prometheus.CounterVec
	duration            *prometheus.HistogramVec
	validationFailures  *prometheus.CounterVec
	reloads, reloadErrs prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkmock_http_requests_total",
			Help: "Requests served, by route, status and the role of the token.",
		}, []string{"path", "status", "role"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sparkmock_http_request_duration_seconds",
			Help:    "Time to answer a request, by route.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"path"}),
		validationFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkmock_response_validation_failures_total",
			Help: "Responses that broke openapi.yaml and were replaced by a 500, by route.",
		}, []string{"path"}),
		reloads: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sparkmock_fixtures_reloads_total",
			Help: "Fixtures reloads that took effect.",
		}),
		reloadErrs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sparkmock_fixtures_reload_errors_total",
			Help: "Fixtures reloads refused (the previous data stays).",
		}),
	}
	for _, p := range sparkmock.ExportPaths() {
		m.validationFailures.WithLabelValues(p) // known routes show 0 before any failure
	}
	m.registry.MustRegister(m.requests, m.duration, m.validationFailures, m.reloads, m.reloadErrs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// routeLabel is the registered route of a request, never the raw path, so labels stay few.
func routeLabel(c echo.Context) string {
	if p := c.Path(); p != "" && p != "/*" {
		return p
	}
	return "unmatched"
}

// measure counts every request and times it.
func (m *metrics) measure() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			role := "none"
			if tok, ok := stateOf(c).tokenOf(); ok {
				role = string(tok.Role)
			}
			path := routeLabel(c)
			m.requests.WithLabelValues(path, strconv.Itoa(c.Response().Status), role).Inc()
			m.duration.WithLabelValues(path).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
