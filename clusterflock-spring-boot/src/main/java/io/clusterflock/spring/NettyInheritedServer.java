package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty (Spring WebFlux) in a worker: Spring Boot's {@link HttpServer}, as configured, on
 * the application's NIO event loops with the inherited socket as its channel
 * ({@link InheritedLoopResources}, {@link InheritedServerChannel}), a {@link NettyDrainHandler} in
 * every connection's pipeline, and, when there are warm-up requests, a server of the worker's own
 * on 127.0.0.1 for them with the same configuration and the same application, gone once the
 * worker is warm.
 *
 * <p>No acceptor blocks in {@code accept()}: stopping accepting is taking the socket out of the
 * selector, with no wake-up needed, and connections are spread by the kernel's wake-ups of the
 * workers' selectors rather than the FIFO of blocking accepts (docs/SPRING.md).
 */
final class NettyInheritedServer implements InheritedServer {
    private static final long POLL_MILLIS = 20;
    private static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration WARMUP_SERVER_TIME = Duration.ofSeconds(30);
    private final Worker worker;
    private final boolean warmups;
    private final ObjectProvider<HttpHandler> application;
    private final RequestCount requests;
    private volatile boolean draining;
    private volatile Supplier<LoopResources> loops;
    private volatile HttpServer configured;
    private volatile InheritedServerChannel channel;
    private volatile DisposableServer warmupServer;

    NettyInheritedServer(Worker worker, boolean warmups, ObjectProvider<HttpHandler> application) {
        this.worker = worker;
        this.warmups = warmups;
        this.application = application;
        this.requests = new RequestCount(worker.maxRequests(), count -> Thread.ofVirtual().start(() -> Heartbeat.beat(worker, count)));
    }

    /**
     * Spring Boot's server, once every other customizer has had its say: it serves on the inherited
     * socket, on the NIO loops of {@code loops} (the application's Reactor Netty resources).
     */
    HttpServer customize(HttpServer server, Supplier<LoopResources> loops) {
        this.loops = loops;
        this.configured = server;
        return server.runOn(new InheritedLoopResources(loops, this::newChannel), false)
                .doOnChannelInit((observer, connection, address) -> connection.pipeline()
                        .addBefore(NettyPipeline.ReactiveBridge, NettyDrainHandler.NAME,
                                new NettyDrainHandler(requests, () -> draining)));
    }

    private InheritedServerChannel newChannel() {
        InheritedServerChannel made = new InheritedServerChannel(worker.channel());
        channel = made;
        return made;
    }

    @Override
    public void admit() {
        channel.admit();
    }

    @Override
    public Optional<WarmupTarget> warmupTarget() {
        if (!warmups) {
            return Optional.empty();
        }
        warmupServer = configured.runOn(loops.get(), false)
                .bindAddress(() -> new InetSocketAddress(LoopbackTarget.LOOPBACK, 0))
                .handle(new ReactorHttpHandlerAdapter(application.getObject()))
                .bindNow(WARMUP_SERVER_TIME);
        return Optional.of(new LoopbackTarget(warmupServer::port));
    }

    @Override
    public void warmedUp() {
        DisposableServer server = warmupServer;
        if (server != null) {
            warmupServer = null;
            server.disposeNow(WARMUP_SERVER_TIME);
        }
    }

    @Override
    public long requests() {
        return requests.get();
    }

    /** The loops that serve connections: a beat goes to each in turn, and one stuck loop stops them. */
    @Override
    public Executor requestExecutor() {
        return loops.get().onServer(false);
    }

    @Override
    public boolean drain(Duration time) throws InterruptedException {
        draining = true;
        if (channel == null) {
            return true; // the server never started
        }
        channel.stopAccepting();
        long deadline = System.nanoTime() + time.toNanos();
        boolean busy;
        while ((busy = closeIdle() > 0) && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL_MILLIS); // polling the connections: nothing tells us "none left"
        }
        return !busy;
    }

    /**
     * Has each connection's event loop close it if it is idle ({@link NettyDrainHandler#idleFor});
     * returns how many are open now. A connection whose pipeline is not set up yet is not idle.
     */
    private int closeIdle() {
        for (Channel connection : channel.connections()) {
            connection.eventLoop().execute(() -> {
                NettyDrainHandler handler = connection.pipeline().get(NettyDrainHandler.class);
                if (handler != null && handler.idleFor(IDLE_CLOSE_NANOS)) {
                    connection.close();
                }
            });
        }
        return channel.connections().size();
    }

    @Override
    public int openConnections() {
        InheritedServerChannel current = channel;
        return current == null ? 0 : current.connections().size();
    }
}
