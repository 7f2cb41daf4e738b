package io.clusterflock.spring;

import io.clusterflock.internal.net.AcceptorWakeUp;
import io.clusterflock.worker.Worker;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.apache.tomcat.util.net.NioChannel;

/**
 * Tomcat's NIO endpoint on the inherited socket ({@code useInheritedChannel}), whose one acceptor
 * stays in blocking {@code accept()} (blocking accept is what the kernel shares fairly between
 * workers; the socket's O_NONBLOCK flag would change it for every worker) and which Tomcat never
 * closes. What it adds to Tomcat's own:
 *
 * <ul>
 * <li>the acceptor waits until the worker is warm ({@link #admit}): until then the other workers
 * take the connections;
 * <li>it stops accepting without pausing the endpoint ({@link #stopAccepting}, then
 * {@link #wakeAcceptor} until {@link #settling} is false). Tomcat's pause is no way to stop a
 * worker of a shared socket: its acceptor, still blocked in {@code accept()}, takes the next
 * client's connection and closes it unanswered (a paused endpoint destroys what it accepts), and
 * its wake-up connection comes from 127.0.0.1, which the master's closed door drops. Here the
 * wake-up comes from the address the door lets through ({@link AcceptorWakeUp}), and whatever the
 * acceptor takes on its way out is served. Once out, the acceptor waits until Tomcat pauses the
 * endpoint, and leaves without a connection.
 * </ul>
 */
final class InheritedEndpoint extends NioEndpoint {
    private static final long POLL_MILLIS = 20;
    private final CountDownLatch admitted = new CountDownLatch(1);
    private final Object parked = new Object();
    /** Acceptor threads inside accept(): a connection may be in their hands. */
    private final AtomicInteger inAccept = new AtomicInteger();
    /** Connections accepted, and connections handed to the poller (or closed): apart while one is on its way. */
    private final LongAdder accepted = new LongAdder();
    private final LongAdder handedOver = new LongAdder();
    private volatile boolean stoppedAccepting;
    private volatile AcceptorWakeUp wakeUp;

    InheritedEndpoint() {
        setUseInheritedChannel(true);
    }

    @Override
    protected void initServerSocket() throws Exception {
        super.initServerSocket();
        Worker worker = Worker.current().orElseThrow(() -> new IllegalStateException("not a clusterflock worker"));
        wakeUp = AcceptorWakeUp.of(getServerSocket().getLocalAddress(),
                worker.sticky() ? OptionalInt.of(worker.id()) : OptionalInt.empty());
    }

    /** Lets the acceptor take connections from now on. */
    void admit() {
        admitted.countDown();
    }

    @Override
    protected SocketChannel serverSocketAccept() throws Exception {
        admitted.await();
        inAccept.incrementAndGet();
        try {
            // Read after counting ourselves in; the drain reads the count after setting the flag:
            // either this acceptor sees the stop, or the drain sees it in accept() and wakes it.
            if (!stoppedAccepting) {
                SocketChannel socket = super.serverSocketAccept();
                accepted.increment();
                return socket;
            }
        } finally {
            inAccept.decrementAndGet();
        }
        awaitPause();
        return null; // the endpoint is paused: Tomcat's acceptor destroys it (see destroySocket)
    }

    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        try {
            return super.setSocketOptions(socket);
        } finally {
            handedOver.increment();
        }
    }

    @Override
    protected void destroySocket(SocketChannel socket) {
        if (socket == null) {
            countDownConnection(); // what the acceptor counted up for the accept it did not make
            return;
        }
        try {
            super.destroySocket(socket);
        } finally {
            handedOver.increment();
        }
    }

    /** Accepts no more connections; those already open are left alone. See {@link #wakeAcceptor}. */
    void stopAccepting() {
        stoppedAccepting = true;
        admitted.countDown(); // an acceptor still waiting to start goes on, and finds it stopped
    }

    /**
     * While the acceptor is still in {@code accept()}, makes one connection to the socket to bring it
     * out; call it until {@link #settling} is false. The shared socket hands the connection to
     * whichever worker has waited longest, which reads end-of-file and closes it.
     */
    void wakeAcceptor() {
        if (stoppedAccepting && inAccept.get() > 0) {
            wakeUp.connect();
        }
    }

    /** Whether a connection is on its way in: being accepted, or accepted and not yet with the poller. */
    boolean settling() {
        return inAccept.get() > 0 || accepted.sum() > handedOver.sum();
    }

    /**
     * Has the poller close connections quiet for {@code idleMillis} (since their last read or
     * write); returns how many are open. The poller closes a connection waiting to read once its
     * read timeout has passed since its last read: here that timeout is stretched by the time its
     * last write came after, so a response still on its way is never cut. Called again and again:
     * Tomcat sets a connection's timeout afresh for each request.
     */
    int closeIdle(long idleMillis) {
        var connections = getConnections();
        for (SocketWrapperBase<NioChannel> connection : connections) {
            if (connection instanceof NioSocketWrapper wrapper) {
                long writtenAfterRead = Math.max(0, wrapper.getLastWrite() - wrapper.getLastRead());
                wrapper.setReadTimeout(writtenAfterRead + idleMillis);
            }
        }
        return connections.size();
    }

    /** The connections open now. */
    int openConnections() {
        return getConnections().size();
    }

    /**
     * Tomcat pauses the endpoint (Spring's graceful shutdown, or its stop). An acceptor that has
     * left {@code accept()} is waiting for that; one still in it is brought out as the drain does.
     */
    @Override
    protected void unlockAccept() {
        stopAccepting();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (inAccept.get() > 0 && System.nanoTime() - deadline < 0) {
            wakeAcceptor();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (parked) {
            parked.notifyAll();
        }
    }

    private void awaitPause() throws InterruptedException {
        synchronized (parked) {
            while (!isPaused()) {
                parked.wait(100);
            }
        }
    }
}
