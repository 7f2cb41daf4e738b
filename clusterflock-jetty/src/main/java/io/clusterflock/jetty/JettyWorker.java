package io.clusterflock.jetty;

import io.clusterflock.worker.Worker;
import io.clusterflock.internal.os.ProcessTitle;
import io.clusterflock.jetty.inherited.DrainHandler;
import io.clusterflock.jetty.inherited.InheritedConnector;
import io.clusterflock.jetty.inherited.Protocols;
import io.clusterflock.internal.tls.Http2Setting;
import io.clusterflock.internal.tls.TlsFiles;
import io.clusterflock.internal.tls.TlsIdentity;
import io.clusterflock.internal.tls.TlsProblem;
import io.clusterflock.jetty.inherited.WebSockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import sun.misc.Signal;

/**
 * A worker process serving on Jetty 12 over the master's listening socket.
 *
 * <p>The connector is opened on the inherited channel itself: {@code setInheritChannel(true)}
 * would silently bind host:port instead when fd 0 is not a socket. Its acceptor stays on a
 * platform thread in blocking {@code accept()}, which the kernel serves FIFO across workers;
 * making the shared socket non-blocking would change it for every worker.
 *
 * <p>Before it accepts, the worker warms up in-process ({@link WarmUp}) through a
 * {@link LocalConnector}: its acceptor waits until then, and the other workers take the
 * connections. Only then does it tell the master it is listening.
 *
 * <p>Stopping is a drain, on SIGTERM or when the master is gone: stop accepting (the other workers
 * keep accepting from the same socket), answer every further request with
 * {@code Connection: close}, close connections that sit idle, and once none is left (or the drain
 * time is up) close the WebSockets with 1001 "going away" (they never hold the drain), stop Jetty
 * and exit 0.
 *
 * <p>The server is either its own ({@link #serve}, library mode) or one the application builds and
 * starts itself, Javalin's say ({@link #attach}, through {@link WorkerConnector}); the worker's part
 * is the same in both.
 */
final class JettyWorker {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /** The longest the drain waits for its WebSockets to close once it has closed them. */
    private static final Duration WEBSOCKET_CLOSE = Duration.ofSeconds(1);

