package io.clusterflock.jetty.inherited;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.junit.jupiter.api.Test;

/**
 * The connector's part of a drain, on a real Jetty over a real socket: the acceptor leaves
 * accept() and the socket stays open (closing an inherited one would take stdout and stderr with
 * it); closing idle connections spares a response still on its way.
 */
class InheritedConnectorTest {
    private static final long BOUND_NANOS = 20_000_000_000L;
    private static final long IDLE_MILLIS = 1_000;
    private static final long PAUSE_MILLIS = 1_500;

    @Test
    void stoppingBringsTheAcceptorOutOfAcceptAndLeavesTheSocketOpen() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 50)) {
            Server server = new Server();
            InheritedConnector connector = new InheritedConnector(server);
            connector.open(listening);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                    response.write(true, StandardCharsets.US_ASCII.encode("ok"), callback);
                    return true;
                }
            });
            server.start();
            connector.admit(java.time.Duration.ZERO);
            try {
                int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
                assertEquals("HTTP/1.1 200 OK", statusLine(port));
                awaitAcceptorIn(connector);

                connector.stopAccepting();
                long deadline = System.nanoTime() + BOUND_NANOS;
                while (connector.settling()) {
                    if (System.nanoTime() - deadline > 0) {
                        fail("the acceptor is still in accept()");
                    }
                    connector.wakeAcceptor();
                    Thread.sleep(20); // the drain's own pace
                }
                assertFalse(connector.acceptorWaiting());
            } finally {
                server.stop();
            }
            assertTrue(listening.isOpen(), "stopping the server closed the socket");
        }
    }

    @Test
    void aResponseThatPausesLongerThanTheIdleTimeIsNotCutShort() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 50)) {
            Server server = new Server();
            InheritedConnector connector = new InheritedConnector(server);
            connector.open(listening);
            server.addConnector(connector);
            // Committed at once, then quiet for longer than the drain's idle time: a stream, say.
            server.setHandler(new DrainHandler(new Handler.Abstract() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback)
                        throws Exception {
                    FutureCallback first = new FutureCallback();
                    response.write(false, StandardCharsets.US_ASCII.encode("first\n"), first);
                    first.get();
                    Thread.sleep(PAUSE_MILLIS); // the pause under test
                    response.write(true, StandardCharsets.US_ASCII.encode("second\n"), callback);
                    return true;
                }
            }, java.util.OptionalLong.empty(), count -> { }));
            server.start();
            connector.admit(java.time.Duration.ZERO);
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listening.getLocalAddress()).getPort())) {
                client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(client),
                        runnable -> Thread.ofPlatform().daemon().start(runnable));
                long deadline = System.nanoTime() + BOUND_NANOS;
                while (!answer.isDone()) { // what the drain does meanwhile
                    if (System.nanoTime() - deadline > 0) {
                        fail("no end to the response");
                    }
                    connector.closeIdle(IDLE_MILLIS);
                    Thread.sleep(20); // the drain's own pace
                }
                assertTrue(answer.get().contains("second"), "the response was cut: " + answer.get());
            } finally {
                server.stop();
            }
        }
    }

    private static String readAll(Socket socket) {
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** The acceptor thread goes back into accept() after each connection: wait until it has. */
    private static void awaitAcceptorIn(InheritedConnector connector) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!connector.acceptorWaiting()) {
            if (System.nanoTime() - deadline > 0) {
                fail("the acceptor never went back into accept()");
            }
            Thread.sleep(5);
        }
    }

    private static String statusLine(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().findFirst().orElse("");
        }
    }
}
