package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.support.GenericApplicationContext;

/** A warm-up that fails fails the start, unless the worker is already stopping. */
class WorkerReadinessTest {
    private final Worker worker = Workers.of(Map.of("CLUSTERFLOCK_WORKER_ID", "0"));
    private final WorkerReadiness readiness = new WorkerReadiness(worker, Optional.empty(),
            List.of(() -> { throw new IllegalStateException("the event loops are gone"); }), new WarmupRequests(List.of()));

    @Test
    void aFailedWarmUpFailsTheStart() {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.refresh();
            assertThrows(IllegalStateException.class, () -> readiness.onApplicationEvent(ready(context)));
        }
    }

    @Test
    void aWarmUpThatFailsAsTheApplicationStopsIsNoNews() {
        GenericApplicationContext context = new GenericApplicationContext();
        context.refresh();
        context.close(); // SIGTERM's shutdown hook, as the warm-up ran
        readiness.onApplicationEvent(ready(context));
    }

    private static ApplicationReadyEvent ready(GenericApplicationContext context) {
        return new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO);
    }
}
