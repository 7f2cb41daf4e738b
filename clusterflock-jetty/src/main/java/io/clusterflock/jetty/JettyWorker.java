package io.clusterflock.jetty;

import io.clusterflock.Worker;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves a Jetty {@link Handler} in a worker process over the master's listening socket.
 *
 * <p>The connector is opened on the inherited channel itself: {@code setInheritChannel(true)}
 * would silently bind host:port instead when fd 0 is not a socket. Acceptors stay on platform
 * threads in blocking {@code accept()}, which the kernel serves FIFO across workers; putting the
 * shared socket in non-blocking mode would change it for every worker. Jetty's stop timeout is 0
 * by default (no graceful phase), so it is set from the master's timeout: on SIGTERM the JVM's
 * shutdown hook stops Jetty, which stops accepting, lets in-flight requests finish, then exits.
 */
public final class JettyWorker {
    private JettyWorker() {}

    /** Starts {@code handler} on the inherited socket; returns the started server. */
    public static Server start(Worker worker, Handler handler) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("worker-" + worker.id());
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, -1);
        connector.open(worker.channel());
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(handler));
        // Finish draining a little before the master's kill deadline, so the exit is our own.
        long timeout = worker.timeout().toMillis();
        server.setStopTimeout(Math.max(0, timeout - Math.min(500, timeout / 10)));
        server.setStopAtShutdown(true);
        server.start();
        return server;
    }
}
