package io.clusterflock.jetty;

import com.sun.net.httpserver.HttpHandler;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/** Runs a JDK {@code com.sun.net.httpserver.HttpHandler} on Jetty, through jetty-http-spi. */
final class HttpHandlers {
    private HttpHandlers() {}

    /**
     * Serves {@code handler} at "/" of {@code server}. The SPI server runs in shared mode: it adds
     * its context to the server's {@link ContextHandlerCollection} (which must be in place first)
     * and never binds a port of its own.
     */
    static void install(Server server, HttpHandler handler) {
        server.setHandler(new ContextHandlerCollection());
        new JettyHttpServer(server, true).createContext("/", handler);
    }
}
