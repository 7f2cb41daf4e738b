package io.clusterflock.internal.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Accepts connections on one of the master's local stream sockets (the control socket, the worker
 * channel) and serves each on its own virtual thread. At most {@code cap} connections are served
 * at once; what meets a full loop is its {@link WhenFull} policy. A failing {@code accept} (out
 * of file descriptors, say) is retried after a {@link RetryBackoff} pause, the clients waiting in
 * the kernel's backlog meanwhile. {@link #close} stops accepting, gives the connections being
 * served a grace period, then closes those still open.
 *
 * <p>One platform thread accepts, blocking: these sockets are the master's own, and nothing else
 * shares them. The loop owns every accepted channel and closes it once its handler returns.
 */
public final class AcceptLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /** How long close() waits for the accepting thread, which only ever blocks in accept, a pause or for a place. */
    private static final Duration ACCEPTOR_EXIT = Duration.ofSeconds(5);
    /** How long close() waits for handlers to return once their channels are closed under them. */
    private static final Duration HANDLER_EXIT = Duration.ofSeconds(1);

    /** Serves one connection on its own virtual thread; the loop closes the channel once it returns. */
    @FunctionalInterface
    public interface Handler {
        void serve(Connection connection) throws IOException;
    }

    /** What a connection meets while {@code cap} connections are being served. */
    public sealed interface WhenFull {
        /** It waits in the kernel's backlog until a place is free: the loop accepts nothing meanwhile. */
        record Wait() implements WhenFull {}

        /**
         * It is accepted and given to {@code handler} (to be told to come back), up to {@code max}
         * at once; beyond that it is closed unanswered. Accepting keeps the backlog moving, so a
         * client hears at once that it should come back rather than wait for a place.
         */
        record TurnAway(int max, Handler handler) implements WhenFull {}
    }

    /** Where connections come from: a bound server socket, or a fake in tests. */
    interface Listener extends Closeable {
        /** The next connection; a {@link ClosedChannelException} once closed, also while waiting. */
        SocketChannel accept() throws IOException;
    }

    private final String name;
    private final Listener listener;
    private final WhenFull whenFull;
    private final Semaphore places;
    private final Semaphore turnAwayPlaces;
    private final RetryBackoff backoff;
    /** The connections whose handler runs, each with its thread. */
    private final Map<SocketChannel, Thread> live = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private Handler handler; // set once, before the acceptor starts
    private volatile boolean closed;

    AcceptLoop(String name, Listener listener, int cap, WhenFull whenFull, RetryBackoff backoff) {
        this.name = name;
        this.listener = listener;
        this.whenFull = whenFull;
        this.places = new Semaphore(cap);
        this.turnAwayPlaces = new Semaphore(whenFull instanceof WhenFull.TurnAway turnAway ? turnAway.max() : 0);
        this.backoff = backoff;
        this.acceptor = Thread.ofPlatform().daemon().name("clusterflock-" + name.replace(' ', '-')).unstarted(this::run);
    }

    /**
     * A loop for the bound {@code server}, not accepting until {@link #start}.
     *
     * @param name how log lines name the socket: "control socket", "worker channel"
     */
    public static AcceptLoop on(ServerSocketChannel server, String name, int cap, WhenFull whenFull) {
        Listener listener = new Listener() {
            @Override
            public SocketChannel accept() throws IOException {
                return server.accept();
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
        return new AcceptLoop(name, listener, cap, whenFull, RetryBackoff.of("accepting on the " + name));
    }

    /** Starts accepting; each connection goes to {@code handler} while there is room. Once only. */
    public void start(Handler handler) {
        this.handler = handler;
        acceptor.start();
    }

    private void run() {
        try {
            while (!closed) {
                switch (whenFull) {
                    case WhenFull.Wait() -> acceptWhenThereIsRoom();
                    case WhenFull.TurnAway turnAway -> acceptThenFindRoom(turnAway);
                }
            }
        } catch (ClosedChannelException | InterruptedException e) {
            // closed: the loop ends here
        }
    }

    /** Takes a place first, so that connections beyond the cap stay in the kernel's backlog. */
    private void acceptWhenThereIsRoom() throws ClosedChannelException, InterruptedException {
        places.acquire();
        SocketChannel channel;
        try {
            channel = accept();
        } catch (ClosedChannelException | InterruptedException e) {
            places.release();
            throw e;
        }
        serve(channel, places, handler);
    }

    private void acceptThenFindRoom(WhenFull.TurnAway turnAway) throws ClosedChannelException, InterruptedException {
        SocketChannel channel = accept();
        if (places.tryAcquire()) {
            serve(channel, places, handler);
        } else if (turnAwayPlaces.tryAcquire()) {
            serve(channel, turnAwayPlaces, turnAway.handler());
        } else {
            closeQuietly(channel);
        }
    }

    /** The next connection; a failed accept is retried after a pause, however long it keeps failing. */
    private SocketChannel accept() throws ClosedChannelException, InterruptedException {
        while (true) {
            try {
                SocketChannel channel = listener.accept();
                backoff.succeeded();
                return channel;
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                backoff.failed(e);
            }
        }
    }

    /** Runs {@code serving} on a virtual thread of its own, holding a place of {@code room} until it returns. */
    private void serve(SocketChannel channel, Semaphore room, Handler serving) {
        Connection connection = new Connection(channel, room::release);
        try {
            Thread thread = Thread.ofVirtual().name(acceptor.getName() + "-client")
                    .unstarted(() -> run(connection, serving));
            live.put(channel, thread);
            thread.start();
        } catch (RuntimeException | Error e) {
            // No thread to be had (out of memory): the client is dropped, the loop goes on.
            live.remove(channel);
            closeQuietly(channel);
            connection.end();
        }
    }

    private void run(Connection connection, Handler serving) {
        try {
            serving.serve(connection);
        } catch (IOException e) {
            // the peer went away, or was cut off: nothing left to say to it
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": a connection failed: " + e, e);
        } finally {
            closeQuietly(connection.channel());
            connection.end(); // its place first: once it is no longer live, its place is free
            live.remove(connection.channel());
        }
    }

    /** How many connections are being served, admitted or not; for tests. */
    int served() {
        return live.size();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, waits up to {@code grace} for the connections being served to finish, then
     * closes those still open and gives their handlers a moment to return. Called from a handler,
     * it leaves that handler's own connection open. Closing again does nothing more. Clients still
     * in the backlog are reset by the kernel as the socket closes.
     */
    public void close(Duration grace) {
        closed = true;
        try {
            listener.close(); // wakes a blocked accept
        } catch (IOException e) {
            // closing anyway
        }
        // Never an interrupt: one that lands as accept() returns makes the JDK throw
        // ClosedByInterruptException and drop the connection it had just accepted, open, so its
        // client would wait for an answer forever. A place handed out wakes a wait for one; a
        // retry pause (a second at most) ends by itself.
        places.release();
        joinQuietly(acceptor, ACCEPTOR_EXIT);
        // From here on no connection is added: whatever is live is all there is.
        awaitHandlers(grace);
        // A handler blocked on its channel wakes. One may be closing its own loop: a thread that
        // waits on a CompletableFuture runs the actions still pending on it, such as the master's
        // release of its sockets once stopped; that connection is left to end as its handler returns.
        live.forEach((channel, thread) -> {
            if (thread != Thread.currentThread()) {
                closeQuietly(channel);
            }
        });
        awaitHandlers(HANDLER_EXIT);
    }

    private void awaitHandlers(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        for (Thread thread : live.values()) {
            joinQuietly(thread, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
    }

    private static void joinQuietly(Thread thread, Duration timeout) {
        if (thread.getState() == Thread.State.NEW || thread == Thread.currentThread()) {
            return; // never started, or a handler closing its own loop: nothing to wait for
        }
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
