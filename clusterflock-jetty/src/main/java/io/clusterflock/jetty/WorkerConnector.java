package io.clusterflock.jetty;

import io.clusterflock.internal.master.ConsoleLog;
import io.clusterflock.worker.Worker;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * For a Jetty 12 server that the application builds and starts itself (Javalin, an embedded Jetty
 * of its own): the connector that makes it a worker of the cluster that started the process.
 *
 * <pre>{@code
 * Javalin app = Javalin.create(config -> {
 *     Worker.current().ifPresent(worker -> config.jetty.addConnector(
 *             (server, http) -> WorkerConnector.create(worker, server, http)));
 *     config.routes.get("/", ctx -> ctx.result("hello"));
 * });
 * app.start();   // outside clusterflock, Javalin's own port as always
 * }</pre>
 *
 * <p>Added before the server starts, in place of any connector of its own, it serves the
 * cluster's shared socket with one acceptor in blocking {@code accept()}, and the worker gets what
 * {@link Clusterflock#serve} gives its own: as the server starts, a drain around its handlers;
 * once it has started, the warm-up (the {@code onWarmup} hooks, the server's request path, the
 * operator's {@code --warmup} requests), and only then does its acceptor take connections and the
 * worker report ready; heartbeats through the server's thread pool with the request count; and on
 * SIGTERM, or when the master is gone, a drain without a failed request ({@code Connection: close}
 * on every answer, idle connections closed, requests in flight finished), then the server stops
 * and the process exits 0, running the JVM's shutdown hooks. A worker whose warm-up fails exits 1.
 * The shared socket is never closed (that would blank stdout and stderr).
 *
 * <p>Under {@code clusterflock run}, whose default {@code --ready-when started} takes a worker that
 * says nothing for ready after {@code --ready-after}, ship the marker resource
 * {@code META-INF/clusterflock/reports-readiness} in the application's jar: the master then waits
 * for this worker's word, however long its JVM takes to start.
 */
public final class WorkerConnector {
    private WorkerConnector() {}

    /** The connector for {@code server}, with a default HTTP configuration. */
    public static ServerConnector create(Worker worker, Server server) {
        return create(worker, server, new HttpConfiguration());
    }

    /**
     * The connector for {@code server}, speaking HTTP/1.1 with {@code http}; add it to the server
     * before it starts, once. Call it on the thread that builds the server: it takes over the
     * process's SIGTERM.
     */
    public static ServerConnector create(Worker worker, Server server, HttpConfiguration http) {
        ConsoleLog.installUnlessConfigured();
        return JettyWorker.attach(worker, server, http);
    }
}
