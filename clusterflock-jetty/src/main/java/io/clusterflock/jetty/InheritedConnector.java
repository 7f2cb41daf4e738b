package io.clusterflock.jetty;

import io.clusterflock.internal.os.StandardStreams;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A connector on the inherited listening socket that keeps the worker's stdout and stderr alive
 * when it closes: the JDK's inherited channel, on close, points fds 0, 1 and 2 at /dev/null
 * ({@code sun.nio.ch.InheritedChannel.detachIOStreams}), which would silence every log line of the
 * drain that follows. One acceptor: a single blocking {@code accept()} per worker is what shares
 * connections fairly between workers.
 */
final class InheritedConnector extends ServerConnector {
    InheritedConnector(Server server) {
        super(server, 1, -1);
    }

    @Override
    public void close() {
        try (var kept = StandardStreams.keep()) {
            super.close();
        }
    }
}
