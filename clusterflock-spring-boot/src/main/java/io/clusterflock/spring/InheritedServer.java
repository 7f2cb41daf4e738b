package io.clusterflock.spring;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The embedded server's part in a worker, whatever the server: it serves on the inherited socket
 * with its acceptor held until the worker is warm, counts the requests clients send, and drains.
 */
interface InheritedServer {

    /** Lets the acceptor take connections from the shared socket: the worker is warm. */
    void admit();

    /** Where warm-up requests go before {@link #admit}, if the server has such a way in. */
    Optional<WarmupTarget> warmupTarget();

    /** The warm-up is over: its way in goes. */
    void warmedUp();

    /** Requests clients sent so far (warm-ups not counted). */
    long requests();

    /** The executor that runs requests: a heartbeat that runs there proves it still runs work. */
    Executor requestExecutor();

    /**
     * Answers with {@code Connection: close} from now on, stops accepting without closing the
     * inherited socket, and waits, for at most {@code time}, until no connection is left (closing
     * those idle for a second); whether it got there. Spring's graceful shutdown comes after it.
     */
    boolean drain(Duration time) throws InterruptedException;

    /** How many connections are open now, for the log. */
    int openConnections();

    /** A way in for warm-up requests: one request on its own connection, and the answer's status. */
    interface WarmupTarget {
        /** Sends {@code request} (closed after its answer) and returns the answer's status code. */
        int send(byte[] request) throws IOException;
    }
}
