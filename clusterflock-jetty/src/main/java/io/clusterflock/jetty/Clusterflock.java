package io.clusterflock.jetty;

import com.sun.net.httpserver.HttpHandler;
import io.clusterflock.Cluster;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import io.clusterflock.OptionException;
import io.clusterflock.ReadyWhen;
import io.clusterflock.worker.Worker;
import io.clusterflock.internal.master.ConsoleLog;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * One call in {@code main} turns a program into a cluster (the clusterflock and gs-clutch way):
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Clusterflock.serve(exchange -> {
 *         byte[] body = "hello\n".getBytes();
 *         exchange.sendResponseHeaders(200, body.length);
 *         exchange.getResponseBody().write(body);
 *         exchange.close();
 *     }, options -> options.workers(4).port(8080));
 * }
 * }</pre>
 *
 * <p>Run as usual, the program becomes the <b>master</b>: it listens, then starts every worker by
 * re-executing this very JVM command line (JVM options, class path or {@code -jar}, main class,
 * arguments). Started by a master, the same program is a <b>worker</b>: it serves {@code handler}
 * on Jetty 12 over the inherited socket, and on SIGTERM (or when its master is gone) stops
 * accepting, lets in-flight requests finish within the timeout and exits 0.
 *
 * <p>Every option can also be set when the program is started, over what the code says:
 * {@code java -Dclusterflock.workers=8 -Dclusterflock.port=8080 -jar app.jar}.
 *
 * <p>{@code serve} does not return: the process exits when the cluster (or the worker) stops.
 * A bad option or a cluster that cannot start prints one line and exits 2.
 */
public final class Clusterflock {
    private Clusterflock() {}

    /** Serves a JDK {@code HttpHandler} with the default options. */
    public static void serve(HttpHandler handler) {
        serve(handler, options -> { });
    }

    /** Serves a JDK {@code HttpHandler}; {@code options} are applied in the master. */
    public static void serve(HttpHandler handler, Consumer<ClusterOptions.Builder> options) {
        run(() -> JettyWorker.serve(server -> HttpHandlers.install(server, handler)), options);
    }

    /** Serves a Jetty {@link Handler} (any servlet application, on a servlet context handler). */
    public static void serve(Handler handler) {
        serve(handler, options -> { });
    }

    /** Serves a Jetty {@link Handler}; {@code options} are applied in the master. */
    public static void serve(Handler handler, Consumer<ClusterOptions.Builder> options) {
        run(() -> JettyWorker.serve(server -> server.setHandler(handler)), options);
    }

    /**
     * Serves the Jetty {@link Handler} that {@code handler} builds on the worker's {@link Server},
     * for handlers that need it to be made, such as Jetty's WebSocket upgrade handler:
     *
     * <pre>{@code
     * Clusterflock.serveOn(server -> WebSocketUpgradeHandler.from(server, container ->
     *         container.addMapping("/echo", (request, response, callback) -> new EchoSocket())),
     *         options -> options.workers(2));
     * }</pre>
     *
     * <p>{@code handler} runs in each worker, once, before its server starts; never in the master.
     * {@code options} are applied in the master.
     */
    public static void serveOn(Function<Server, Handler> handler, Consumer<ClusterOptions.Builder> options) {
        run(() -> JettyWorker.serve(server -> server.setHandler(handler.apply(server))), options);
    }

    private static void run(WorkerBody worker, Consumer<ClusterOptions.Builder> options) {
        ConsoleLog.installUnlessConfigured();
        System.exit(Worker.isWorker() ? worker.run() : master(options));
    }

    private static int master(Consumer<ClusterOptions.Builder> configure) {
        try {
            ClusterOptions.Builder builder = ClusterOptions.builder().commandOfThisJvm()
                    .readyWhen(ReadyWhen.LISTENING).title(mainClassName());
            configure.accept(builder);
            builder.systemProperties(); // the operator's -Dclusterflock.* wins over the code
            return Cluster.start(builder.build()).onExit().join();
        } catch (OptionException | ClusterException e) {
            System.err.println("clusterflock: " + e.getMessage());
            return 2;
        }
    }

    /** The program's name for process titles: the main class's simple name. */
    private static String mainClassName() {
        String command = System.getProperty("sun.java.command", "");
        String main = command.split(" ", 2)[0];
        main = main.endsWith(".jar") ? main.substring(main.lastIndexOf('/') + 1) : main;
        return main.substring(main.lastIndexOf('.', main.endsWith(".jar") ? main.length() - 5 : main.length()) + 1);
    }

    @FunctionalInterface
    private interface WorkerBody {
        int run();
    }
}
