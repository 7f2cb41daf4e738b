import com.sun.net.httpserver.HttpHandler;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The single-JVM baseline of bench/throughput.sh: the handler of examples/hello, on the same Jetty
 * 12 and jetty-http-spi (from hello.jar's class path), in one process using every core: a plain
 * ServerConnector that binds the port itself, with Jetty's default acceptors and selectors for
 * this machine, and the same default thread pool a clusterflock worker uses.
 *
 * <p>With "reuse-port", it sets SO_REUSEPORT: N copies then share the port, each with a listen
 * queue of its own that the kernel fills by a hash of the connection: the alternative to
 * clusterflock's one shared queue that bench/throughput.sh and bench/fairness.sh measure.
 *
 *   java -cp examples/hello/target/hello.jar:CLASSES SingleJvm PORT [HOST [reuse-port]]
 */
public final class SingleJvm {
    private SingleJvm() {}

    public static void main(String[] args) throws Exception {
        // examples/hello's handler, unchanged (WORKER_ID comes from the environment here too)
        HttpHandler handler = exchange -> {
            byte[] body = ("hello from worker " + System.getenv("WORKER_ID") + "\n").getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        };
        Server server = new Server(new QueuedThreadPool());
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(args.length > 1 ? args[1] : "127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setAcceptQueueSize(1024); // clusterflock's default backlog
        connector.setReusePort(args.length > 2 && args[2].equals("reuse-port"));
        server.addConnector(connector);
        // as clusterflock-jetty's HttpHandlers: the SPI server in shared mode, on a context collection
        server.setHandler(new ContextHandlerCollection());
        new JettyHttpServer(server, true).createContext("/", handler);
        server.start();
        System.err.println("single JVM: " + Runtime.getRuntime().availableProcessors() + " cores, acceptors "
                + connector.getAcceptors() + ", selectors " + connector.getSelectorManager().getSelectorCount()
                + ", port " + connector.getLocalPort() + (connector.isReusePort() ? ", SO_REUSEPORT" : ""));
        server.join();
    }
}
