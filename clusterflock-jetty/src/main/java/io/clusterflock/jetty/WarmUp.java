package io.clusterflock.jetty;

import io.clusterflock.Warmup;
import io.clusterflock.worker.Worker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    /** The header that marks a warm-up request; {@value #SERVER} asks the drain handler to answer it itself. */
    static final String HEADER = "X-Clusterflock-Warmup";
    static final String SERVER = "server";
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
        byte[] request = raw(warmup);
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

    /** The request as it goes over a connection, closed after the answer. */
    static byte[] raw(Warmup warmup) {
        byte[] body = warmup.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(warmup.method()).append(' ').append(warmup.path()).append(" HTTP/1.1\r\n")
                .append("Connection: close\r\n");
        if (warmup.headers().keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Host"))) {
            head.append("Host: localhost\r\n"); // unless the operator names the virtual host
        }
        warmup.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || !warmup.method().equals("GET") && !warmup.method().equals("HEAD")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /** The warm-up did not succeed: the worker is not ready. */
    static final class Failed extends Exception {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
