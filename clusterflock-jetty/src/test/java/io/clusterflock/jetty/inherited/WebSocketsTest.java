package io.clusterflock.jetty.inherited;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSockets in a drain, on a real Jetty (the Jetty WebSocket API) over a real socket with the
 * JDK's client: the idle close neither cuts nor counts a quiet WebSocket, and the drain's last
 * step closes it with 1001, a close frame the client receives before the connection ends.
 */
class WebSocketsTest {
    private static final long BOUND_SECONDS = 20;

    private ServerSocketChannel listening;
    private Server server;
    private InheritedConnector connector;
    private DrainHandler drain;
    private HttpClient http;

    @BeforeEach
    void serve() throws Exception {
        listening = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 50);
        server = new Server();
        connector = new InheritedConnector(server);
        connector.open(listening);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container ->
                container.addMapping("/echo", (request, response, callback) -> new Echo())));
        drain = new DrainHandler(new GracefulHandler(context), OptionalLong.empty(), count -> { });
        server.setHandler(drain);
        server.start();
        connector.admit(Duration.ZERO);
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        http.close();
        listening.close();
    }

    @Test
    void theIdleCloseLeavesAQuietWebSocketOpenAndOutOfTheCount() throws Exception {
        Client client = Client.connect(http, port());
        assertEquals("echo hi", client.ask("hi"));

        assertEquals(0, connector.closeIdle(0), "a quiet WebSocket counted as a connection that holds the drain");
        assertEquals(1, connector.openWebSockets());
        assertEquals("echo still there", client.ask("still there"), "the idle close cut the WebSocket");
        assertNull(client.error.getNow(null));
    }

    @Test
    void closingSendsGoingAwayAndWaitsForTheConnectionToEnd() throws Exception {
        Client client = Client.connect(http, port());
        assertEquals("echo hi", client.ask("hi"));

        assertEquals(0, WebSockets.close(server, connector, Duration.ofSeconds(BOUND_SECONDS)), "WebSockets left open");
        assertEquals(0, connector.openConnections());
        assertEquals(1001, client.closed.get(BOUND_SECONDS, TimeUnit.SECONDS), "the close status the client read");
        assertNull(client.error.getNow(null), "the client saw an error rather than a close frame");
    }

    @Test
    void closingShutsDownTheServersGracefulBeansButNoHandler() throws Exception {
        Tracker tracker = new Tracker();
        server.addBean(tracker); // as an application on Jetty's core WebSocket API may keep its sessions
        Client client = Client.connect(http, port());
        assertEquals("echo hi", client.ask("hi"));

        WebSockets.close(server, connector, Duration.ofSeconds(BOUND_SECONDS));
        assertTrue(tracker.shutdown().isDone(), "the application's Graceful bean was not shut down");
        assertFalse(server.getDescendant(GracefulHandler.class).isShutdown(), "a handler was shut down: it would answer 503");
    }

    @Test
    void anUpgradeDuringTheDrainStillSucceeds() throws Exception {
        drain.drain(); // every answer says Connection: close from now on; a 101 says Upgrade instead
        Client client = Client.connect(http, port());
        assertEquals("echo late", client.ask("late"));
        assertEquals(1, connector.openWebSockets());
    }

    @Test
    void anHttpConnectionIsNoWebSocket() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 "));
            assertEquals(0, connector.openWebSockets());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
            while (connector.closeIdle(0) > 0) { // the answer's last write may still be completing
                if (System.nanoTime() - deadline > 0) {
                    fail("the kept-alive HTTP connection was never taken for idle");
                }
                Thread.sleep(20); // the drain's own pace
            }
        }
    }

    private int port() throws IOException {
        return ((InetSocketAddress) listening.getLocalAddress()).getPort();
    }

    /** A bean of the application's that keeps sessions: it notes its shutdown. */
    private static final class Tracker implements Graceful {
        private final CompletableFuture<Void> shutdown = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> shutdown() {
            shutdown.complete(null);
            return shutdown;
        }

        @Override
        public boolean isShutdown() {
            return shutdown.isDone();
        }
    }

    /** The server's end: echoes every text message. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText("echo " + message, Callback.NOOP);
        }
    }

    /** The JDK's client, with what it received: text messages, then a close status or an error. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Client connect(HttpClient http, int port) throws Exception {
            Client client = new Client();
            client.socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), client)
                    .get(BOUND_SECONDS, TimeUnit.SECONDS);
            return client;
        }

        String ask(String text) throws Exception {
            socket.sendText(text, true).get(BOUND_SECONDS, TimeUnit.SECONDS);
            String answer = texts.poll(BOUND_SECONDS, TimeUnit.SECONDS);
            if (answer == null) {
                throw new AssertionError("no answer to '" + text + "'; closed " + closed.getNow(null) + ", error "
                        + error.getNow(null));
            }
            return answer;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable failure) {
            error.complete(failure);
        }
    }
}
