package io.clusterflock.spring;

import io.clusterflock.Warmup;
import io.clusterflock.worker.Worker;
import java.io.IOException;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A new worker's warm-up, before its acceptor takes a connection from the shared socket: the
 * application's {@link ClusterflockWarmup} beans and the worker library's {@code onWarmup} hooks,
 * then the warm-up requests, sent to the server through a way in of its own (the other workers
 * take the clients meanwhile). Each request carries {@code X-Clusterflock-Warmup: 1}.
 *
 * <p>A warm-up request that gets no answer, or only 5xx answers, fails the warm-up: a worker that
 * cannot answer its own warm-up is not ready, and is better never put in front of clients.
 */
final class WarmUp {
    private static final Log LOG = LogFactory.getLog("io.clusterflock");
    static final String HEADER = "X-Clusterflock-Warmup";

    private final Worker worker;
    private final List<ClusterflockWarmup> hooks;
    private final WarmupRequests requests;
    private final Optional<InheritedServer.WarmupTarget> target;

    WarmUp(Worker worker, List<ClusterflockWarmup> hooks, WarmupRequests requests,
           Optional<InheritedServer.WarmupTarget> target) {
        this.worker = worker;
        this.hooks = hooks;
        this.requests = requests;
        this.target = target;
    }

    /** Warms the worker; returns what was done, for the log. @throws Failed when it did not warm */
    String run() throws Failed {
        long started = System.nanoTime();
        for (ClusterflockWarmup hook : hooks) {
            try {
                hook.warmUp();
            } catch (Exception e) {
                throw new Failed("a warm-up bean failed: " + e, e);
            }
        }
        try {
            worker.warmUp();
        } catch (RuntimeException e) {
            throw new Failed("a warm-up hook failed: " + e, e);
        }
        int sent = 0;
        if (target.isPresent()) {
            for (Warmup warmup : requests.list()) {
                sent += send(target.get(), warmup.header(HEADER, "1"));
            }
        }
        return hooks.size() + " warm-up beans, " + sent + " requests in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms";
    }

    /** Sends {@code warmup} its count of times, or over and over for its duration; how many were sent. */
    private int send(InheritedServer.WarmupTarget target, Warmup warmup) throws Failed {
        byte[] request = warmup.bytes();
        long millis = warmup.duration().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        int count = millis > 0 ? Integer.MAX_VALUE : warmup.count();
        int sent = 0;
        int answered = 0;
        int lastStatus = 0;
        while (sent < count && (millis == 0 || System.nanoTime() - deadline < 0)) {
            sent++;
            try {
                lastStatus = target.send(request);
            } catch (IOException e) {
                throw new Failed(warmup.method() + " " + warmup.path() + " got no answer: " + e, e);
            }
            if (lastStatus < 500) {
                answered++;
            }
        }
        if (sent > 0 && answered == 0) {
            throw new Failed(warmup.method() + " " + warmup.path() + " answered " + lastStatus + " to all "
                    + sent + " warm-up requests", null);
        }
        if (lastStatus >= 400) {
            LOG.warn("worker " + worker.id() + ": warm-up " + warmup.method() + " "
                    + warmup.path() + " answered " + lastStatus + " (the last of " + sent + "): is it the request you meant to warm?");
        }
        return sent;
    }

    /** The warm-up did not succeed: the worker is not ready. */
    static final class Failed extends Exception {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
