package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import io.clusterflock.ReadyWhen;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * What the supervisor does to a worker: each action moves it to its next {@link Lifecycle} state,
 * tells the operating system, and reports the event — in that order, so an event always shows the
 * state it announces.
 */
final class Actions {
    /** Between the SIGQUIT that asks a hung JVM for a thread dump and the SIGKILL. */
    static final Duration DUMP_GRACE = Duration.ofSeconds(1);

    private final ClusterOptions options;
    private final ProcessPort processes;
    private final Clock clock;
    private final Pool pool;
    private final Consumer<ClusterEvent> events;
    /** The slots with a serving worker, as last told to the process port. */
    private java.util.Set<Integer> serving = java.util.Set.of();

    Actions(ClusterOptions options, ProcessPort processes, Clock clock, Pool pool, Consumer<ClusterEvent> events) {
        this.options = options;
        this.processes = processes;
        this.clock = clock;
        this.pool = pool;
        this.events = events;
    }

    /**
     * Spawns the slot's worker of its target generation; under {@code readyWhen=started} it proves
     * itself by staying up for {@code readyAfter}, unless its jars carry a library that reports its readiness.
     *
     * @throws ProcessPort.SpawnException when no process could be started
     */
    WorkerProcess spawn(Slot slot) {
        long now = clock.nanoTime();
        OptionalLong requestLimit = requestLimit();
        long pid = processes.spawn(slot.id, slot.targetGeneration, pool.size(), requestLimit);
        OptionalLong provenAt = options.readyWhen() == ReadyWhen.STARTED && !processes.reportsReadiness(pid)
                ? OptionalLong.of(now + options.readyAfter().toNanos()) : OptionalLong.empty();
        WorkerProcess worker = new WorkerProcess(slot.id, pid, slot.targetGeneration, now, clock.instant(),
                new Lifecycle.Starting(now + options.readyTimeout().toNanos(), provenAt), requestLimit);
        pool.add(worker);
        events.accept(new ClusterEvent.Fork(pool.info(worker)));
        return worker;
    }

    /** Its own limit, so that workers started together are not all recycled together. */
    private OptionalLong requestLimit() {
        return options.maxRequests() <= 0 ? OptionalLong.empty() : OptionalLong.of(options.maxRequests()
                + ThreadLocalRandom.current().nextLong(options.maxRequestsJitter() + 1));
    }

    /**
     * A starting worker is ready: it may now replace an older one. New connections are steered to
     * its slot before anyone hears that it is ready (with sticky sessions, a client that connects
     * once the event is out reaches the slot it will keep).
     */
    void ready(WorkerProcess worker) {
        worker.life = new Lifecycle.Ready();
        worker.wasReady = true;
        publishServing();
        events.accept(new ClusterEvent.Ready(pool.info(worker)));
    }

    /** Tells the process port which slots have a serving worker, when that changed. */
    void publishServing() {
        java.util.Set<Integer> now = pool.servingSlots();
        if (!now.equals(serving)) {
            serving = now;
            processes.serving(now);
        }
    }

    /** A ready worker is to be replaced in its slot: a new one starts, and this one stops once that one is ready. */
    void replace(WorkerProcess worker, EndCause why) {
        worker.life = new Lifecycle.Replacing(why);
        events.accept(new ClusterEvent.Recycling(pool.info(worker), why));
    }

    /** Asks a worker to drain and exit (SIGTERM); it is killed if still running after the timeout. */
    void stop(WorkerProcess worker, EndCause why) {
        if (options.timeout().isZero()) {
            kill(worker, why);
            return;
        }
        worker.life = new Lifecycle.Stopping(clock.nanoTime() + options.timeout().toNanos(), why);
        events.accept(new ClusterEvent.Stopping(pool.info(worker), why, options.timeout()));
        processes.signal(worker.pid, Signals.TERM); // false: already gone, its exit is on the way
    }

    /** A stopping worker outlived its timeout. */
    void stopTimedOut(WorkerProcess worker, EndCause why) {
        events.accept(new ClusterEvent.StopTimeout(pool.info(worker), options.timeout()));
        worker.life = new Lifecycle.Killed(why);
        processes.signal(worker.pid, Signals.KILL);
    }

    /** SIGKILL; only its exit is awaited then. */
    void kill(WorkerProcess worker, EndCause why) {
        worker.life = new Lifecycle.Killed(why);
        events.accept(new ClusterEvent.Killing(pool.info(worker), why));
        processes.signal(worker.pid, Signals.KILL);
    }

    /** A hung worker: SIGQUIT first (a JVM prints a thread dump), SIGKILL {@link #DUMP_GRACE} later. */
    void dump(WorkerProcess worker, EndCause why) {
        worker.life = new Lifecycle.Dumping(clock.nanoTime() + DUMP_GRACE.toNanos(), why);
        events.accept(new ClusterEvent.Killing(pool.info(worker), why));
        processes.signal(worker.pid, Signals.QUIT);
    }

    /** The SIGKILL that follows a thread dump; no second event. */
    void killAfterDump(WorkerProcess worker, EndCause why) {
        worker.life = new Lifecycle.Killed(why);
        processes.signal(worker.pid, Signals.KILL);
    }
}
