package io.clusterflock;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of one slot: the place a worker runs in, which outlives its processes.
 *
 * @param id         the slot id
 * @param generation the generation the slot should run
 * @param respawnIn  when the slot has no running worker and waits out a respawn delay: how long still
 * @param restarts   re-forks after unexpected exits
 * @param lastExit   how its previous worker ended, and why
 */
public record SlotInfo(int id, int generation, Optional<Duration> respawnIn, int restarts, Optional<LastExit> lastExit) {

    /** An exit, with the reason the master knows ("crashed", "hung", "recycled: 1000 requests", …). */
    public record LastExit(ExitStatus status, String reason) {
        @Override
        public String toString() {
            return status + " (" + reason + ")";
        }
    }
}
