package io.clusterflock.internal.supervisor;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Desired state (the slots, each with the generation it should run) and actual state (every
 * spawned, unreaped process), with the named queries the supervisor's policies ask of them
 * (einhorn's worker pool).
 */
final class Pool {
    private final SortedMap<Integer, Slot> slots = new TreeMap<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    /**
     * By slot id, the requests its reaped workers last reported. Kept by id, not in the {@link Slot}:
     * a retired slot's draining worker is reaped after its slot has gone, and a slot id that comes
     * back continues its count, so that a slot's total never goes down.
     */
    private final Map<Integer, Long> servedByReaped = new HashMap<>();
    private final Clock clock;

    Pool(Clock clock) {
        this.clock = clock;
    }

    // ---- changes ------------------------------------------------------------------------------

    Slot addSlot(int generation) {
        int id = freeId();
        Slot slot = new Slot(id, generation, clock.nanoTime());
        slots.put(id, slot);
        return slot;
    }

    void removeSlot(Slot slot) {
        slots.remove(slot.id);
    }

    void add(WorkerProcess worker) {
        workers.add(worker);
    }

    /** The worker was reaped: what it last reported it served stays counted in its slot's total. */
    void remove(WorkerProcess worker) {
        workers.remove(worker);
        worker.requests.ifPresent(served -> servedByReaped.merge(worker.id, served, Long::sum));
    }

    // ---- queries -------------------------------------------------------------------------------

    Collection<Slot> slots() {
        return slots.values();
    }

    int size() {
        return slots.size();
    }

    Optional<Slot> slot(int id) {
        return Optional.ofNullable(slots.get(id));
    }

    /** A copy, so that callers may change the pool while they walk it. */
    List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    boolean isEmpty() {
        return workers.isEmpty();
    }

    Optional<WorkerProcess> find(long pid) {
        return workers.stream().filter(w -> w.pid == pid).findFirst();
    }

    private Stream<WorkerProcess> in(Slot slot) {
        return workers.stream().filter(w -> w.id == slot.id);
    }


    /** Whether the slot has a ready worker of {@code generation} that is meant to stay. */
    boolean hasReady(Slot slot, int generation) {
        return in(slot).anyMatch(w -> w.generation == generation && w.life instanceof Lifecycle.Ready);
    }

    /** Whether the slot lacks a worker of its target generation: one is to be spawned once its backoff allows. */
    boolean missing(Slot slot) {
        return in(slot).noneMatch(w -> w.generation == slot.targetGeneration && w.life.fillsSlot());
    }

    /** Whether every unreaped worker of the slot belongs to {@code generation}: older ones have exited. */
    boolean onlyGeneration(Slot slot, int generation) {
        return in(slot).allMatch(w -> w.generation == generation);
    }

    /** The newest generation with a serving worker in this slot. */
    Optional<Integer> servingGeneration(Slot slot) {
        return in(slot).filter(w -> w.life.serving()).map(w -> w.generation).max(Integer::compare);
    }

    /** The ids of the slots that have a serving worker (ready, or serving while being replaced). */
    java.util.Set<Integer> servingSlots() {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        for (WorkerProcess worker : workers) {
            if (worker.life.serving() && slots.containsKey(worker.id)) {
                ids.add(worker.id);
            }
        }
        return java.util.Set.copyOf(ids);
    }

    /**
     * JVMs starting or about to: workers not ready yet, and recycled workers whose replacement is
     * not spawned yet (inputs handled together, before the reconcile that spawns it).
     */
    long starting() {
        long spawned = workers.stream().filter(w -> w.life instanceof Lifecycle.Starting).count();
        long toSpawn = workers.stream().filter(w -> w.life instanceof Lifecycle.Replacing)
                .filter(w -> slot(w.id).map(this::missing).orElse(false)).count();
        return spawned + toSpawn;
    }

    /** Whether every slot serves a ready worker of its target generation, and no retired slot's worker is left. */
    boolean settled() {
        return slots.values().stream().allMatch(s -> hasReady(s, s.targetGeneration))
                && workers.stream().allMatch(w -> slots.containsKey(w.id));
    }

    /**
     * Requests served in slot {@code id} by all its processes, reaped and running, as they reported
     * them; empty while none has reported a count.
     */
    OptionalLong served(int id) {
        Long reaped = servedByReaped.get(id);
        List<WorkerProcess> reporting = workers.stream().filter(w -> w.id == id && w.requests.isPresent()).toList();
        if (reaped == null && reporting.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((reaped == null ? 0 : reaped) + reporting.stream().mapToLong(w -> w.requests.getAsLong()).sum());
    }

    /** The lowest id that no slot and no unreaped worker uses, so two live workers never share an id. */
    private int freeId() {
        int id = 0;
        while (slots.containsKey(id) || usedByWorker(id)) {
            id++;
        }
        return id;
    }

    private boolean usedByWorker(int id) {
        return workers.stream().anyMatch(w -> w.id == id);
    }

    /** The slot to retire on a scale-down: one with no slot-holding worker first, else the oldest worker's. */
    Slot leastRecentlyForked() {
        Comparator<Slot> byAge = Comparator.comparingLong(this::forkedAt);
        return slots.values().stream().min(byAge.thenComparing(s -> -s.id)).orElseThrow();
    }

    /** When the slot's worker was forked, relative to now; slots without one sort first. */
    private long forkedAt(Slot slot) {
        long now = clock.nanoTime();
        return in(slot).filter(w -> w.life.holdsSlot()).mapToLong(w -> w.startedAt - now).max().orElse(Long.MIN_VALUE);
    }

    // ---- snapshots -----------------------------------------------------------------------------

    WorkerInfo info(WorkerProcess w) {
        Optional<Slot> slot = slot(w.id);
        return new WorkerInfo(w.id, w.pid, w.generation, w.life.publicState(), w.life.ending(), w.forkedAt,
                slot.map(s -> s.restarts).orElse(0), slot.flatMap(s -> s.lastExit), w.requests);
    }

    /** Every unreaped worker, by id then generation. */
    List<WorkerInfo> workerInfos() {
        return workers.stream()
                .sorted(Comparator.comparingInt((WorkerProcess w) -> w.id).thenComparingInt(w -> w.generation))
                .map(this::info).toList();
    }

    /** Every slot, by id, with when a slot without a worker ends its respawn delay. */
    List<SlotInfo> slotInfos(boolean spawning) {
        long now = clock.nanoTime();
        Instant wall = clock.instant();
        return slots.values().stream().map(slot -> new SlotInfo(slot.id, slot.targetGeneration,
                spawning && missing(slot) && slot.backingOff(now)
                        ? Optional.of(wall.plus(Duration.ofNanos(slot.respawnAt - now))) : Optional.empty(),
                slot.restarts, slot.lastExit, served(slot.id))).toList();
    }
}
