package io.clusterflock.jetty;

import io.clusterflock.internal.os.StandardStreams;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A connector on the inherited listening socket.
 *
 * <p>One acceptor: a single blocking {@code accept()} per worker is what shares connections fairly
 * between workers. {@link #stopAccepting} closes this worker's copy of the socket (the other
 * workers keep accepting from it, so nothing queued is lost) and keeps stdout and stderr alive
 * across that close: the JDK's inherited channel, on close, points fds 0, 1 and 2 at /dev/null
 * ({@code sun.nio.ch.InheritedChannel}), which would silence every log line of the drain.
 */
final class InheritedConnector extends ServerConnector {
    private volatile boolean stoppedAccepting;

    InheritedConnector(Server server) {
        super(server, 1, -1);
    }

    /** Accepts no more connections; those already open are left alone. */
    void stopAccepting() {
        stoppedAccepting = true;
        setAccepting(false);
        close();
    }

    /**
     * Closes the connections that answered every request they received and have been quiet for
     * {@code idleMillis}; returns how many are still open.
     */
    int closeIdle(long idleMillis) {
        int open = 0;
        for (EndPoint endPoint : getConnectedEndPoints()) {
            if (quietFor(endPoint, idleMillis)) {
                endPoint.close();
            } else {
                open++;
            }
        }
        return open;
    }

    private static boolean quietFor(EndPoint endPoint, long idleMillis) {
        Connection connection = endPoint.getConnection();
        boolean answeredAll = connection != null && connection.getMessagesIn() == connection.getMessagesOut();
        return answeredAll && endPoint instanceof IdleTimeout idle && idle.getIdleFor() >= idleMillis;
    }

    @Override
    public void close() {
        try (var kept = StandardStreams.keep()) {
            super.close();
        }
    }

    /** The acceptor wakes with an error when we close the socket under it: that is the plan, not a failure. */
    @Override
    protected boolean handleAcceptFailure(Throwable failure) {
        return !stoppedAccepting && super.handleAcceptFailure(failure);
    }
}
