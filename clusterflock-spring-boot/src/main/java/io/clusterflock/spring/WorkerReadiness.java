package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import java.util.Optional;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Once the application is ready ({@link ApplicationReadyEvent}: the context is refreshed and the
 * runners have run), the worker warms up, lets its acceptor take connections, and tells the master
 * it is ready; then it beats. Until then the master counts it as starting (it said so, early:
 * {@link WorkerStartReport}), and the kernel hands every connection to the other workers.
 *
 * <p>A warm-up that fails throws, which fails the application's start: the worker exits, and a
 * reload to its build gives up while the serving generation serves on. Unless the application is
 * already shutting down (SIGTERM as it started): then what failed is only the server going.
 */
final class WorkerReadiness implements ApplicationListener<ApplicationReadyEvent> {
    private static final Log LOG = LogFactory.getLog("io.clusterflock");
    private final Worker worker;
    private final Optional<InheritedServer> server;
    private final List<ClusterflockWarmup> hooks;
    private final WarmupRequests warmups;
    private volatile Heartbeat heartbeat;

    WorkerReadiness(Worker worker, Optional<InheritedServer> server, List<ClusterflockWarmup> hooks, WarmupRequests warmups) {
        this.worker = worker;
        this.server = server;
        this.hooks = hooks;
        this.warmups = warmups;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (heartbeat != null) {
            return; // a child context's event: the worker is ready once
        }
        try {
            warmUpAndAdmit();
        } catch (RuntimeException e) {
            if (!event.getApplicationContext().isClosed()) {
                throw e;
            }
            // SIGTERM came as the worker started (a reload superseded it): the server it was warming
            // is going, and what failed with it is no news.
            LOG.info("worker " + worker.id() + " stopped before it was ready");
        }
    }

    private void warmUpAndAdmit() {
        try {
            String what = new WarmUp(worker, hooks, warmups, server.flatMap(InheritedServer::warmupTarget)).run();
            LOG.debug("worker " + worker.id() + " warmed up: " + what);
        } catch (WarmUp.Failed e) {
            throw new IllegalStateException("worker " + worker.id() + " is not ready: " + e.getMessage(), e);
        } finally {
            server.ifPresent(InheritedServer::warmedUp);
        }
        server.ifPresent(InheritedServer::admit);
        worker.listening();
        worker.ready();
        server.ifPresent(s -> {
            heartbeat = new Heartbeat(worker, s.requestExecutor(), s::requests);
            heartbeat.start();
        });
    }

    /** The server is stopping: no more beats (a draining worker is not watched for hangs). */
    void stop() {
        Heartbeat beating = heartbeat;
        if (beating != null) {
            beating.stop();
        }
    }
}
