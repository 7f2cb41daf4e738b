package io.clusterflock.metrics;

import com.sun.net.httpserver.spi.HttpServerProvider;

/**
 * Makes the JDK's own HTTP server the one {@code com.sun.net.httpserver.HttpServer.create} gives
 * the master. jetty-http-spi, which clusterflock-jetty brings (so the CLI and every library-mode
 * program), declares itself the JVM's {@link HttpServerProvider}, and the server it makes cannot
 * serve the Prometheus exporter (it has no address before it starts: a NullPointerException in
 * {@code JettyHttpServer.getAddress}). The master serves no other HTTP, and workers are other
 * processes, so the master pins the JDK's provider before its first use: the JVM looks the
 * provider up once, the system property first, and keeps it.
 */
final class JdkHttpServer {
    private static final String PROPERTY = "com.sun.net.httpserver.HttpServerProvider";
    /** The JDK's own provider (module jdk.httpserver), which the lookup instantiates for us. */
    private static final String JDK_PROVIDER = "sun.net.httpserver.DefaultHttpServerProvider";

    private JdkHttpServer() {}

    /** Unless a provider was chosen already (by the property, or by an earlier use), it is the JDK's. */
    static synchronized void pin() {
        if (System.getProperty(PROPERTY) != null) {
            HttpServerProvider.provider(); // the operator's choice
            return;
        }
        System.setProperty(PROPERTY, JDK_PROVIDER);
        try {
            HttpServerProvider.provider();
        } finally {
            System.clearProperty(PROPERTY); // kept by the JVM from now on; the property need not stay
        }
    }
}
