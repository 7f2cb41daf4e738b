package io.clusterflock.jetty;

import io.clusterflock.Worker;
import io.clusterflock.internal.os.ProcessTitle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import sun.misc.Signal;

/**
 * A worker process serving on Jetty 12 over the master's listening socket.
 *
 * <p>The connector is opened on the inherited channel itself: {@code setInheritChannel(true)}
 * would silently bind host:port instead when fd 0 is not a socket. Its one acceptor stays on a
 * platform thread in blocking {@code accept()}, which the kernel serves FIFO across workers;
 * making the shared socket non-blocking would change it for every worker.
 *
 * <p>Stopping is a drain, on SIGTERM or when the master is gone: Jetty's graceful shutdown closes
 * this worker's copy of the listening socket (the others keep accepting from it), answers requests
 * already on their way with {@code Connection: close}, closes idle connections, and waits for
 * in-flight requests up to the stop timeout, which Jetty leaves at 0 unless set. Then the worker
 * exits 0.
 */
final class JettyWorker {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");

    private JettyWorker() {}

    /** Serves until stopped; returns the exit code. */
    static int serve(Consumer<Server> install) {
        Worker worker = Worker.current().orElseThrow();
        showTitleOnly();
        Server server = newServer(worker);
        install.accept(server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> stop(server, stopped);
        Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("worker-stop").start(stop));
        worker.onShutdown(stop); // the master is gone, or System.exit from the application
        try {
            server.start();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "worker " + worker.id() + " could not start its server: " + e, e);
            return 1;
        }
        worker.listening();
        awaitQuietly(stopped);
        return 0;
    }

    /**
     * The master spawned us with the title as argv[0]; hide the long JVM command line after it, so
     * {@code ps} shows {@code clusterflock worker 0 [title]} (needs native access, else unchanged).
     */
    private static void showTitleOnly() {
        var argv = ProcessTitle.commandLine();
        if (!argv.isEmpty() && argv.getFirst().startsWith("clusterflock worker")
                && JettyWorker.class.getModule().isNativeAccessEnabled()) {
            ProcessTitle.set(argv.getFirst());
        }
    }

    private static Server newServer(Worker worker) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("worker-" + worker.id());
        Server server = new Server(threads);
        ServerConnector connector = new InheritedConnector(server);
        try {
            connector.open(worker.channel());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open the inherited socket", e);
        }
        server.addConnector(connector);
        server.setStopTimeout(drainTime(worker.timeout()).toMillis());
        return server;
    }

    /** Finish a little before the master's kill deadline, so that the exit is our own. */
    static Duration drainTime(Duration timeout) {
        long millis = timeout.toMillis();
        return Duration.ofMillis(Math.max(0, millis - Math.min(500, millis / 10)));
    }

    private static void stop(Server server, CountDownLatch stopped) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the server failed: " + e);
        } finally {
            stopped.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep serving until stopped
            }
        }
    }
}
