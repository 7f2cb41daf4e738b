/** Library mode: {@code Clusterflock.serve(handler)} runs a cluster whose workers serve the handler on Jetty 12. */
module io.clusterflock.jetty {
    requires transitive io.clusterflock;
    requires transitive org.eclipse.jetty.server;
    requires transitive jdk.httpserver;
    requires org.eclipse.jetty.http.spi;
    requires org.eclipse.jetty.http2.server; // HTTP/2: h2 over TLS, h2c in clear text
    requires org.eclipse.jetty.alpn.server;  // choosing h2 or http/1.1 in the TLS handshake
    requires jdk.unsupported; // sun.misc.Signal: a worker's SIGTERM starts its drain

    exports io.clusterflock.jetty;
    // Not exported: io.clusterflock.jetty.inherited, the connector on the inherited socket and its
    // drain, which clusterflock-spring-boot's Jetty uses on the class path (as Spring Boot runs).
}
