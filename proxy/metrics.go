package proxy

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/sparkmock/sparkmock/contracttest"
)

// metrics are the proxy's Prometheus metrics, in a registry of its own.
type metrics struct {
	registry   *prometheus.Registry
	exchanges  *prometheus.CounterVec
	duration   prometheus.Histogram
	violations *prometheus.CounterVec
	faults     *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkmock_proxy_exchanges_total",
			Help: "Requests forwarded, by the upstream's status (0: no answer).",
		}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sparkmock_proxy_exchange_duration_seconds",
			Help:    "Time from a request's arrival to its judged answer.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkmock_proxy_violations_total",
			Help: "Contract violations seen, by check id.",
		}, []string{"check"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sparkmock_proxy_upstream_faults_total",
			Help: "Requests the upstream gave no usable answer to, by fault.",
		}, []string{"fault"}),
	}
	// Every check id is there from the start, at 0: a series born at 1 loses its first
	// violation in a fleet's sum(increase(...)), and the ids are a fixed set.
	for _, c := range contracttest.ExchangeChecks() {
		m.violations.WithLabelValues(c.ID)
	}
	m.registry.MustRegister(m.exchanges, m.duration, m.violations, m.faults,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) exchange(status int, d time.Duration) {
	m.exchanges.WithLabelValues(strconv.Itoa(status)).Inc()
	m.duration.Observe(d.Seconds())
}

func (m *metrics) violation(check string) { m.violations.WithLabelValues(check).Inc() }
func (m *metrics) fault(kind string)      { m.faults.WithLabelValues(kind).Inc() }
