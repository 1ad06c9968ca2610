// Package metrics exposes govchat's Prometheus metrics. It uses the official client
// library rather than hand-written exposition: it is the reference implementation of
// the format and brings Go runtime and process metrics for free.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors. Each server instance has its own registry, so tests can
// run several servers in one process.
type Metrics struct {
	registry     *prometheus.Registry
	HTTPRequests *prometheus.CounterVec
	HTTPDuration *prometheus.HistogramVec
	Logins       *prometheus.CounterVec
}

// New creates and registers the collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govchat_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "govchat_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		Logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govchat_logins_total", Help: "Login attempts by outcome (ok, invalid_credentials, account_locked, ...).",
		}, []string{"outcome"}),
	}
	m.registry.MustRegister(m.HTTPRequests, m.HTTPDuration, m.Logins,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
