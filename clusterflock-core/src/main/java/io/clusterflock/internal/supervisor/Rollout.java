package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterException;
import io.clusterflock.ReloadException;
import io.clusterflock.WorkerExit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * New code going live, a few slots at a time: a reload turns up to {@code reloadSurge} slots at
 * once (never more cold workers starting than the machine carries beside the serving ones), a
 * rolling restart one slot at a time and only once the slot's old worker has gone. A slot's old
 * worker is culled only once the slot has a ready worker of its target generation (einhorn's cull
 * after ack), so the generation that serves is never left without workers. A newer reload
 * supersedes one under way: every slot serves what it serves until its turn comes for the newest
 * generation. A rollout gives up when a new worker fails before it is ready; the slots that had not
 * switched go back to the generation that serves.
 */
final class Rollout {
    private final Pool pool;
    private final Consumer<ClusterEvent> events;
    private final int surge;
    /** The newest generation asked for. */
    private int generation;
    /** The generation of the last rollout that finished: what serves. */
    private int serving;
    private boolean underWay;
    private boolean rolling;
    /** Slots whose turn has not come yet, in order. */
    private final Deque<Integer> queue = new ArrayDeque<>();
    /** Slots turned to the new generation and not done yet: at most {@link #width()}. */
    private final Set<Integer> turning = new HashSet<>();
    /** Callers waiting for the rollout under way, or for one it superseded. */
    private final List<CompletableFuture<Integer>> waiting = new ArrayList<>();
    private Optional<String> lastFailure = Optional.empty();

    Rollout(Pool pool, Consumer<ClusterEvent> events, int surge) {
        this.pool = pool;
        this.events = events;
        this.surge = surge;
    }

    /** Starts {@code generation + 1}; one under way is superseded and its callers wait for this one. */
    void start(boolean rollingRestart, CompletableFuture<Integer> done, long now) {
        generation++;
        underWay = true;
        rolling = rollingRestart;
        lastFailure = Optional.empty();
        queue.clear();
        turning.clear();
        waiting.add(done);
        for (Slot slot : pool.slots()) {
            // What it serves until its turn; one that serves nothing waits for the new generation (and
            // keeps its backoff until its turn: reloads sent in a loop never defeat it).
            slot.targetGeneration = pool.servingGeneration(slot).orElse(generation);
            queue.add(slot.id);
        }
        advance(now);
        events.accept(new ClusterEvent.ReloadStarted(generation, rollingRestart));
    }

    /**
     * Turns the next slots once those turning are done, keeping at most {@link #width()} under way.
     * A slot turned gets a fresh start (new code, no backoff); one still waiting its turn keeps its
     * backoff, so reloads sent in a loop never defeat it.
     */
    void advance(long now) {
        turning.removeIf(id -> pool.slot(id).map(this::done).orElse(true));
        while (turning.size() < width() && !queue.isEmpty()) {
            int id = queue.poll();
            pool.slot(id).ifPresent(slot -> {
                slot.targetGeneration = generation;
                slot.failures = 0;
                slot.respawnAt = now;
                turning.add(id);
            });
        }
    }

    /**
     * A slot a resize added while a rollout is under way: it has nothing to serve before the new
     * generation, and waits for its turn within the surge, first in line.
     */
    void added(Slot slot, long now) {
        if (underWay) {
            slot.targetGeneration = generation;
            queue.remove(slot.id); // a retired slot's id may come back
            turning.remove(slot.id);
            queue.addFirst(slot.id);
            advance(now);
        }
    }

    /** A slot a resize took away is nobody's turn any more. */
    void retired(Slot slot) {
        queue.remove(slot.id);
        turning.remove(slot.id);
    }

    /** Whether the slot waits for its turn with nothing to run meanwhile: it is not to be spawned yet. */
    boolean waitingTurn(Slot slot) {
        return underWay && slot.targetGeneration == generation && queue.contains(slot.id) && !turning.contains(slot.id);
    }

    /** One slot at a time for a rolling restart; {@code reloadSurge} for a reload. */
    private int width() {
        return rolling ? 1 : surge;
    }

    /** A slot is done once it serves a ready new worker; in a rolling restart, once its old worker has gone too. */
    private boolean done(Slot slot) {
        return pool.hasReady(slot, generation) && (!rolling || pool.onlyGeneration(slot, generation));
    }

    /** Done when every slot has a ready worker of the new generation. */
    void finishIfDone() {
        if (underWay && queue.isEmpty() && pool.slots().stream().allMatch(s -> pool.hasReady(s, generation))) {
            underWay = false;
            serving = generation;
            events.accept(new ClusterEvent.ReloadFinished(generation));
            complete(generation);
        }
    }

    /**
     * Whether this exit is a new worker of the rollout under way that failed before it was ready
     * (not one the master stopped, such as a scale-down's).
     */
    boolean failedStart(WorkerProcess dead) {
        return underWay && dead.generation == generation && !dead.wasReady && dead.life.exitCause().failure();
    }

    /** Whether a worker of this slot that cannot be spawned belongs to the rollout under way. */
    boolean spawning(Slot slot) {
        return underWay && slot.targetGeneration == generation;
    }

    /** Gives up: slots that have not switched go back to the generation they serve. */
    void abandon(String reason, Optional<WorkerExit> exit, long now) {
        underWay = false;
        queue.clear();
        turning.clear();
        lastFailure = Optional.of(reason);
        for (Slot slot : pool.slots()) {
            if (pool.hasReady(slot, slot.targetGeneration)) {
                continue; // already switched: keeps the new generation
            }
            // What the slot serves; a slot that serves nothing goes back to the cluster's serving generation.
            slot.targetGeneration = pool.servingGeneration(slot).orElse(serving);
            slot.failures = 0;
            slot.respawnAt = now;
        }
        events.accept(new ClusterEvent.ReloadFailed(generation, serving, reason));
        fail(new ReloadException(generation, serving, reason, exit));
    }

    /** The cluster is shutting down: nothing more goes live. */
    void cancel() {
        underWay = false;
        queue.clear();
        turning.clear();
        fail(new ClusterException("the cluster is shutting down"));
    }

    private void complete(int generation) {
        List<CompletableFuture<Integer>> done = List.copyOf(waiting);
        waiting.clear();
        done.forEach(f -> f.completeAsync(() -> generation));
    }

    private void fail(ClusterException failure) {
        List<CompletableFuture<Integer>> done = List.copyOf(waiting);
        waiting.clear();
        done.forEach(f -> CompletableFuture.runAsync(() -> f.completeExceptionally(failure)));
    }

    RolloutState state() {
        return new RolloutState(serving, generation, underWay, rolling, lastFailure);
    }
}
