/** Library mode: {@code Clusterflock.serve(handler)} runs a cluster whose workers serve the handler on Jetty 12. */
module io.clusterflock.jetty {
    requires transitive io.clusterflock;
    requires transitive org.eclipse.jetty.server;
    requires transitive jdk.httpserver;
    requires org.eclipse.jetty.http.spi;
    requires jdk.unsupported; // sun.misc.Signal: a worker's SIGTERM starts its drain

    exports io.clusterflock.jetty;
    // Not exported: io.clusterflock.jetty.inherited, the connector on the inherited socket and its
    // drain, which clusterflock-spring-boot's Jetty uses on the class path (as Spring Boot runs).
}
