package io.clusterflock.jetty;

import io.clusterflock.internal.os.StandardStreams;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
    /** Acceptor threads inside accept(): a connection may be in their hands. */
    private final AtomicInteger inAccept = new AtomicInteger();
    /** Connections accepted, and connections registered with a selector: apart while one is on its way. */
    private final LongAdder accepted = new LongAdder();
    private final LongAdder opened = new LongAdder();

    InheritedConnector(Server server) {
        super(server, 1, -1);
    }

    /**
     * Whether a connection is on its way in: being accepted, or accepted and not yet registered
     * (Jetty registers it with a selector in the background, so it is not yet among the
     * connected end points). Stopping the server then would close it unanswered.
     */
    boolean settling() {
        return inAccept.get() > 0 || accepted.sum() > opened.sum();
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        inAccept.incrementAndGet();
        try {
            super.accept(acceptorID);
            accepted.increment();
        } finally {
            inAccept.decrementAndGet();
        }
    }

    @Override
    protected void onEndPointOpened(EndPoint endPoint) {
        super.onEndPointOpened(endPoint);
        opened.increment();
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
