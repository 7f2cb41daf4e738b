package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * A worker's drain, the step just before Spring's graceful shutdown (SIGTERM, or the master gone).
 * Spring's alone would fail requests under keep-alive load: Tomcat, once paused, answers 503 to
 * the next request on a kept-alive connection and closes a connection its acceptor has just taken;
 * Jetty closes kept-alive connections between requests, racing with the client's next one. So
 * first, while the server still serves: every answer says {@code Connection: close} (each client
 * learns from an answer to reconnect, and the kernel gives its new connection to another worker),
 * the acceptor leaves {@code accept()} without the inherited socket being closed (closing it
 * points stdout and stderr at /dev/null), connections quiet for a second are closed, and
 * in-flight requests finish. What Spring's graceful shutdown then finds is an idle server.
 */
final class ServerDrain implements SmartLifecycle {
    /**
     * Spring's logging, not java.util.logging (the System.Logger default): the drain runs in a JVM
     * shutdown hook, and java.util.logging's own hook resets its handlers as the JVM shuts down,
     * so a line logged through it from another hook is lost, or not, as the hooks race.
     */
    private static final Log LOG = LogFactory.getLog("io.clusterflock");
    private final Worker worker;
    private final InheritedServer server;
    private final WorkerReadiness readiness;
    private volatile boolean running;

    ServerDrain(Worker worker, InheritedServer server, WorkerReadiness readiness) {
        this.worker = worker;
        this.server = server;
        this.readiness = readiness;
    }

    /** Stops just before the web server's graceful shutdown, which stops before the server itself. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        readiness.stop();
        String who = "worker " + worker.id() + ": ";
        LOG.info(who + "draining, " + server.openConnections() + " connections open");
        long started = System.nanoTime();
        try {
            boolean drained = server.drain(drainTime(worker.timeout()));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (drained) {
                LOG.info(who + "drained in " + millis + " ms");
            } else {
                LOG.warn(who + "drain time up after " + millis + " ms with "
                        + server.openConnections() + " connections open; the server's shutdown closes them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Finish a little before the master's kill deadline, so that the exit is our own. */
    static Duration drainTime(Duration timeout) {
        long millis = timeout.toMillis();
        return Duration.ofMillis(Math.max(0, millis - Math.min(1_000, millis / 5)));
    }
}
