package io.clusterflock.metrics;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.clusterflock.spi.ClusterView;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The metrics read from the cluster as it is at each scrape: workers by state, slots, the serving
 * generation, requests served and resident memory by slot. Nothing is kept between scrapes; the
 * supervisor's snapshot is the one truth (a slot's requests are a counter because the supervisor
 * keeps them one across the slot's processes).
 */
final class SnapshotMetrics {

    private SnapshotMetrics() {}

    /** Registers them all; {@code memory} reads a worker's resident memory (from /proc, in production). */
    static void register(PrometheusRegistry registry, ClusterView cluster, Function<WorkerInfo, OptionalLong> memory) {
        GaugeWithCallback.builder().name("clusterflock_workers")
                .help("Worker processes by state: starting, ready, replacing (serving while its replacement starts), stopping, killing")
                .labelNames("state").callback(callback -> {
                    Map<WorkerState, Long> counts = countByState(cluster.workers());
                    counts.forEach((state, count) -> callback.call(count, label(state)));
                }).register(registry);
        GaugeWithCallback.builder().name("clusterflock_slots")
                .help("Slots the master keeps: the workers it is asked to run")
                .callback(callback -> callback.call(cluster.slots().size())).register(registry);
        GaugeWithCallback.builder().name("clusterflock_slots_backing_off")
                .help("Slots without a worker that wait out a respawn delay (their workers keep dying young)")
                .callback(callback -> callback.call(cluster.slots().stream().filter(s -> s.respawnAt().isPresent()).count()))
                .register(registry);
        GaugeWithCallback.builder().name("clusterflock_generation")
                .help("The generation that serves: that of the last reload or restart that finished (0 before any)")
                .callback(callback -> callback.call(cluster.generation())).register(registry);
        CounterWithCallback.builder().name("clusterflock_http_requests_total")
                .help("Requests served by each slot's workers, all its processes together, as their library reported them")
                .labelNames("slot").callback(callback -> {
                    for (SlotInfo slot : cluster.slots()) {
                        slot.served().ifPresent(served -> callback.call(served, Integer.toString(slot.id())));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("clusterflock_worker_resident_memory_bytes").unit(Unit.BYTES)
                .help("Resident memory of each slot's worker processes (both, while one replaces the other), read at the scrape")
                .labelNames("slot").callback(callback -> memoryBySlot(cluster.workers(), memory)
                        .forEach((slot, bytes) -> callback.call(bytes, Integer.toString(slot)))).register(registry);
    }

    /** Every state, those without a worker at 0: a state that empties reads 0, not a stale value. */
    static Map<WorkerState, Long> countByState(List<WorkerInfo> workers) {
        Map<WorkerState, Long> counts = new TreeMap<>();
        for (WorkerState state : WorkerState.values()) {
            counts.put(state, 0L);
        }
        workers.forEach(worker -> counts.merge(worker.state(), 1L, Long::sum));
        return counts;
    }

    /** The resident memory of each slot's running processes, summed; a slot none of whose processes could be read is left out. */
    static Map<Integer, Long> memoryBySlot(List<WorkerInfo> workers, Function<WorkerInfo, OptionalLong> memory) {
        Map<Integer, Long> bySlot = new TreeMap<>();
        for (WorkerInfo worker : workers) {
            memory.apply(worker).ifPresent(bytes -> bySlot.merge(worker.id(), bytes, Long::sum));
        }
        return bySlot;
    }

    /** "starting", "ready", "replacing", "stopping", "killing": the API's states, as labels. */
    static String label(WorkerState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
