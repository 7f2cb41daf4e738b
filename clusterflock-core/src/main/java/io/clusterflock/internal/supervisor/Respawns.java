package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Keeps every slot filled: a slot that lacks a worker of its target generation gets one, once its
 * backoff allows. A slot whose workers keep dying young waits longer each time, so a crash loop
 * never becomes a fork bomb.
 */
final class Respawns {
    private final Pool pool;
    private final Actions actions;
    private final Rollout rollout;
    private final Backoff backoff;
    private final Clock clock;
    private final Consumer<ClusterEvent> events;

    Respawns(Pool pool, Actions actions, Rollout rollout, Backoff backoff, Clock clock, Consumer<ClusterEvent> events) {
        this.pool = pool;
        this.actions = actions;
        this.rollout = rollout;
        this.backoff = backoff;
        this.clock = clock;
        this.events = events;
    }

    /** When this slot's next worker is spawned, if it needs one and a rollout does not hold it back. */
    OptionalLong due(Slot slot) {
        return pool.missing(slot) && !rollout.waitingTurn(slot) ? OptionalLong.of(slot.respawnAt) : OptionalLong.empty();
    }

    /** Spawns a worker for every slot whose turn has come. */
    void spawnMissing(long now) {
        for (Slot slot : List.copyOf(pool.slots())) {
            if (Clock.reached(due(slot), now)) {
                spawn(slot, now);
            }
        }
    }

    private void spawn(Slot slot, long now) {
        try {
            actions.spawn(slot);
        } catch (ProcessPort.SpawnException e) {
            slot.failures++;
            Duration delay = backoff.delayAfter(slot.failures);
            slot.respawnAt = now + delay.toNanos();
            events.accept(new ClusterEvent.SpawnFailed(slot.id, e.getMessage(), delay));
            if (rollout.spawning(slot)) {
                rollout.abandon("worker " + slot.id + " of generation " + slot.targetGeneration + " could not start: "
                        + e.getMessage(), Optional.empty(), now);
            }
        }
    }

    /**
     * A worker that held its slot has gone: when the slot is re-forked, or empty when it need not
     * be (another worker of its generation stays). A worker that lived long resets the backoff.
     */
    Optional<Duration> afterExit(Slot slot, WorkerProcess dead) {
        if (!pool.missing(slot)) {
            return Optional.empty();
        }
        long now = clock.nanoTime();
        slot.failures = Backoff.stayedUp(Duration.ofNanos(now - dead.startedAt)) ? 0 : slot.failures + 1;
        Duration delay = backoff.delayAfter(slot.failures);
        slot.respawnAt = now + delay.toNanos();
        slot.restarts++;
        return Optional.of(delay);
    }
}
