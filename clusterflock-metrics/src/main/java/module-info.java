/**
 * The master's Prometheus endpoint: with {@code --metrics HOST:PORT} (or {@code metrics(...)},
 * {@code -Dclusterflock.metrics}) and this module beside clusterflock-core, the master serves
 * {@code GET /metrics} in the Prometheus text format. The core finds it through
 * {@link io.clusterflock.spi.MetricsExporter}; nothing here is API.
 */
module io.clusterflock.metrics {
    requires io.clusterflock;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.httpserver;
    requires jdk.httpserver; // the JDK's HTTP server serves the scrapes, whatever else is on the class path

    provides io.clusterflock.spi.MetricsExporter with io.clusterflock.metrics.PrometheusExporter;
}
