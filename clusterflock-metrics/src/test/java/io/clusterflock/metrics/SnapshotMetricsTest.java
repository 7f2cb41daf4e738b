package io.clusterflock.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clusterflock.EndCause;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What a scrape reads from the cluster as the supervisor last published it. */
class SnapshotMetricsTest {
    private final FakeCluster cluster = new FakeCluster();
    /** Resident memory by pid; a pid not here is gone. */
    private final Map<Long, Long> rss = new java.util.HashMap<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();

    SnapshotMetricsTest() {
        SnapshotMetrics.register(registry, cluster, worker -> rss.containsKey(worker.pid())
                ? OptionalLong.of(rss.get(worker.pid())) : OptionalLong.empty());
    }

    private static WorkerInfo worker(int slot, long pid, WorkerState state) {
        return new WorkerInfo(slot, pid, 1, state, state == WorkerState.STOPPING ? Optional.of(new EndCause.Replaced(2, false))
                : Optional.empty(), Instant.now(), 0, Optional.empty(), OptionalLong.empty());
    }

    private static SlotInfo slot(int id, OptionalLong served, boolean backingOff) {
        return new SlotInfo(id, 2, backingOff ? Optional.of(Instant.now().plusSeconds(3)) : Optional.empty(), 0, Optional.empty(), served);
    }

    @Test
    void workersByStateListEveryStateWithThoseThatHaveNoneAtZero() {
        cluster.workers = List.of(worker(0, 100, WorkerState.READY), worker(1, 101, WorkerState.READY),
                worker(2, 102, WorkerState.STOPPING), worker(2, 103, WorkerState.STARTING));
        Scrape scrape = Scrape.of(registry);
        assertEquals(2, scrape.of("clusterflock_workers{state=\"ready\"}"));
        assertEquals(1, scrape.of("clusterflock_workers{state=\"stopping\"}"));
        assertEquals(1, scrape.of("clusterflock_workers{state=\"starting\"}"));
        assertEquals(0, scrape.of("clusterflock_workers{state=\"replacing\"}"));
        assertEquals(0, scrape.of("clusterflock_workers{state=\"killing\"}"));

        cluster.workers = List.of(worker(0, 100, WorkerState.READY));
        assertEquals(0, Scrape.of(registry).of("clusterflock_workers{state=\"stopping\"}"), "read anew at each scrape");
    }

    @Test
    void requestsServedAreEachSlotsTotalAndLeaveOutSlotsThatNeverReported() {
        cluster.slots = List.of(slot(0, OptionalLong.of(105), false), slot(1, OptionalLong.empty(), false),
                slot(2, OptionalLong.of(0), true));
        Scrape scrape = Scrape.of(registry);
        assertEquals(105, scrape.of("clusterflock_http_requests_total{slot=\"0\"}"));
        assertEquals(OptionalDouble.empty(), scrape.value("clusterflock_http_requests_total{slot=\"1\"}"));
        assertEquals(0, scrape.of("clusterflock_http_requests_total{slot=\"2\"}"));
        assertEquals(3, scrape.of("clusterflock_slots"));
        assertEquals(1, scrape.of("clusterflock_slots_backing_off"));
    }

    @Test
    void residentMemoryIsBySlotBothProcessesWhileOneReplacesTheOther() {
        cluster.workers = List.of(worker(0, 100, WorkerState.READY), worker(1, 101, WorkerState.STOPPING),
                worker(1, 102, WorkerState.READY), worker(2, 103, WorkerState.KILLING));
        rss.putAll(Map.of(100L, 50L << 20, 101L, 60L << 20, 102L, 40L << 20)); // 103 has just gone
        Scrape scrape = Scrape.of(registry);
        assertEquals(50 << 20, scrape.of("clusterflock_worker_resident_memory_bytes{slot=\"0\"}"));
        assertEquals(100 << 20, scrape.of("clusterflock_worker_resident_memory_bytes{slot=\"1\"}"));
        assertEquals(OptionalDouble.empty(), scrape.value("clusterflock_worker_resident_memory_bytes{slot=\"2\"}"));
    }

    @Test
    void theServingGenerationIsAGauge() {
        cluster.generation = 7;
        assertEquals(7, Scrape.of(registry).of("clusterflock_generation"));
    }
}
