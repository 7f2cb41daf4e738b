package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.catalina.connector.Connector;

/**
 * Tomcat in a worker: the main connector on {@link InheritedNioProtocol}, the {@link DrainValve},
 * and, when there are warm-up requests, a connector of its own on 127.0.0.1 for them, removed once
 * the worker is warm.
 */
final class TomcatInheritedServer implements InheritedServer {
    private static final long POLL_MILLIS = 20;
    private static final long IDLE_CLOSE_MILLIS = 1_000;
    private final RequestCount requests;
    private final DrainValve valve;
    private final Optional<Connector> warmupConnector;
    private volatile Connector connector;

    TomcatInheritedServer(Worker worker, boolean warmups) {
        this.requests = new RequestCount(worker.maxRequests(), count -> Thread.ofVirtual().start(() -> Heartbeat.beat(worker, count)));
        this.valve = new DrainValve(requests);
        this.warmupConnector = warmups ? Optional.of(loopbackConnector()) : Optional.empty();
    }

    private static Connector loopbackConnector() {
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", LoopbackTarget.LOOPBACK);
        return connector;
    }

    /** Tomcat made the main connector: it is ours. */
    void attach(Connector connector) {
        if (!(connector.getProtocolHandler() instanceof InheritedNioProtocol)) {
            throw new IllegalStateException("the connector's protocol is " + connector.getProtocolHandlerClassName()
                    + ", not the inherited socket's: was server.tomcat's protocol set by the application?");
        }
        this.connector = connector;
        valve.countOn(connector);
    }

    DrainValve valve() {
        return valve;
    }

    Optional<Connector> warmupConnector() {
        return warmupConnector;
    }

    private InheritedEndpoint endpoint() {
        return ((InheritedNioProtocol) connector.getProtocolHandler()).inheritedEndpoint();
    }

    @Override
    public void admit() {
        endpoint().admit();
    }

    @Override
    public Optional<WarmupTarget> warmupTarget() {
        return warmupConnector.map(c -> new LoopbackTarget(c::getLocalPort));
    }

    @Override
    public void warmedUp() {
        warmupConnector.filter(c -> c.getService() != null).ifPresent(c -> c.getService().removeConnector(c));
    }

    @Override
    public long requests() {
        return requests.get();
    }

    @Override
    public Executor requestExecutor() {
        return connector.getProtocolHandler().getExecutor();
    }

    @Override
    public boolean drain(Duration time) throws InterruptedException {
        valve.drain();
        InheritedEndpoint endpoint = endpoint();
        endpoint.stopAccepting();
        long deadline = System.nanoTime() + time.toNanos();
        boolean busy;
        while ((busy = endpoint.settling() || endpoint.closeIdle(IDLE_CLOSE_MILLIS) > 0)
                && System.nanoTime() - deadline < 0) {
            endpoint.wakeAcceptor();
            Thread.sleep(POLL_MILLIS); // polling the connections: Tomcat has no event for "none left"
        }
        return !busy;
    }

    @Override
    public int openConnections() {
        return connector == null ? 0 : endpoint().openConnections();
    }
}
