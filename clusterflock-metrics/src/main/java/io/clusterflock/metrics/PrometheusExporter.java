package io.clusterflock.metrics;

import io.clusterflock.WorkerInfo;
import io.clusterflock.spi.ClusterView;
import io.clusterflock.spi.MetricsEndpoint;
import io.clusterflock.spi.MetricsExporter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executors;

/**
 * The master's metrics on the Prometheus Java client: a registry of its own (nothing of the
 * client's default registry, no JVM metrics of the master: the workers are what is watched), served
 * by the client's HTTP server ({@code GET /metrics}, text or OpenMetrics as the scraper asks),
 * answering each scrape on a virtual thread. Found by the master through {@link java.util.ServiceLoader}.
 */
public final class PrometheusExporter implements MetricsExporter {

    /** For {@link java.util.ServiceLoader}. */
    public PrometheusExporter() {}

    @Override
    public MetricsEndpoint open(InetSocketAddress address, ClusterView cluster) throws IOException {
        InetSocketAddress bindTo = address.isUnresolved()
                ? new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort()) : address;
        Clock clock = Clock.systemUTC();
        PrometheusRegistry registry = new PrometheusRegistry();
        EventMetrics events = new EventMetrics(registry, clock);
        SnapshotMetrics.register(registry, cluster, WorkerInfo::residentMemory);
        Gauge.builder().name("clusterflock_master_start_time_seconds").unit(Unit.SECONDS)
                .help("When the master started, in seconds since the epoch: a change is a new master")
                .register(registry).set(clock.millis() / 1000.0);
        JdkHttpServer.pin();
        HTTPServer server = HTTPServer.builder().inetAddress(bindTo.getAddress()).port(bindTo.getPort()).registry(registry)
                .executorService(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("clusterflock-metrics-", 0).factory()))
                .buildAndStart();
        return new PrometheusEndpoint(server, events, new InetSocketAddress(bindTo.getAddress(), server.getPort()));
    }
}
