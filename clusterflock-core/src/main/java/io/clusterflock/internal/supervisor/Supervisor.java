package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterOptions;
import io.clusterflock.internal.util.Durations;
import io.clusterflock.SlotInfo;
import io.clusterflock.internal.util.Sizes;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.internal.util.Signals;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The master's state machine: it decides which worker processes should exist and makes it so.
 *
 * <p>Reader's guide. Desired state is {@link #slots}: every slot should have one active worker of
 * the slot's target generation. Actual state is {@link #workers}: every process spawned and not
 * yet reaped. {@link #handle} records what happened (an exit, a ready report, a request);
 * {@link #reconcile} then converges, in einhorn's order: move a rolling restart along, spawn what is missing (minding backoff),
 * cull what is superseded (an old generation once its replacement is ready, retired slots), and
 * enforce deadlines (ready timeout, stop timeout). {@link #nextDeadline} tells the loop how long it
 * may block. One thread calls all of this and nothing else touches the state, so nothing is locked.
 *
 * <p>Invariants: a worker the master asked to stop is never re-forked; an old worker is asked to
 * stop only once its slot has a ready worker of the target generation; the supervisor never
 * touches the listening socket, so a reload cannot close it.
 */
public final class Supervisor {
    private enum Phase { RUNNING, STOPPING, STOPPED }

    /** Between the SIGQUIT that asks a hung JVM for a thread dump and the SIGKILL. */
    static final Duration DUMP_GRACE = Duration.ofSeconds(1);

    private final ClusterOptions options;
    private final ProcessPort processes;
    private final Clock clock;
    private final Consumer<ClusterEvent> events;
    private final Backoff backoff;
    private final SortedMap<Integer, Slot> slots = new TreeMap<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    /** Slots still to be replaced by a rolling restart, head first; the head's target is bumped. */
    private final Deque<Integer> rolling = new ArrayDeque<>();
    private Phase phase = Phase.RUNNING;
    private boolean graceful = true;
    private int generation;
    private boolean reloading;

    public Supervisor(ClusterOptions options, ProcessPort processes, Clock clock, Consumer<ClusterEvent> events) {
        this.options = options;
        this.processes = processes;
        this.clock = clock;
        this.events = events;
        this.backoff = new Backoff(options.respawnDelay(), options.respawnDelayMax());
        for (int id = 0; id < options.workers(); id++) {
            slots.put(id, new Slot(id, 0, clock.nanoTime()));
        }
    }

    // ---- inputs ------------------------------------------------------------------------------

    /** Records one input; {@link #reconcile} acts on it. */
    public void handle(Input input) {
        switch (input) {
            case Input.Exited e -> onExit(e.pid(), e.status());
            case Input.WorkerOnline o -> report(o.pid(), w -> new ClusterEvent.Online(info(w)));
            case Input.WorkerListening l -> onListening(l.pid());
            case Input.WorkerReady r -> onReady(r.pid());
            case Input.WorkerHeartbeat h -> onHeartbeat(h.pid(), h.requests());
            case Input.WorkerMemory m -> onMemory(m.pid(), m.rssBytes());
            case Input.WorkerMessage m -> report(m.pid(), w -> new ClusterEvent.Message(info(w), m.text()));
            case Input.WorkerStatus s -> report(s.pid(), w -> new ClusterEvent.Status(info(w), s.text()));
            case Input.SignalReceived s -> onSignal(s.signal());
            case Input.Resize r -> resize(r.workers());
            case Input.Reload r -> reload(r.rolling());
            case Input.Shutdown s -> shutdown(s.graceful(), s.reason());
        }
    }

    /** A worker process ended: a requested stop is a disconnect; anything else is re-forked. */
    private void onExit(long pid, ExitStatus status) {
        WorkerProcess dead = find(pid);
        if (dead == null) {
            return;
        }
        workers.remove(dead);
        WorkerInfo info = info(dead);
        Slot slot = slots.get(dead.id);
        if (slot != null) {
            slot.lastExit = status;
            slot.lastExitReason = dead.endReason != null ? dead.endReason : "exited unexpectedly";
        }
        if (!dead.active()) {
            events.accept(new ClusterEvent.Disconnect(info, status));
        } else {
            String reason = dead.endReason != null ? dead.endReason : "exited unexpectedly";
            if (reloading && dead.generation == generation && !dead.ready()) {
                abandonReload(info.label() + " of generation " + generation + " "
                        + (dead.endReason != null ? "was killed: " + dead.endReason : "exited with " + status)
                        + " before it was ready");
            }
            events.accept(new ClusterEvent.Exit(info, status, reason, scheduleRespawn(slot, dead)));
        }
        if (workers.isEmpty()) {
            events.accept(new ClusterEvent.Empty());
        }
    }

    /** A report from a worker we know of becomes an event; reports of unknown pids are dropped. */
    private void report(long pid, Function<WorkerProcess, ClusterEvent> event) {
        WorkerProcess worker = find(pid);
        if (worker != null) {
            events.accept(event.apply(worker));
        }
    }

    /** A worker is alive; one that has served its share of requests is recycled. */
    private void onHeartbeat(long pid, long requests) {
        WorkerProcess worker = find(pid);
        if (worker == null) {
            return;
        }
        worker.lastHeartbeat = clock.nanoTime();
        if (requests >= 0) {
            worker.requests = requests;
        }
        if (worker.requestLimit > 0 && worker.requests >= worker.requestLimit) {
            recycle(worker, "recycled after " + worker.requests + " requests");
        }
    }

    /** A memory sample: a worker above maxRss for longer than the grace period is recycled. */
    private void onMemory(long pid, long rss) {
        WorkerProcess worker = find(pid);
        if (worker == null || options.maxRss() <= 0) {
            return;
        }
        long now = clock.nanoTime();
        if (rss <= options.maxRss()) {
            worker.overMemorySince = 0;
        } else if (worker.overMemorySince == 0) {
            worker.overMemorySince = now;
        }
        if (worker.overMemorySince != 0 && now - worker.overMemorySince >= options.maxRssGrace().toNanos()) {
            recycle(worker, "recycled: resident memory " + Sizes.format(rss) + " above " + Sizes.format(options.maxRss())
                    + " for " + Durations.format(options.maxRssGrace()));
        }
    }

    /**
     * Replaces a ready worker in its own slot, like a reload of one: a new worker starts, and this
     * one drains once the new one is ready. One recycle at a time, so that limits reached together
     * never take several workers out at once.
     */
    private void recycle(WorkerProcess worker, String reason) {
        if (phase != Phase.RUNNING || !worker.ready() || worker.retiring != null || !slots.containsKey(worker.id)
                || workers.stream().anyMatch(w -> w.retiring != null && w.active())) {
            return;
        }
        worker.retiring = reason;
        events.accept(new ClusterEvent.Recycling(info(worker), reason));
    }

    /** A worker's server accepts connections: that is ready when readyWhen is LISTENING. */
    private void onListening(long pid) {
        report(pid, w -> new ClusterEvent.Listening(info(w)));
        if (options.readyWhen() == ReadyWhen.LISTENING) {
            onReady(pid);
        }
    }

    /** A worker reported ready: it may now replace an older one. */
    private void onReady(long pid) {
        WorkerProcess worker = find(pid);
        if (worker != null && worker.state == WorkerState.STARTING && !worker.killed) {
            markReady(worker);
        }
    }

    /** The master's signals (SPEC §3); QUIT stays with the JVM for thread dumps. */
    private void onSignal(int signal) {
        switch (signal) {
            case Signals.TERM -> shutdown(true, "SIGTERM");
            case Signals.INT -> shutdown(false, "SIGINT");
            case Signals.HUP -> reload(true);
            case Signals.USR2 -> reload(false);
            case Signals.TTIN -> resize(slots.size() + 1);
            case Signals.TTOU -> resize(slots.size() - 1);
            default -> { }
        }
    }

    /** Keep {@code target} slots: new ones take the lowest free ids; the least recently forked go. */
    private void resize(int target) {
        if (phase != Phase.RUNNING) {
            declined("resize to " + target, "the cluster is shutting down");
            return;
        }
        if (target < 1 || target > ClusterOptions.MAX_WORKERS) {
            declined("resize to " + target, "the size must stay between 1 and " + ClusterOptions.MAX_WORKERS);
            return;
        }
        int from = slots.size();
        while (slots.size() < target) {
            int id = freeId();
            slots.put(id, new Slot(id, generation, clock.nanoTime()));
        }
        while (slots.size() > target) {
            retire(leastRecentlyForked());
        }
        if (from != target) {
            events.accept(new ClusterEvent.Resized(from, target));
        }
    }

    /** A new generation: for every slot at once, or slot by slot when {@code rollingRestart}. */
    private void reload(boolean rollingRestart) {
        if (phase != Phase.RUNNING) {
            declined(rollingRestart ? "restart" : "reload", "the cluster is shutting down");
            return;
        }
        generation++;
        reloading = true;
        rolling.clear();
        long now = clock.nanoTime();
        for (Slot slot : slots.values()) {
            slot.failures = 0; // new code gets a fresh start
            slot.respawnAt = now;
            if (rollingRestart) {
                rolling.add(slot.id);
            } else {
                slot.targetGeneration = generation;
            }
        }
        if (rollingRestart && !rolling.isEmpty()) {
            slots.get(rolling.peek()).targetGeneration = generation;
        }
        events.accept(new ClusterEvent.ReloadStarted(generation, rollingRestart));
    }

    /** Stop everything: drain then kill after the timeout, or kill at once. */
    private void shutdown(boolean drain, String reason) {
        if (phase == Phase.STOPPED || (phase == Phase.STOPPING && (drain || !graceful))) {
            declined(reason, "the cluster is already shutting down");
            return;
        }
        phase = Phase.STOPPING;
        graceful = drain;
        reloading = false;
        rolling.clear();
        events.accept(new ClusterEvent.Shutdown(drain, options.timeout(), reason));
        for (WorkerProcess worker : List.copyOf(workers)) {
            if (!drain) {
                worker.endReason = "killed: " + reason;
                kill(worker);
            } else if (worker.active()) {
                stop(worker, "shutdown (" + reason + ")");
            }
        }
    }

    // ---- convergence ---------------------------------------------------------------------------

    /** Moves actual state toward desired state; call after every input and every timeout. */
    public void reconcile() {
        long now = clock.nanoTime();
        if (phase == Phase.RUNNING) {
            advanceRolling();
            recycleOld(now);
            spawnMissing(now);
            cullSuperseded();
            finishReload();
        }
        enforceDeadlines(now);
        if (phase == Phase.STOPPING && workers.isEmpty()) {
            phase = Phase.STOPPED;
            events.accept(new ClusterEvent.Stopped(exitCode()));
        }
    }

    /** Spawn a worker for every slot that lacks an active one of its target generation. */
    private void spawnMissing(long now) {
        for (Slot slot : slots.values()) {
            if (!hasActive(slot, slot.targetGeneration) && !slot.backingOff(now)) {
                spawn(slot, now);
            }
        }
    }

    /** Workers older than maxAge are recycled (one at a time, see {@link #recycle}). */
    private void recycleOld(long now) {
        if (options.maxAge().isZero()) {
            return;
        }
        for (WorkerProcess worker : List.copyOf(workers)) {
            if (worker.staying() && now - worker.startedAt >= options.maxAge().toNanos()) {
                recycle(worker, "recycled: older than " + Durations.format(options.maxAge()));
            }
        }
    }

    /**
     * Stop workers that are superseded: old generations and recycled workers once their
     * replacement is ready, workers of retired slots at once.
     */
    private void cullSuperseded() {
        for (WorkerProcess worker : List.copyOf(workers)) {
            Slot slot = slots.get(worker.id);
            if (!worker.active() || (slot != null && worker.generation == slot.targetGeneration && worker.retiring == null)) {
                continue;
            }
            if (slot == null) {
                stop(worker, "its slot was removed (scaled down)");
            } else if (!worker.ready() || hasReady(slot, slot.targetGeneration)) {
                stop(worker, worker.retiring != null ? worker.retiring
                        : "replaced by generation " + slot.targetGeneration);
            }
        }
    }

    /**
     * A rolling restart moves to the next slot once the current one has a ready new worker and its
     * old worker has gone: never more than one extra worker at a time.
     */
    private void advanceRolling() {
        while (!rolling.isEmpty()) {
            Slot head = slots.get(rolling.peek());
            if (head != null && !(hasReady(head, generation) && onlyGeneration(head, generation))) {
                return;
            }
            rolling.poll();
            if (!rolling.isEmpty()) {
                slots.get(rolling.peek()).targetGeneration = generation;
            }
        }
    }

    /** A reload is done when every slot has a ready worker of the new generation. */
    private void finishReload() {
        if (reloading && rolling.isEmpty() && slots.values().stream().allMatch(s -> hasReady(s, generation))) {
            reloading = false;
            events.accept(new ClusterEvent.ReloadFinished(generation));
        }
    }

    /** Kill workers that missed their ready deadline, outlived their stop timeout, or hang. */
    private void enforceDeadlines(long now) {
        for (WorkerProcess worker : List.copyOf(workers)) {
            if (worker.killed) {
                continue;
            }
            if (!worker.ready() && now - worker.deadline >= 0) {
                boolean starting = worker.state == WorkerState.STARTING;
                events.accept(starting ? new ClusterEvent.ReadyTimeout(info(worker), options.readyTimeout())
                        : new ClusterEvent.StopTimeout(info(worker), options.timeout()));
                worker.endReason = starting ? "not ready within " + Durations.format(options.readyTimeout())
                        : "did not stop within " + Durations.format(options.timeout());
                kill(worker);
            } else {
                checkHeartbeat(worker, now);
            }
        }
    }

    /**
     * gunicorn's worker timeout, without its file: a worker that has heartbeated and then falls
     * silent for workerTimeout gets SIGQUIT (a JVM prints a thread dump into the log), and
     * {@link #DUMP_GRACE} later SIGKILL; it is then re-forked like any unexpected exit.
     */
    private void checkHeartbeat(WorkerProcess worker, long now) {
        Duration timeout = options.workerTimeout();
        if (timeout.isZero() || worker.lastHeartbeat == 0 || !worker.active()) {
            return;
        }
        if (worker.hungAt == 0 && now - worker.lastHeartbeat >= timeout.toNanos()) {
            worker.hungAt = now;
            worker.endReason = "hung: no heartbeat for " + Durations.format(timeout);
            events.accept(new ClusterEvent.Hung(info(worker), timeout));
            processes.signal(worker.pid, Signals.QUIT);
        } else if (worker.hungAt != 0 && now - worker.hungAt >= DUMP_GRACE.toNanos()) {
            kill(worker);
        }
    }

    // ---- actions -------------------------------------------------------------------------------

    private void spawn(Slot slot, long now) {
        try {
            long pid = processes.spawn(slot.id, slot.targetGeneration, slots.size());
            WorkerProcess worker = new WorkerProcess(slot.id, pid, slot.targetGeneration, now);
            worker.deadline = now + options.readyTimeout().toNanos();
            if (options.maxRequests() > 0) {
                worker.requestLimit = options.maxRequests()
                        + ThreadLocalRandom.current().nextLong(options.maxRequestsJitter() + 1);
            }
            workers.add(worker);
            events.accept(new ClusterEvent.Fork(info(worker)));
            if (options.readyWhen() == ReadyWhen.STARTED) {
                markReady(worker);
            }
        } catch (ProcessPort.SpawnException e) {
            slot.failures++;
            Duration delay = backoff.delayAfter(slot.failures);
            slot.respawnAt = now + delay.toNanos();
            events.accept(new ClusterEvent.SpawnFailed(slot.id, e.getMessage(), delay));
            if (reloading && slot.targetGeneration == generation) {
                abandonReload("worker " + slot.id + " of generation " + generation + " could not start: " + e.getMessage());
            }
        }
    }

    private void markReady(WorkerProcess worker) {
        worker.state = WorkerState.READY;
        events.accept(new ClusterEvent.Ready(info(worker)));
    }

    /** Ask a worker to drain and exit (SIGTERM); it is killed if still alive after the timeout. */
    private void stop(WorkerProcess worker, String reason) {
        worker.endReason = reason;
        worker.state = WorkerState.STOPPING;
        worker.deadline = clock.nanoTime() + options.timeout().toNanos();
        events.accept(new ClusterEvent.Stopping(info(worker), options.timeout()));
        if (options.timeout().isZero()) {
            kill(worker);
        } else {
            processes.signal(worker.pid, Signals.TERM); // false: already gone, its exit is on the way
        }
    }

    private void kill(WorkerProcess worker) {
        worker.killed = true;
        processes.signal(worker.pid, Signals.KILL);
    }

    /** Take a slot out of the desired state; its worker is stopped and never re-forked. */
    private void retire(Slot slot) {
        slots.remove(slot.id);
        rolling.remove(slot.id);
        for (WorkerProcess worker : List.copyOf(workers)) {
            if (worker.id == slot.id && worker.active()) {
                stop(worker, "its slot was removed (scaled down)");
            }
        }
    }

    /** A reload that cannot finish leaves the workers that serve in place and says why. */
    private void abandonReload(String reason) {
        reloading = false;
        rolling.clear();
        long now = clock.nanoTime();
        for (Slot slot : slots.values()) {
            if (hasReady(slot, slot.targetGeneration)) {
                continue; // already switched: keeps the new generation
            }
            servingGeneration(slot).ifPresent(serving -> {
                slot.targetGeneration = serving;
                slot.failures = 0;
                slot.respawnAt = now;
            });
        }
        events.accept(new ClusterEvent.ReloadFailed(generation, reason));
    }

    /** When the slot of a worker that died unexpectedly is re-forked; empty when it is not. */
    private Optional<Duration> scheduleRespawn(Slot slot, WorkerProcess dead) {
        if (phase != Phase.RUNNING || slot == null || hasActive(slot, slot.targetGeneration)) {
            return Optional.empty();
        }
        long now = clock.nanoTime();
        slot.failures = Backoff.stayedUp(Duration.ofNanos(now - dead.startedAt)) ? 0 : slot.failures + 1;
        Duration delay = backoff.delayAfter(slot.failures);
        slot.respawnAt = now + delay.toNanos();
        slot.restarts++;
        return Optional.of(delay);
    }

    private void declined(String request, String reason) {
        events.accept(new ClusterEvent.Declined(request, reason));
    }

    // ---- queries -------------------------------------------------------------------------------

    private WorkerProcess find(long pid) {
        for (WorkerProcess worker : workers) {
            if (worker.pid == pid) {
                return worker;
            }
        }
        return null;
    }

    /** Whether the slot has a worker of {@code gen} that is meant to stay (starting or ready, not being recycled). */
    private boolean hasActive(Slot slot, int gen) {
        return workers.stream().anyMatch(w -> w.id == slot.id && w.generation == gen && w.staying());
    }

    /** Whether the slot has a ready worker of {@code gen} that is meant to stay. */
    private boolean hasReady(Slot slot, int gen) {
        return workers.stream().anyMatch(w -> w.id == slot.id && w.generation == gen && w.ready() && w.retiring == null);
    }

    /** Whether every unreaped worker of the slot belongs to {@code gen}: older ones have exited. */
    private boolean onlyGeneration(Slot slot, int gen) {
        return workers.stream().noneMatch(w -> w.id == slot.id && w.generation != gen);
    }

    /** The newest generation with a ready worker in this slot. */
    private Optional<Integer> servingGeneration(Slot slot) {
        return workers.stream().filter(w -> w.id == slot.id && w.ready()).map(w -> w.generation).max(Integer::compare);
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

    /** The slot to retire on a scale-down: one with no active worker first, else the oldest worker's. */
    private Slot leastRecentlyForked() {
        Comparator<Slot> byAge = Comparator.comparingLong(this::forkedAt);
        return slots.values().stream().min(byAge.thenComparing(s -> -s.id)).orElseThrow();
    }

    /** When the slot's active worker was forked; slots without one sort first. */
    private long forkedAt(Slot slot) {
        return workers.stream().filter(w -> w.id == slot.id && w.active())
                .mapToLong(w -> w.startedAt - clock.nanoTime()).max().orElse(Long.MIN_VALUE);
    }

    /** The earliest time (nanos) at which {@link #reconcile} has something to do, if any. */
    public OptionalLong nextDeadline() {
        long now = clock.nanoTime();
        OptionalLong next = OptionalLong.empty();
        for (WorkerProcess worker : workers) {
            if (worker.killed) {
                continue;
            }
            if (!worker.ready()) {
                next = earliest(next, worker.deadline);
            }
            if (!options.workerTimeout().isZero() && worker.lastHeartbeat != 0 && worker.active()) {
                next = earliest(next, worker.hungAt != 0 ? worker.hungAt + DUMP_GRACE.toNanos()
                        : worker.lastHeartbeat + options.workerTimeout().toNanos());
            }
            // A worker past its age that waits its turn (another recycle is under way, or it is not
            // ready) is taken up by the input that ends the wait: a past deadline would spin the loop.
            long aged = worker.startedAt + options.maxAge().toNanos();
            if (!options.maxAge().isZero() && worker.staying() && aged - now > 0) {
                next = earliest(next, aged);
            }
        }
        if (phase == Phase.RUNNING) {
            for (Slot slot : slots.values()) {
                if (!hasActive(slot, slot.targetGeneration)) {
                    next = earliest(next, slot.respawnAt);
                }
            }
        }
        return next;
    }

    private static OptionalLong earliest(OptionalLong current, long candidate) {
        return current.isEmpty() || candidate - current.getAsLong() < 0 ? OptionalLong.of(candidate) : current;
    }

    public boolean finished() {
        return phase == Phase.STOPPED;
    }

    /** 0 after a graceful shutdown, 1 after an immediate one. */
    public int exitCode() {
        return graceful ? 0 : 1;
    }

    public int generation() {
        return generation;
    }

    /** Every unreaped worker, by id then generation. */
    public List<WorkerInfo> snapshot() {
        return workers.stream()
                .sorted(Comparator.comparingInt((WorkerProcess w) -> w.id).thenComparingInt(w -> w.generation))
                .map(this::info).toList();
    }

    private WorkerInfo info(WorkerProcess w) {
        Slot slot = slots.get(w.id);
        return new WorkerInfo(w.id, w.pid, w.generation, w.state, Duration.ofNanos(clock.nanoTime() - w.startedAt),
                slot == null ? 0 : slot.restarts, Optional.ofNullable(slot == null ? null : slot.lastExit), w.requests);
    }

    /** Every slot, by id: what status shows for a slot with no running worker (backing off). */
    public List<SlotInfo> slotSnapshot() {
        long now = clock.nanoTime();
        return slots.values().stream().map(slot -> new SlotInfo(slot.id, slot.targetGeneration,
                !hasActive(slot, slot.targetGeneration) && slot.backingOff(now)
                        ? Optional.of(Duration.ofNanos(slot.respawnAt - now)) : Optional.empty(),
                slot.restarts,
                Optional.ofNullable(slot.lastExit).map(status -> new SlotInfo.LastExit(status, slot.lastExitReason))))
                .toList();
    }
}
