package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The master's state machine: it decides which worker processes should exist and makes it so.
 *
 * <p>Reader's guide. The {@link Pool} holds desired state (slots, each with the generation it
 * should run) and actual state (every process spawned and not yet reaped, each in a
 * {@link Lifecycle} state). {@link #handle} records what happened: an exit, a report, a request.
 * {@link #reconcile} then converges: the {@link Watchdog} acts on every timer that has run out
 * (a worker proven ready, or not ready in time, hung, or past its stop timeout), then the
 * {@link Rollout} turns the next slots to a new generation, superseded workers are culled (einhorn's
 * cull after ack), {@link Recycling} replaces workers that have served enough, and
 * {@link Respawns} spawns what is missing (minding backoff). Each policy owns its deadlines: {@link #nextDeadline} asks
 * them when the loop must wake, so a timing rule is written once. {@link Actions} is the only
 * place a worker changes state.
 *
 * <p>One thread calls all of this and nothing else touches the state, so nothing is locked.
 * Invariants: a worker the master asked to stop is never re-forked; an old worker is asked to stop
 * only once its slot has a ready worker of the target generation; the supervisor never touches the
 * listening socket, so a reload cannot close it.
 */
public final class Supervisor {
    /**
     * RUNNING, then on a graceful shutdown: DELAYING (serving as usual for the shutdown delay),
     * CLOSING (the door is closed; workers take what the kernel already accepted), STOPPING
     * (workers drain), STOPPED. An immediate shutdown goes straight to STOPPING.
     */
    private enum Phase {
        RUNNING, DELAYING, CLOSING, STOPPING, STOPPED;

        /** Whether workers serve as usual: dead ones are re-forked, spent ones recycled. */
        boolean serving() {
            return this == RUNNING || this == DELAYING || this == CLOSING;
        }
    }

    /** How often a closed door's backlog is looked at, and how long it must have been closed before it counts as empty. */
    private static final long DOOR_POLL_NANOS = 20_000_000;
    private static final long DOOR_SETTLE_NANOS = 50_000_000;

    private final ClusterOptions options;
    private final ProcessPort processes;
    private final Clock clock;
    private final Consumer<ClusterEvent> events;
    private final Pool pool;
    private final Actions actions;
    private final Rollout rollout;
    private final Respawns respawns;
    private final Recycling recycling;
    private final Watchdog watchdog;
    private final Resizes resizes;
    private final Retirements retirements;
    private Phase phase = Phase.RUNNING;
    private boolean graceful = true;
    /** DELAYING: when the delay ends; CLOSING: when the door closed. */
    private long phaseSince;
    /** Who asked for the shutdown: "SIGTERM", "stop command", … */
    private String shutdownBy = "";

    public Supervisor(ClusterOptions options, ProcessPort processes, Clock clock, Consumer<ClusterEvent> events) {
        this.options = options;
        this.processes = processes;
        this.clock = clock;
        this.events = events;
        this.pool = new Pool(clock);
        this.actions = new Actions(options, processes, clock, pool, events);
        this.rollout = new Rollout(pool, events, options.reloadSurge());
        this.respawns = new Respawns(pool, actions, rollout,
                new Backoff(options.respawnDelay(), options.respawnDelayMax()), clock, events);
        this.recycling = new Recycling(options, pool, actions);
        this.watchdog = new Watchdog(options, pool, actions);
        this.resizes = new Resizes(pool);
        this.retirements = new Retirements(pool, actions, options.sticky());
        for (int i = 0; i < options.workers(); i++) {
            pool.addSlot(0);
        }
    }

    // ---- inputs ------------------------------------------------------------------------------

    /** Records one input; {@link #reconcile} acts on it. */
    public void handle(Input input) {
        switch (input) {
            case Input.Exited e -> onExit(e.pid(), e.status());
            case Input.WorkerOnline o -> report(o.pid(), w -> new ClusterEvent.Online(pool.info(w)));
            case Input.WorkerListening l -> onListening(l.pid());
            case Input.WorkerReady r -> onReady(r.pid());
            case Input.WorkerHeartbeat h -> onHeartbeat(h.pid(), h.requests());
            case Input.WorkerMemory m -> pool.find(m.pid()).ifPresent(w -> recycling.memory(w, m.rssBytes(), clock.nanoTime()));
            case Input.WorkerMessage m -> report(m.pid(), w -> new ClusterEvent.Message(pool.info(w), m.text()));
            case Input.WorkerStatus s -> onStatus(s.pid(), s.text());
            case Input.Notified n -> onNotified(n.senders(), n.lines());
            case Input.SignalReceived s -> onSignal(s.signal());
            case Input.Resize r -> resize(r.workers(), r.done());
            case Input.Reload r -> reload(r.rolling(), r.done());
            case Input.Shutdown s -> shutdown(s.graceful(), s.by());
        }
    }

    /**
     * A worker process ended. One that held its slot is re-forked (after its backoff); one asked
     * to stop is not. A new worker of a rollout that dies before it is ready makes the rollout
     * give up; that failed start is the rollout's story, not its slot's last exit.
     */
    private void onExit(long pid, ExitStatus status) {
        Optional<WorkerProcess> found = pool.find(pid);
        if (found.isEmpty()) {
            return;
        }
        WorkerProcess dead = found.get();
        pool.remove(dead);
        processes.reaped(pid, status);
        long now = clock.nanoTime();
        WorkerExit exit = new WorkerExit(dead.id, pid, dead.generation, status, dead.life.exitCause(),
                Duration.ofNanos(now - dead.startedAt));
        WorkerInfo info = pool.info(dead); // as it was: its slot's last exit is the one before
        Optional<Slot> slot = pool.slot(dead.id);
        boolean failedStart = rollout.failedStart(dead);
        if (failedStart) {
            rollout.abandon(info.label() + " of generation " + dead.generation + " " + exit.describe()
                    + " before it was ready", Optional.of(exit), now);
        } else {
            slot.ifPresent(s -> s.lastExit = Optional.of(exit));
        }
        Optional<Duration> respawnIn = phase.serving() && dead.life.holdsSlot()
                ? slot.flatMap(s -> respawns.afterExit(s, dead)) : Optional.empty();
        events.accept(new ClusterEvent.Exit(info, exit, respawnIn));
        if (pool.isEmpty()) {
            events.accept(new ClusterEvent.Empty());
        }
    }

    /** A report from a worker we know of becomes an event; reports of unknown pids are dropped. */
    private void report(long pid, Function<WorkerProcess, ClusterEvent> event) {
        pool.find(pid).ifPresent(w -> events.accept(event.apply(w)));
    }

    /** A worker is alive; one that has served its share of requests is recycled. */
    private void onHeartbeat(long pid, long requests) {
        pool.find(pid).ifPresent(worker -> {
            worker.lastHeartbeat = OptionalLong.of(clock.nanoTime());
            if (requests >= 0) {
                recycling.requests(worker, requests, clock.nanoTime());
            }
        });
    }

    /** A worker's server accepts connections: that is ready when readyWhen is LISTENING. */
    private void onListening(long pid) {
        report(pid, w -> new ClusterEvent.Listening(pool.info(w)));
        if (options.readyWhen() == ReadyWhen.LISTENING) {
            onReady(pid);
        }
    }

    /**
     * sd_notify from a worker, or from a process under it. A starting worker that says anything but
     * {@code READY=1} manages its readiness: staying up no longer proves it.
     */
    private void onNotified(List<Long> senders, List<String> lines) {
        Optional<WorkerProcess> sender = senders.stream().flatMap(pid -> pool.find(pid).stream()).findFirst();
        sender.ifPresent(worker -> {
            if (worker.life instanceof Lifecycle.Starting s && lines.stream().anyMatch(line -> !line.equals("READY=1"))) {
                worker.life = s.speaksForItself();
            }
            for (String line : lines) {
                if (line.equals("READY=1")) {
                    onReady(worker.pid);
                } else if (line.equals("WATCHDOG=1")) {
                    onHeartbeat(worker.pid, -1);
                } else if (line.startsWith("STATUS=")) {
                    events.accept(new ClusterEvent.Status(pool.info(worker), line.substring("STATUS=".length())));
                }
                // STOPPING=1, BARRIER=1, MAINPID=…: nothing to do for them here.
            }
        });
    }

    /**
     * A worker's library says what it is doing: as with sd_notify's {@code STATUS=}, a starting
     * worker that speaks manages its readiness, and staying up no longer proves it.
     */
    private void onStatus(long pid, String text) {
        pool.find(pid).ifPresent(worker -> {
            if (worker.life instanceof Lifecycle.Starting s) {
                worker.life = s.speaksForItself();
            }
            events.accept(new ClusterEvent.Status(pool.info(worker), text));
        });
    }

    /** A worker reported ready: it may now replace an older one. */
    private void onReady(long pid) {
        pool.find(pid).filter(w -> w.life instanceof Lifecycle.Starting).ifPresent(actions::ready);
    }

    /** The master's signals (SPEC §3); QUIT stays with the JVM for thread dumps. */
    private void onSignal(int signal) {
        switch (signal) {
            case Signals.TERM -> shutdown(true, "SIGTERM");
            case Signals.INT -> shutdown(false, "SIGINT");
            case Signals.HUP -> reload(true, new CompletableFuture<>());
            case Signals.USR2 -> reload(false, new CompletableFuture<>());
            case Signals.TTIN -> resize(pool.size() + 1, new CompletableFuture<>());
            case Signals.TTOU -> resize(pool.size() - 1, new CompletableFuture<>());
            default -> { }
        }
    }

    /** Keep {@code target} slots: new ones take the lowest free ids; the least recently forked go. */
    private void resize(int target, CompletableFuture<Integer> done) {
        if (phase != Phase.RUNNING) {
            declined("resize to " + target, "the cluster is shutting down", done);
            return;
        }
        if (target < 1 || target > ClusterOptions.MAX_WORKERS) {
            declined("resize to " + target, "the size must stay between 1 and " + ClusterOptions.MAX_WORKERS, done);
            return;
        }
        int from = pool.size();
        resizes.requested(target, done);
        while (pool.size() < target) {
            rollout.added(pool.addSlot(rollout.state().serving()), clock.nanoTime());
        }
        while (pool.size() > target) {
            retire(pool.leastRecentlyForked());
        }
        if (from != target) {
            events.accept(new ClusterEvent.Resized(from, target));
        }
    }

    /** Takes a slot out of the desired state; its workers are stopped and never re-forked. */
    private void retire(Slot slot) {
        pool.removeSlot(slot);
        rollout.retired(slot);
        retirements.retired(slot, clock.nanoTime());
    }

    /** A new generation: for every slot at once, or slot by slot when {@code rollingRestart}. */
    private void reload(boolean rollingRestart, CompletableFuture<Integer> done) {
        if (phase != Phase.RUNNING) {
            declined(rollingRestart ? "restart" : "reload", "the cluster is shutting down", done);
            return;
        }
        rollout.start(rollingRestart, done, clock.nanoTime());
    }

    /**
     * Stop everything: serve on for the shutdown delay, close the door, let the workers take what
     * the kernel already accepted, then drain and kill after the timeout; or kill at once. A second
     * graceful request during the delay cuts it short.
     */
    private void shutdown(boolean drain, String by) {
        if (drain && phase == Phase.DELAYING) {
            closeDoor();
            return;
        }
        if (phase == Phase.STOPPED || (phase != Phase.RUNNING && (drain || !graceful))) {
            declined(by, "the cluster is already shutting down", new CompletableFuture<>());
            return;
        }
        boolean running = phase == Phase.RUNNING;
        graceful = drain;
        shutdownBy = by;
        rollout.cancel();
        resizes.fail("the cluster is shutting down");
        Duration delay = drain ? options.shutdownDelay() : Duration.ZERO;
        events.accept(new ClusterEvent.Shutdown(drain, delay, options.timeout(), by));
        if (!drain) {
            stopAll(by);
        } else if (running && !delay.isZero()) {
            phase = Phase.DELAYING;
            phaseSince = clock.nanoTime() + delay.toNanos();
        } else if (running) {
            closeDoor();
        }
    }

    /** The delay is over: no new connections; the workers drain once they have taken those already accepted. */
    private void closeDoor() {
        if (processes.closeDoor()) {
            phase = Phase.CLOSING;
            phaseSince = clock.nanoTime();
            events.accept(new ClusterEvent.Closing(processes.waiting()));
        } else {
            stopAll(shutdownBy);
        }
    }

    /**
     * CLOSING ends once the kernel holds no accepted connection, when no worker serves to take
     * them, or after the timeout.
     */
    private void closeDoorIfDone(long now) {
        long closedFor = now - phaseSince;
        if (closedFor >= options.timeout().toNanos() || pool.servingSlots().isEmpty()
                || (closedFor >= DOOR_SETTLE_NANOS && processes.waiting() == 0)) {
            stopAll(shutdownBy);
        }
    }

    private void stopAll(String by) {
        phase = Phase.STOPPING;
        for (WorkerProcess worker : pool.workers()) {
            if (!graceful && !(worker.life instanceof Lifecycle.Killed) && !(worker.life instanceof Lifecycle.Dumping)) {
                // a hung one being dumped is killed within a second anyway, and keeps its cause
                actions.kill(worker, new EndCause.Kill(by));
            } else if (graceful && worker.life.stoppable()) {
                actions.stop(worker, new EndCause.Shutdown(by));
            }
        }
    }

    private void declined(String request, String reason, CompletableFuture<Integer> done) {
        events.accept(new ClusterEvent.Declined(request, reason));
        CompletableFuture.runAsync(() -> done.completeExceptionally(new ClusterException("declined " + request + ": " + reason)));
    }

    // ---- convergence ---------------------------------------------------------------------------

    /** Moves actual state toward desired state; call after every input and every timeout. */
    public void reconcile() {
        long now = clock.nanoTime();
        watchdog.enforce(now); // first: a worker proven ready by now lets the cull below go ahead
        if (phase == Phase.DELAYING && now - phaseSince >= 0) {
            closeDoor();
        }
        if (phase == Phase.CLOSING) {
            closeDoorIfDone(now);
        }
        if (phase.serving()) {
            rollout.advance(now);
            retirements.enforce(now);
            cullSuperseded(); // before a new recycle: the worker a ready replacement supersedes is stopping first
            recycling.enforce(now);
            respawns.spawnMissing(now);
            rollout.finishIfDone();
            resizes.finishIfDone();
        }
        actions.publishServing();
        if (phase == Phase.STOPPING && pool.isEmpty()) {
            phase = Phase.STOPPED;
            events.accept(new ClusterEvent.Stopped(exitCode()));
        }
    }

    /**
     * Stops workers that are superseded once their slot has a ready worker of its target
     * generation: an old generation's, a recycled one. A superseded worker that never became ready
     * serves nobody and goes at once.
     */
    private void cullSuperseded() {
        for (WorkerProcess worker : pool.workers()) {
            pool.slot(worker.id).ifPresent(slot -> {
                boolean superseded = worker.generation != slot.targetGeneration || worker.life instanceof Lifecycle.Replacing;
                if (superseded && worker.life.stoppable()
                        && (!worker.life.serving() || pool.hasReady(slot, slot.targetGeneration))) {
                    supersededBecause(worker, slot).ifPresent(why -> actions.stop(worker, why));
                }
            });
        }
    }

    /** Why a superseded worker stops; empty while it is to serve on (a recycle by requests, short of its limit). */
    private Optional<EndCause> supersededBecause(WorkerProcess worker, Slot slot) {
        if (worker.generation > slot.targetGeneration) {
            return Optional.of(new EndCause.Superseded(worker.generation)); // newer than what its slot is to run
        }
        if (worker.generation < slot.targetGeneration || !(worker.life instanceof Lifecycle.Replacing r)) {
            return Optional.of(new EndCause.Replaced(slot.targetGeneration, rollout.state().rolling()));
        }
        return recycling.retirement(worker, r, clock.nanoTime());
    }

    /** The earliest time (nanos) at which {@link #reconcile} has something to do, if any. */
    public OptionalLong nextDeadline() {
        Stream<OptionalLong> timers = pool.workers().stream()
                .flatMap(w -> Stream.of(watchdog.due(w), recycling.due(w)));
        if (phase.serving()) {
            timers = Stream.concat(timers, Stream.concat(pool.slots().stream().map(respawns::due), Stream.of(retirements.due())));
        }
        if (phase == Phase.DELAYING) {
            timers = Stream.concat(timers, Stream.of(OptionalLong.of(phaseSince)));
        } else if (phase == Phase.CLOSING) {
            timers = Stream.concat(timers, Stream.of(OptionalLong.of(clock.nanoTime() + DOOR_POLL_NANOS)));
        }
        OptionalLong next = OptionalLong.empty();
        for (OptionalLong timer : timers.filter(OptionalLong::isPresent).toList()) {
            if (next.isEmpty() || timer.getAsLong() - next.getAsLong() < 0) { // nanoTime values compare by difference
                next = timer;
            }
        }
        return next;
    }

    // ---- queries -------------------------------------------------------------------------------

    public boolean finished() {
        return phase == Phase.STOPPED;
    }

    /** 0 after a graceful shutdown, 1 after an immediate one. */
    public int exitCode() {
        return graceful ? 0 : 1;
    }

    /** Which generation serves, and what became of the newest. */
    public RolloutState rollout() {
        return rollout.state();
    }

    /** Every unreaped worker, by id then generation. */
    public List<WorkerInfo> snapshot() {
        return pool.workerInfos();
    }

    /** Every slot, by id: what status shows for a slot with no running worker (backing off). */
    public List<SlotInfo> slotSnapshot() {
        return pool.slotInfos(phase.serving());
    }
}
