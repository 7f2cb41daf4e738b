package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import sun.misc.Signal;
import org.springframework.context.ApplicationListener;

/**
 * As the application starts: tells the master that this worker reports its own readiness, and
 * takes SIGTERM as the master's request to stop, a clean exit (code 0 once Spring has shut down
 * gracefully, rather than the JVM's 143 for a signal). Under
 * the master's default {@code --ready-when started} a worker that says nothing counts as ready once
 * it has stayed up a second, which a Spring application is far from: it would let a reload stop the
 * old worker of a slot while the new one still starts. A worker that speaks is ready only when it
 * says so ({@link WorkerReadiness}). Registered in {@code META-INF/spring.factories}: the
 * auto-configuration comes too late for this.
 */
final class WorkerStartReport implements ApplicationListener<ApplicationStartingEvent> {

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        if (Worker.isWorker()) {
            Worker.current().ifPresent(worker -> worker.status("starting Spring Boot"));
            // The JVM's shutdown hooks, Spring's among them, run as for any exit: the drain happens there.
            Signal.handle(new Signal("TERM"), signal -> Thread.ofPlatform().name("clusterflock-stop").start(() -> System.exit(0)));
        }
    }
}
