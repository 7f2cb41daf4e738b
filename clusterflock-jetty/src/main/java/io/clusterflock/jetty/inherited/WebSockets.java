package io.clusterflock.jetty.inherited;

import java.time.Duration;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.Graceful;

/**
 * The drain's part for WebSockets. A WebSocket is open by design and may sit quiet for minutes:
 * the drain's idle close would cut it without a close frame, and waiting for it to end would hold
 * the worker for its whole drain time. So a WebSocket connection is left out of the idle close and
 * of the count that keeps the drain going ({@link #is}), and once the drain ends every one left is
 * closed with 1001 "going away" ({@link #close}), its close frame flushed before the server stops.
 *
 * <p>The closing is Jetty's own: its WebSocket containers (the Jetty API's
 * {@code ServerWebSocketContainer}, Jakarta's) each keep their sessions in a tracker that, on
 * graceful shutdown, closes every session with 1001 and then the connection once the frame is out.
 * A server's stop runs that too, but as part of a shutdown that also stops the connectors and gives
 * it only the stop timeout; here it runs alone, first, and the drain waits until the connections
 * are gone. A {@code FrameHandler} on Jetty's core WebSocket API has no such tracker: its
 * connections end when the server stops, without a close frame, unless the application keeps its
 * sessions in a {@link Graceful} bean of the server's own, which is shut down here too.
 *
 * <p>Connections are recognised by class name, so that this module needs no WebSocket jar: an
 * application that serves WebSockets brings Jetty's.
 */
public final class WebSockets {
    private static final String CONNECTION_CLASS = "org.eclipse.jetty.websocket.core.WebSocketConnection";
    private static final long POLL_MILLIS = 20;

    private WebSockets() {}

    /** Whether {@code endPoint} carries a WebSocket, upgraded from HTTP/1.1 (in TLS too). */
    public static boolean is(EndPoint endPoint) {
        Connection connection = ServedConnection.of(endPoint); // under TLS, the upgraded connection is inside
        for (Class<?> type = connection == null ? null : connection.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(CONNECTION_CLASS)) {
                return true;
            }
        }
        return false;
    }

    /** How many WebSockets are open among {@code endPoints}. */
    public static int count(Iterable<EndPoint> endPoints) {
        int open = 0;
        for (EndPoint endPoint : endPoints) {
            if (is(endPoint)) {
                open++;
            }
        }
        return open;
    }

    /**
     * Closes every WebSocket of {@code server} with 1001 "going away" and waits, for at most
     * {@code time}, until {@code connector} has none left; returns how many are still open. Run as
     * the drain ends: the HTTP connections are gone by then, or out of time.
     */
    public static int close(Server server, InheritedConnector connector, Duration time) throws InterruptedException {
        if (count(connector.getConnectedEndPoints()) == 0) {
            return 0;
        }
        shutDownSessionTrackers(server);
        long deadline = System.nanoTime() + time.toNanos();
        int open;
        while ((open = count(connector.getConnectedEndPoints())) > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL_MILLIS);
        }
        return open;
    }

    /**
     * The graceful shutdown of what keeps sessions on the server (the WebSocket containers'
     * session trackers, an application's own {@code Graceful} bean), and of nothing else: a handler's shutdown would turn new requests away
     * with 503, and a connector's would interrupt its acceptor; the server's stop does both a
     * moment later. Each tracker closes its sessions, the frames on their way out.
     */
    private static void shutDownSessionTrackers(Server server) {
        for (Graceful graceful : server.getContainedBeans(Graceful.class)) {
            if (!(graceful instanceof Handler) && !(graceful instanceof Connector)) {
                graceful.shutdown();
            }
        }
    }
}
