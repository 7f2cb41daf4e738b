package io.clusterflock.jetty.inherited;

import io.clusterflock.internal.net.AcceptorWakeUp;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A connector on the inherited listening socket.
 *
 * <p>One acceptor: a single blocking {@code accept()} per worker is what shares connections fairly
 * between workers. {@link #stopAccepting} ends this worker's share without closing its copy of the
 * socket: the JDK's inherited channel, on close, points fds 0, 1 and 2 at /dev/null
 * ({@code sun.nio.ch.InheritedChannel}), which would silence the rest of the drain and the
 * shutdown handlers, and only native code could undo that. The channel stays open until the
 * process exits; an acceptor still blocked in {@code accept()} is woken by {@link #wakeAcceptor}.
 */
public final class InheritedConnector extends ServerConnector {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /** A connection idle this long during a drain is closed: its client is not about to send. */
    public static final long IDLE_CLOSE_MILLIS = 1_000;
    private static final long POLL_MILLIS = 20;
    private volatile boolean stoppedAccepting;
    /** Acceptor threads inside accept(): a connection may be in their hands. */
    private final AtomicInteger inAccept = new AtomicInteger();
    /** Connections accepted, and connections registered with a selector: apart while one is on its way. */
    private final LongAdder accepted = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private volatile AcceptorWakeUp wakeUp;
    /** Until the worker is warm, the acceptor waits here, and the other workers take the connections. */
    private final CountDownLatch admitted = new CountDownLatch(1);
    private volatile SlowStart slowStart = SlowStart.NONE;

    public InheritedConnector(Server server) {
        this(server, new HttpConfiguration());
    }

    /** HTTP/1.1 with {@code http}, the configuration the application gives its own connectors. */
    public InheritedConnector(Server server, HttpConfiguration http) {
        this(server, new HttpConnectionFactory(http));
    }

    /** Speaking what {@code factories} speak, the first the default: see {@link Protocols}. */
    public InheritedConnector(Server server, ConnectionFactory... factories) {
        super(server, 1, -1, factories);
    }

    /**
     * Whether a connection is on its way in: being accepted, or accepted and not yet registered
     * (Jetty registers it with a selector in the background, so it is not yet among the
     * connected end points). Stopping the server then would close it unanswered.
     */
    public boolean settling() {
        return inAccept.get() > 0 || accepted.sum() > opened.sum();
    }

    @Override
    public void open(ServerSocketChannel channel) throws IOException {
        open(channel, OptionalInt.empty());
    }

    /** Opens on {@code channel}; with sticky sessions, the socket of slot {@code stickySlot}. */
    public void open(ServerSocketChannel channel, OptionalInt stickySlot) throws IOException {
        super.open(channel);
        wakeUp = AcceptorWakeUp.of(channel.getLocalAddress(), stickySlot);
    }

    /** Lets the acceptor take connections from now on, with a slow start over {@code ramp} (zero: none). */
    public void admit(Duration ramp) {
        this.slowStart = SlowStart.from(System.nanoTime(), ramp);
        admitted.countDown();
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        try {
            admitted.await();
            // In its slow start, a worker with its share of connections leaves the next to the others.
            while (!stoppedAccepting && openConnections() >= slowStart.allowed(System.nanoTime())) {
                Thread.sleep(SlowStart.PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Jetty stops its acceptors so
            return;
        }
        inAccept.incrementAndGet();
        try {
            // Read after counting ourselves in; the drain reads the count after setting the flag:
            // either this acceptor sees the stop, or the drain sees it in accept() and wakes it.
            if (stoppedAccepting) {
                return;
            }
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

    /**
     * Accepts no more connections; those already open are left alone. An acceptor blocked in
     * {@code accept()} stays there until a connection arrives: see {@link #wakeAcceptor}.
     */
    public void stopAccepting() {
        setAccepting(false);
        stoppedAccepting = true;
        admitted.countDown(); // an acceptor still waiting to start returns, and finds it stopped
    }

    /**
     * The connector's part of a drain: stops accepting, then, for at most {@code time}, wakes the
     * acceptor and closes connections idle for {@link #IDLE_CLOSE_MILLIS} until no connection is
     * on its way in or open; whether it got there. (It polls: Jetty has no event for "none left".)
     * Connections with a request still to send learn to go from {@code Connection: close}, which
     * the {@link DrainHandler} puts on every answer once it drains. WebSockets neither hold the
     * drain nor are closed here: {@link WebSockets#close} ends them, with a close frame, after it.
     */
    public boolean drain(Duration time) throws InterruptedException {
        stopAccepting();
        long deadline = System.nanoTime() + time.toNanos();
        boolean busy;
        while ((busy = settling() || closeIdle(IDLE_CLOSE_MILLIS) > 0) && System.nanoTime() - deadline < 0) {
            wakeAcceptor();
            Thread.sleep(POLL_MILLIS);
        }
        return !busy;
    }

    /**
     * While an acceptor is still in {@code accept()}, makes one connection to the socket to bring it
     * out (it serves whatever it gets, then waits for good); call it until {@link #settling} is false.
     */
    public void wakeAcceptor() {
        if (stoppedAccepting && inAccept.get() > 0 && !wakeUp.connect()) {
            LOG.log(System.Logger.Level.DEBUG, "cannot connect to " + wakeUp.targets() + " to wake the acceptor");
        }
    }

    /** Whether an acceptor is still inside {@code accept()}. */
    public boolean acceptorWaiting() {
        return inAccept.get() > 0;
    }

    /** The connections open now, WebSockets included. */
    public int openConnections() {
        return getConnectedEndPoints().size();
    }

    /** The WebSockets open now. */
    public int openWebSockets() {
        return WebSockets.count(getConnectedEndPoints());
    }

    /**
     * Closes the connections that answered every request they received and have been quiet for
     * {@code idleMillis}; returns how many are still open, not counting WebSockets, which it
     * leaves alone (a quiet WebSocket is no idle HTTP connection, and must not end without a
     * close frame). An HTTP/2 connection first gets a notice (once, see {@link Http2Drain}): its
     * client opens no new stream on it, the streams it has finish, and it is closed once it has
     * none and is quiet, like an HTTP/1.1 one.
     */
    public int closeIdle(long idleMillis) {
        int open = 0;
        for (EndPoint endPoint : getConnectedEndPoints()) {
            if (WebSockets.is(endPoint)) {
                continue;
            }
            Connection served = ServedConnection.of(endPoint);
            if (served instanceof HTTP2Connection h2) {
                Http2Drain.announce(h2);
            }
            if (quietFor(endPoint, served, idleMillis)) {
                if (served instanceof HTTP2Connection h2) {
                    Http2Drain.close(h2, endPoint);
                } else {
                    endPoint.close();
                }
            } else {
                open++;
            }
        }
        return open;
    }

    /**
     * HTTP/2: no stream left. HTTP/1.1: Jetty counts a request in once its headers are parsed,
     * before the handler has it, and a response out as soon as sending starts: both counts and
     * the handler's own are needed.
     */
    private static boolean quietFor(EndPoint endPoint, Connection served, long idleMillis) {
        boolean answeredAll = switch (served) {
            case null -> false;
            case HTTP2Connection h2 -> Http2Drain.idle(h2) && !InFlightRequests.any(served);
            default -> served.getMessagesIn() == served.getMessagesOut() && !InFlightRequests.any(served);
        };
        return answeredAll && endPoint instanceof IdleTimeout idle && idle.getIdleFor() >= idleMillis;
    }

    /**
     * Leaves the inherited channel open (Jetty calls this as it stops): see the class comment. The
     * process's exit closes it; by then nothing accepts from it. An acceptor that never left
     * {@code accept()} is interrupted as Jetty stops, which closes the channel the JDK's way.
     */
    @Override
    public void close() {
    }

    /**
     * An acceptor that nothing woke is interrupted as Jetty stops, and fails with
     * ClosedByInterruptException: expected then, not a failure.
     */
    @Override
    protected boolean handleAcceptFailure(Throwable failure) {
        return !stoppedAccepting && super.handleAcceptFailure(failure);
    }
}
