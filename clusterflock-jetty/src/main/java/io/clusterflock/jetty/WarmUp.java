package io.clusterflock.jetty;

import io.clusterflock.Warmup;
import io.clusterflock.worker.Worker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import io.clusterflock.jetty.inherited.DrainHandler;
import org.eclipse.jetty.server.LocalConnector;

/**
 * A new worker's warm-up, before it accepts its first connection: the application's
 * {@code onWarmup} hooks, then requests sent in-process through Jetty's {@link LocalConnector}
 * (no socket, so no client ever meets a cold worker): first the server's own request path,
 * answered by the {@link DrainHandler} without calling the application, then the operator's
 * {@code --warmup} requests, which reach the application's handler.
 *
 * <p>A warm-up request that gets no answer, or only 5xx answers, fails the warm-up: a worker
 * that cannot answer its own warm-up is not ready, and is better never put in front of clients.
 */
final class WarmUp {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    static final String HEADER = DrainHandler.WARMUP_HEADER;
    static final String SERVER = DrainHandler.SERVER_WARMUP;
    /** The server's own path: enough requests for the interpreter to see it hot, and never long. */
    private static final int SERVER_REQUESTS = 1_000;
    private static final long SERVER_MILLIS = 500;
    private static final long ANSWER_SECONDS = 30;

    private final LocalConnector local;
    private final Worker worker;
    private final BooleanSupplier stopped;

    WarmUp(LocalConnector local, Worker worker, BooleanSupplier stopped) {
        this.local = local;
        this.worker = worker;
        this.stopped = stopped;
    }

    /** Warms the worker; returns what was sent, for the log. @throws Failed when it did not warm */
    String run() throws Failed {
        long started = System.nanoTime();
        try {
            if (!stopped.getAsBoolean()) {
                worker.warmUp();
            }
        } catch (RuntimeException e) {
            throw new Failed("a warm-up hook failed: " + e, e);
        }
        int sent = send(Warmup.get("/").header(HEADER, SERVER), SERVER_REQUESTS, SERVER_MILLIS);
        List<Warmup> warmups = worker.warmups();
        for (Warmup warmup : warmups) {
            long millis = warmup.duration().toMillis();
            sent += send(warmup.header(HEADER, "1"), millis > 0 ? Integer.MAX_VALUE : warmup.count(), millis);
        }
        return sent + " requests in " + (System.nanoTime() - started) / 1_000_000 + " ms"
                + (warmups.isEmpty() ? "" : " (" + warmups.size() + " of --warmup)");
    }

    /**
     * Sends {@code warmup} up to {@code count} times, and for no longer than {@code millis} unless
     * that is zero; returns how many were sent.
     */
    private int send(Warmup warmup, int count, long millis) throws Failed {
        byte[] request = warmup.bytes();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int sent = 0;
        int answered = 0;
        int lastStatus = 0;
        while (!stopped.getAsBoolean() && sent < count && (millis == 0 || System.nanoTime() - deadline < 0)) {
            sent++;
            lastStatus = status(warmup, request);
            if (lastStatus < 500) {
                answered++;
            }
        }
        if (sent > 0 && answered == 0) {
            throw new Failed(warmup.method() + " " + warmup.path() + " answered " + lastStatus + " to all "
                    + sent + " warm-up requests", null);
        }
        if (lastStatus >= 400) {
            LOG.log(System.Logger.Level.WARNING, "worker " + worker.id() + ": warm-up " + warmup.method() + " "
                    + warmup.path() + " answered " + lastStatus + " (the last of " + sent + "): is it the request you meant to warm?");
        }
        return sent;
    }

    /** The answer's status code. @throws Failed when there is none */
    private int status(Warmup warmup, byte[] request) throws Failed {
        ByteBuffer answer;
        try {
            answer = local.getResponse(ByteBuffer.wrap(request), ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new Failed(warmup.method() + " " + warmup.path() + " got no answer: " + e, e);
        }
        if (answer == null) {
            throw new Failed(warmup.method() + " " + warmup.path() + " got no answer within " + ANSWER_SECONDS + " s", null);
        }
        String head = StandardCharsets.ISO_8859_1.decode(answer).toString();
        int space = head.indexOf(' ');
        try {
            return Integer.parseInt(head.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            throw new Failed(warmup.method() + " " + warmup.path() + " got no HTTP answer: "
                    + head.lines().findFirst().orElse(""), null);
        }
    }

    /** The warm-up did not succeed: the worker is not ready. */
    static final class Failed extends Exception {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
