/**
 * clusterflock: a master that owns one listening socket and supervises N worker processes
 * that serve it. {@link io.clusterflock.Cluster} is the master's API, {@link io.clusterflock.worker.Worker}
 * is what a worker process uses.
 */
module io.clusterflock {
    requires jdk.unsupported; // sun.misc.Signal: the master's signal handlers
    requires java.logging;    // the one-line console format of the command line and library mode

    exports io.clusterflock;
    exports io.clusterflock.worker;
    exports io.clusterflock.control;
    exports io.clusterflock.spi; // the metrics endpoint's service interface, for clusterflock-metrics
    // For clusterflock-jetty only: workers' process titles, and the master's one-line console log.
    exports io.clusterflock.internal.os to io.clusterflock.jetty;
    exports io.clusterflock.internal.master to io.clusterflock.jetty;
    exports io.clusterflock.internal.sticky to io.clusterflock.jetty; // a sticky worker's wake-up address
    exports io.clusterflock.internal.net to io.clusterflock.jetty; // waking an acceptor out of accept()
    exports io.clusterflock.internal.tls to io.clusterflock.jetty; // a worker's certificate and protocols, as the master checked them

    uses io.clusterflock.spi.MetricsExporter; // with --metrics, provided by clusterflock-metrics
}
