package io.clusterflock.spring;

import io.clusterflock.jetty.inherited.DrainHandler;
import io.clusterflock.jetty.inherited.InheritedConnector;
import io.clusterflock.worker.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;

/**
 * Jetty in a worker, with clusterflock-jetty's own pieces: the {@link InheritedConnector} in
 * place of Spring Boot's (its acceptor held until the worker is warm, stopped without closing the
 * inherited socket, which would send stdout and stderr to /dev/null), the {@link DrainHandler}
 * outermost, and, when there are warm-up requests, a {@link LocalConnector}: they reach the
 * application in-process, over no socket.
 */
final class JettyInheritedServer implements InheritedServer {
    private static final long ANSWER_SECONDS = 30;
    private final Worker worker;
    private final boolean warmups;
    private volatile Server server;
    private volatile InheritedConnector connector;
    private volatile DrainHandler drain;
    private volatile LocalConnector local;

    JettyInheritedServer(Worker worker, boolean warmups) {
        this.worker = worker;
        this.warmups = warmups;
    }

    /** Spring Boot made the server: it serves on the inherited socket instead of a port of its own. */
    void install(Server server) {
        this.server = server;
        connector = new InheritedConnector(server);
        try {
            connector.open(worker.channel(), worker.sticky() ? OptionalInt.of(worker.id()) : OptionalInt.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the inherited socket", e);
        }
        server.setConnectors(new Connector[] { connector });
        if (warmups) {
            local = new LocalConnector(server);
            server.addConnector(local);
        }
        drain = new DrainHandler(server.getHandler(), worker.maxRequests(),
                count -> Thread.ofVirtual().start(() -> Heartbeat.beat(worker, count)));
        server.setHandler(drain);
    }

    @Override
    public void admit() {
        connector.admit(worker.ramp());
    }

    @Override
    public Optional<WarmupTarget> warmupTarget() {
        LocalConnector through = local;
        return through == null ? Optional.empty() : Optional.of(request -> status(through, request));
    }

    private static int status(LocalConnector local, byte[] request) throws IOException {
        ByteBuffer answer;
        try {
            answer = local.getResponse(ByteBuffer.wrap(request), ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (answer == null) {
            throw new IOException("no answer within " + ANSWER_SECONDS + " s");
        }
        return LoopbackTarget.status(StandardCharsets.ISO_8859_1.decode(answer).toString());
    }

    @Override
    public void warmedUp() {
        LocalConnector through = local;
        if (through != null) {
            local = null;
            try {
                through.stop();
            } catch (Exception e) {
                // it served its purpose
            }
            server.removeConnector(through);
        }
    }

    @Override
    public long requests() {
        return drain.requests();
    }

    @Override
    public Executor requestExecutor() {
        return server.getThreadPool();
    }

    @Override
    public boolean drain(Duration time) throws InterruptedException {
        drain.drain();
        return connector.drain(time);
    }

    @Override
    public int openConnections() {
        return connector == null ? 0 : connector.openConnections();
    }
}