    private final Worker worker;
    private final Server server;
    private final InheritedConnector connector;
    private final LocalConnector local;
    private volatile DrainHandler drain;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set first thing by {@link #stop}: a warm-up under way gives up quietly. */
    private volatile boolean stopping;

    private JettyWorker(Worker worker, Server server, InheritedConnector connector) {
        this.worker = worker;
        this.server = server;
        this.connector = connector;
        this.local = new LocalConnector(server);
    }

    /**
     * The connector on the shared socket, opened (this worker's own socket with sticky sessions),
     * speaking what the master said: TLS with the files it names, read now, and HTTP/2 or not.
     *
     * @throws CannotServe when the certificate or key cannot serve (changed since the master checked)
     */
    private static InheritedConnector openConnector(Worker worker, Server server, HttpConfiguration http) {
        Map<String, String> env = System.getenv();
        Optional<TlsIdentity> tls = tlsIdentity(env);
        InheritedConnector connector = new InheritedConnector(server, Protocols.of(http, tls, Http2Setting.on(env)));
        try {
            connector.open(worker.channel(), worker.sticky() ? OptionalInt.of(worker.id()) : OptionalInt.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the inherited socket", e);
        }
        return connector;
    }

    /** The identity the master's TLS files hold, read afresh: a renewed certificate serves from the next worker on. */
    private static Optional<TlsIdentity> tlsIdentity(Map<String, String> env) {
        Optional<TlsFiles> files = TlsFiles.fromEnvironment(env);
        if (files.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(files.get().read());
        } catch (TlsProblem problem) {
            Path blamed = problem.inKey() ? files.get().key().orElseThrow() : files.get().certificate();
            throw new CannotServe("TLS " + (problem.inKey() ? "key " : "certificate ") + blamed + " " + problem.getMessage());
        }
    }

    /** This worker cannot serve what the master asked, for a reason the operator reads in one line. */
    static final class CannotServe extends RuntimeException {
        CannotServe(String message) {
            super(message, null, false, false);
        }
    }

    /** Puts the drain outermost, around whatever the server serves by now. */
    private void wrapHandler() {
        this.drain = new DrainHandler(server.getHandler(), worker.maxRequests(), this::report);
        server.setHandler(drain);
    }

    /** Serves until stopped; returns the exit code. */
    static int serve(Consumer<Server> install) {
        // N workers each logging Jetty's start and stop is noise; an application that wants it sets the level.
        if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        }
        Worker worker = Worker.current().orElseThrow();
        showTitleOnly();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("worker-" + worker.id());
        Server server = new Server(threads);
        // jetty-http-spi binds a handler only to a port some connector already has: the connector first.
        InheritedConnector connector;
        try {
            connector = openConnector(worker, server, new HttpConfiguration());
        } catch (CannotServe e) {
            LOG.log(System.Logger.Level.ERROR, "worker " + worker.id() + " cannot serve: " + e.getMessage());
            return 1;
        }
        server.addConnector(connector);
        JettyWorker jetty = new JettyWorker(worker, server, connector);
        server.addConnector(jetty.local);
        install.accept(server);
        jetty.wrapHandler();
        server.setStopTimeout(500); // what is left after the drain: requests past their time
        Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("worker-drain").start(jetty::stop));
        worker.onShutdown(jetty::stop); // the master is gone, or the application called System.exit
        try {
            server.start();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "worker " + worker.id() + " could not start its server: " + e, e);
            return 1;
        }
        int warmUpFailed = jetty.warmUp();
        if (warmUpFailed >= 0) {
            return warmUpFailed;
        }
        worker.listening();
        jetty.heartbeat(threads(server));
        jetty.awaitStopped();
        return 0;
    }

    /**
     * Makes {@code server}, which the application builds and starts itself, this worker's server:
     * returns the connector on the shared socket for the application to add. As the server starts,
     * the drain goes around its handlers and a local connector beside it for the warm-up; once it
     * has started, the worker warms up, lets its acceptor take connections and reports ready. On
     * SIGTERM it drains, stops the server and exits 0 (the JVM's shutdown hooks run then).
     */
    static ServerConnector attach(Worker worker, Server server, HttpConfiguration http) {
        showTitleOnly();
        InheritedConnector connector;
        try {
            connector = openConnector(worker, server, http);
        } catch (CannotServe e) { // as a worker of serve() does: one line, and not ready
            LOG.log(System.Logger.Level.ERROR, "worker " + worker.id() + " cannot serve: " + e.getMessage());
            System.exit(1);
            throw e;
        }
        JettyWorker jetty = new JettyWorker(worker, server, connector);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                // Added now and not before: the application's connector stays the server's first.
                server.addConnector(jetty.local);
                jetty.wrapHandler();
            }

            @Override
            public void lifeCycleStarted(LifeCycle event) {
                // Not on the starting thread: the warm-up may take seconds, and a failed one stops the server.
                Thread.ofPlatform().name("worker-start").start(jetty::afterApplicationStart);
            }
        });
        Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("worker-drain").start(() -> {
            jetty.stop();
            System.exit(0);
        }));
        worker.onShutdown(jetty::stop); // the master is gone, or the application called System.exit
        return connector;
    }

    /** An application's own server has started: warm up, then accept and say so, or exit 1 if not warm. */
    private void afterApplicationStart() {
        int warmUpFailed = warmUp();
        if (warmUpFailed == 1) {
            System.exit(1);
        }
        if (warmUpFailed < 0) {
            worker.listening();
            worker.ready(); // the application built its server complete: started and warm is ready
            heartbeat(threads(server));
        }
    }

    /**
     * Warms up, then lets the acceptor take connections; -1 then, else the code to exit with: 1 when
     * the warm-up failed (the worker is not ready), 0 when the worker was asked to stop meanwhile.
     */
    private int warmUp() {
        try {
            String what = new WarmUp(local, worker, () -> stopping).run();
            LOG.log(System.Logger.Level.DEBUG, "worker " + worker.id() + " warmed up: " + what);
        } catch (WarmUp.Failed e) {
            if (stopping) {
                awaitStopped();
                return 0;
            }
            LOG.log(System.Logger.Level.ERROR, "worker " + worker.id() + " is not ready: " + e.getMessage(), e.getCause());
            stop();
            return 1;
        }
        try {
            local.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "stopping the warm-up connector: " + e);
        }
        server.removeConnector(local);
        connector.admit(worker.ramp());
        if (stopping) {
            awaitStopped();
            return 0;
        }
        return -1;
    }

    /** Crossing a request mark: the master hears it now, not at the next heartbeat. */
    private void report(long requests) {
        Thread.ofVirtual().start(() -> {
            try {
                worker.heartbeat(requests);
            } catch (RuntimeException e) {
                // the master is gone: the worker library is already shutting us down
            }
        });
    }

    private static Executor threads(Server server) {
        return server.getThreadPool();
    }

    /**
     * Beats through Jetty's own thread pool: the beat is a task the pool must run, so a worker
     * whose request threads are all stuck (a deadlock, a pool exhausted by hung requests) stops
     * beating and the master's worker timeout catches it. A timer thread alone would beat on.
     */
    private void heartbeat(Executor pool) {
        AtomicBoolean pending = new AtomicBoolean();
        Thread.ofPlatform().daemon().name("worker-heartbeat").start(() -> {
            while (stopped.getCount() > 0) {
                if (pending.compareAndSet(false, true)) {
                    try {
                        pool.execute(() -> {
                            pending.set(false);
                            beat();
                        });
                    } catch (RejectedExecutionException e) {
                        pending.set(false); // stopping
                    }
                }
                try {
                    Thread.sleep(worker.heartbeatInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void beat() {
        try {
            worker.heartbeat(drain.requests());
        } catch (RuntimeException e) {
            // the master is gone: the worker library is already shutting us down
        }
    }

    /** Drains, then stops Jetty; safe to call more than once and from any thread. */
    private void stop() {
        stopping = true;
        drainAndStop();
    }

    private synchronized void drainAndStop() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            if (drain != null) { // null only when asked to stop before the server started
                drain.drain();
            }
            long started = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, "worker " + worker.id() + ": draining, "
                    + connector.openConnections() + " connections open" + ofThemWebSockets());
            Duration drainTime = drainTime(worker.timeout());
            boolean busy = !connector.drain(drainTime);
            closeWebSockets(started, drainTime);
            reportDrain(Duration.ofNanos(System.nanoTime() - started), busy);
            server.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "worker " + worker.id() + ": stopping the server failed: " + e);
        } finally {
            stopped.countDown();
        }
    }

    private String ofThemWebSockets() {
        int open = connector.openWebSockets();
        return open == 0 ? "" : ", " + open + " of them " + (open == 1 ? "a WebSocket" : "WebSockets");
    }

    private static String webSockets(int count) {
        return count + (count == 1 ? " WebSocket" : " WebSockets");
    }

    /**
     * The drain's last step: every WebSocket still open is closed with 1001 "going away", its
     * close frame out before the server stops. It may take what is left of the drain time plus a
     * quarter of the margin before the master's kill, and at most {@link #WEBSOCKET_CLOSE}: a
     * client that is there answers a close at once.
     */
    private void closeWebSockets(long drainStarted, Duration drainTime) throws InterruptedException {
        int open = connector.openWebSockets();
        if (open == 0) {
            return;
        }
        long left = Math.max(0, drainStarted + drainTime.toNanos() - System.nanoTime());
        Duration margin = worker.timeout().minus(drainTime);
        Duration time = Duration.ofNanos(Math.min(WEBSOCKET_CLOSE.toNanos(), left + margin.toNanos() / 4));
        LOG.log(System.Logger.Level.INFO, "worker " + worker.id() + ": closing " + webSockets(open) + " (1001 going away)");
        int stillOpen = WebSockets.close(server, connector, time);
        if (stillOpen > 0) {
            LOG.log(System.Logger.Level.WARNING, "worker " + worker.id() + ": " + webSockets(stillOpen) + " still open "
                    + time.toMillis() + " ms after their close; stopping the server ends them without a close frame"
                    + " (a WebSocket of Jetty's core API has no container to close it)");
        }
    }

    /**
     * One line for the operator: drained, or what the drain time left behind. ({@code busy} and not
     * the connection count: connections closed just now for being idle are still counted a moment.)
     */
    private void reportDrain(Duration took, boolean busy) {
        String who = "worker " + worker.id() + ": ";
        if (!busy) {
            LOG.log(System.Logger.Level.INFO, who + "drained in " + took.toMillis() + " ms");
            return;
        }
        LOG.log(System.Logger.Level.WARNING, who + "drain time up after " + took.toMillis() + " ms with "
                + connector.openConnections() + " connections open; stopping the server closes them");
        if (connector.acceptorWaiting()) {
            LOG.log(System.Logger.Level.WARNING, who + "its acceptor never left accept(): stopping closes the"
                    + " socket, and the JDK then sends stdout and stderr to /dev/null");
        }
    }

    /** Finish a little before the master's kill deadline, so that the exit is our own. */
    static Duration drainTime(Duration timeout) {
        long millis = timeout.toMillis();
        return Duration.ofMillis(Math.max(0, millis - Math.min(1_000, millis / 5)));
    }

    private void awaitStopped() {
        while (true) {
            try {
                stopped.await();
                return;
            } catch (InterruptedException e) {
                // keep serving until stopped
            }
        }
    }

    /**
     * The master spawned us with the title as argv[0]; hide the long JVM command line after it, so
     * {@code ps} shows {@code clusterflock worker 0 [title]} (needs native access, else unchanged).
     */
    private static void showTitleOnly() {
        var argv = ProcessTitle.commandLine();
        if (!argv.isEmpty() && argv.getFirst().startsWith("clusterflock worker")
                && ProcessTitle.class.getModule().isNativeAccessEnabled()) {
            ProcessTitle.set(argv.getFirst());
        }
    }
}
