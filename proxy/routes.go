package proxy

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every route of the proxy: its own few, and the rest forwarded ([choice]: in
// proxy mode the mock's data and /_mock/accounts are not served, only forwarded).
func (p *Proxy) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", handleStatus(`{"status":"ok"}`, nil))
	mux.HandleFunc("GET /readyz", handleStatus(`{"status":"ready"}`, p.ready.Load))
	mux.Handle("GET /metrics", promhttp.HandlerFor(p.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /_mock/violations", handleViolations(p.recent))
	mux.HandleFunc("/", p.forward)
	return mux
}

// handleStatus answers a fixed JSON body, or 503 when ready says no.
func handleStatus(body string, ready func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if ready != nil && !ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"shutting down"}`))
			return
		}
		_, _ = w.Write([]byte(body))
	}
}
