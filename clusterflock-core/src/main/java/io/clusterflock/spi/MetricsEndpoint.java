package io.clusterflock.spi;

import io.clusterflock.ClusterEvent;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A metrics endpoint that serves: it counts the events it is given (exits, reloads, readiness),
 * which it must take in quickly as it runs on the supervisor's thread, and reads the rest from its
 * {@link ClusterView} when it is scraped.
 */
public interface MetricsEndpoint extends Consumer<ClusterEvent>, AutoCloseable {

    /** Where it listens, with the port the kernel picked for port 0. */
    InetSocketAddress address();

    /** Stops serving and frees the port. */
    @Override
    void close();
}
