package io.clusterflock.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerTest {

    @Test
    void aWorkerKnowsItselfFromItsEnvironment() {
        Worker worker = Worker.fromEnvironment(Map.of("CLUSTERFLOCK_WORKER_ID", "2",
                "CLUSTERFLOCK_GENERATION", "5", "CLUSTERFLOCK_WORKERS", "4", "CLUSTERFLOCK_TIMEOUT_MS", "2500")).orElseThrow();
        assertEquals(2, worker.id());
        assertEquals(5, worker.generation());
        assertEquals(4, worker.workers());
        assertEquals(Duration.ofMillis(2500), worker.timeout());
        assertEquals(Optional.empty(), Worker.fromEnvironment(Map.of()));
    }
}
