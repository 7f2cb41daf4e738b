package io.clusterflock.internal.supervisor;

import java.time.Duration;

/**
 * Respawn delays for a slot whose workers keep dying young: {@code initial}, doubling per
 * consecutive quick death, capped at {@code max}. A worker that stayed up {@link #STABLE_AFTER}
 * resets the count, so one crash of a long-lived worker is re-forked at once. This is what keeps a
 * crash loop from becoming a fork bomb.
 */
public record Backoff(Duration initial, Duration max) {
    /** A worker that lived this long was healthy: its death starts the count afresh. */
    public static final Duration STABLE_AFTER = Duration.ofSeconds(10);

    /** The delay before the respawn that follows {@code failures} consecutive quick deaths (0 → none). */
    public Duration delayAfter(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - 1, 40); // 2^40 × any sane initial is past any cap
        Duration delay = initial.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** Whether a worker that ran for {@code uptime} counts as having stayed up. */
    public static boolean stayedUp(Duration uptime) {
        return uptime.compareTo(STABLE_AFTER) >= 0;
    }
}
