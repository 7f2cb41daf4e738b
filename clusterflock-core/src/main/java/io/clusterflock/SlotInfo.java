package io.clusterflock;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one slot: the place a worker runs in, which outlives its processes.
 *
 * @param id         the slot id
 * @param generation the generation the slot should run
 * @param respawnAt  when the slot has no running worker and waits out a respawn delay: when it ends
 * @param restarts   re-forks after failures
 * @param lastExit   how its previous worker ended, and why
 * @param served     requests served in this slot, by every process it has had: what its ended workers last
 *                   reported plus what its running ones report (a request a worker served after its last report
 *                   is not counted). It never goes down, across respawns, reloads and recycles, and not when a
 *                   slot id that a scale-down removed comes back. Empty until one of its workers reports a count
 *                   (a command-mode worker without the worker library reports none).
 */
public record SlotInfo(int id, int generation, Optional<Instant> respawnAt, int restarts, Optional<WorkerExit> lastExit,
                       OptionalLong served) {

    /** How long the slot still waits before its worker is re-forked, as of now; empty when it does not wait. */
    public Optional<Duration> respawnIn() {
        return respawnAt.map(at -> Duration.between(Instant.now(), at)).map(d -> d.isNegative() ? Duration.ZERO : d);
    }
}
