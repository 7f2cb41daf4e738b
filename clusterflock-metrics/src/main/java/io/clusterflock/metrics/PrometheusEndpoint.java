package io.clusterflock.metrics;

import io.clusterflock.ClusterEvent;
import io.clusterflock.spi.MetricsEndpoint;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.InetSocketAddress;

/** A serving endpoint: the HTTP server that answers scrapes, and the event metrics it takes events into. */
final class PrometheusEndpoint implements MetricsEndpoint {
    private final HTTPServer server;
    private final EventMetrics events;
    private final InetSocketAddress address;

    PrometheusEndpoint(HTTPServer server, EventMetrics events, InetSocketAddress address) {
        this.server = server;
        this.events = events;
        this.address = address;
    }

    @Override
    public void accept(ClusterEvent event) {
        events.accept(event);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** Closes the port at once; a scrape being answered is cut short (the master is stopping). */
    @Override
    public void close() {
        server.close();
    }
}
