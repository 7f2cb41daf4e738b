package io.clusterflock.spi;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What serves the master's metrics when {@code --metrics} is set: the module
 * {@code io.clusterflock:clusterflock-metrics} provides it, and the master finds it with
 * {@link java.util.ServiceLoader}, so that the core keeps depending on the JDK alone and a
 * cluster without metrics carries no metrics library.
 *
 * <p>The master opens the endpoint before it spawns its first worker, so that no event is missed,
 * passes it every {@link io.clusterflock.ClusterEvent} on the supervisor's thread, and closes it once
 * every worker is gone.
 */
public interface MetricsExporter {

    /**
     * Starts serving {@code GET /metrics} on {@code address}; an unresolved address is looked up
     * first, a wildcard one is every interface, port 0 lets the kernel pick.
     *
     * @param cluster what the cluster looks like now, read at each scrape
     * @throws IOException when it cannot listen there: {@link java.net.BindException} for a port
     *                     in use, {@link java.net.UnknownHostException} for a host that does not resolve
     */
    MetricsEndpoint open(InetSocketAddress address, ClusterView cluster) throws IOException;
}
