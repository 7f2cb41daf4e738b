package example;

import io.clusterflock.jetty.Clusterflock;
import io.clusterflock.worker.Worker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * WebSockets in library mode. {@code /socket} is a WebSocket that first says which worker answered
 * ({@code worker 0 generation 1 pid 4711}), then echoes every text message ({@code echo <text>});
 * every other path is a page whose script opens that socket and opens it again when a reload
 * closes it.
 */
public final class WebSocketApp {

    public static void main(String[] args) {
        Clusterflock.serveOn(WebSocketApp::handler, options -> options.workers(2));
    }

    /** Built in each worker, on its server: Jetty's upgrade handler needs the server it serves on. */
    static Handler handler(Server server) {
        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping("/socket", (request, response, callback) -> new Echo()));
        sockets.setHandler(new Page()); // what is not an upgrade to /socket
        return sockets;
    }

    /** Who answers: this worker's slot and generation, and its pid. */
    static String whoAmI() {
        Worker worker = Worker.current().orElseThrow();
        return "worker " + worker.id() + " generation " + worker.generation() + " pid " + ProcessHandle.current().pid();
    }

    /** One WebSocket: says who answered, then echoes. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.sendText(whoAmI(), org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText("echo " + message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    /** The plain page: who answered it, and a script that keeps a WebSocket open, reconnecting when it closes. */
    static final class Page extends Handler.Abstract.NonBlocking {
        private static final String HTML = """
                <!doctype html>
                <title>clusterflock WebSocket</title>
                <p>This page: %s</p>
                <pre id="log"></pre>
                <script>
                const log = text => document.getElementById("log").textContent += text + "\\n";
                function open() {
                  const socket = new WebSocket(location.href.replace(/^http/, "ws").replace(/[^/]*$/, "socket"));
                  socket.onmessage = event => log(event.data);
                  socket.onclose = event => { log("closed " + event.code + ": " + event.reason); setTimeout(open, 200); };
                }
                open();
                </script>
                """;

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            response.write(true, ByteBuffer.wrap(HTML.formatted(whoAmI()).getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
