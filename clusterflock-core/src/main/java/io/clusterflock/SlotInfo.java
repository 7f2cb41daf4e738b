package io.clusterflock;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one slot: the place a worker runs in, which outlives its processes.
 *
 * @param id         the slot id
 * @param generation the generation the slot should run
 * @param respawnAt  when the slot has no running worker and waits out a respawn delay: when it ends
 * @param restarts   re-forks after failures
 * @param lastExit   how its previous worker ended, and why
 */
public record SlotInfo(int id, int generation, Optional<Instant> respawnAt, int restarts, Optional<WorkerExit> lastExit) {

    /** How long the slot still waits before its worker is re-forked, as of now; empty when it does not wait. */
    public Optional<Duration> respawnIn() {
        return respawnAt.map(at -> Duration.between(Instant.now(), at)).map(d -> d.isNegative() ? Duration.ZERO : d);
    }
}
