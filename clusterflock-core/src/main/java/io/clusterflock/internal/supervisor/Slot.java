package io.clusterflock.internal.supervisor;

import io.clusterflock.WorkerExit;
import java.util.Optional;

/**
 * A place for one worker, with an id that stays the same across respawns. The slot remembers what
 * outlives its processes: the generation it should run, its backoff and its history.
 */
final class Slot {
    final int id;
    /** The generation this slot should run; a worker of another generation is replaced. */
    int targetGeneration;
    /** Consecutive deaths of young workers; drives the backoff. */
    int failures;
    /** No spawn before this time (nanos). */
    long respawnAt;
    /** Re-forks after failures. */
    int restarts;
    /** How its last worker ended (a failed reload's new worker is the reload's story, not the slot's). */
    Optional<WorkerExit> lastExit = Optional.empty();

    Slot(int id, int targetGeneration, long now) {
        this.id = id;
        this.targetGeneration = targetGeneration;
        this.respawnAt = now;
    }

    /** Waiting out a respawn delay (nanoTime values compare by difference: they may wrap). */
    boolean backingOff(long now) {
        return now - respawnAt < 0;
    }
}
