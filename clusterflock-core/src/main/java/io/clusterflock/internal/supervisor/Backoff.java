package io.clusterflock.internal.supervisor;

import java.time.Duration;

/**
 * Respawn delays for a slot whose workers keep dying young: {@code initial}, doubling per
 * consecutive quick death, capped at {@code max}; a {@code max} of zero means no doubling, every
 * respawn waits {@code initial} (recluster's {@code backoff: 0}). A worker that stayed up
 * {@link #STABLE_AFTER} resets the count, so one crash of a long-lived worker is re-forked at
 * once. This is what keeps a crash loop from becoming a fork bomb.
 */
public record Backoff(Duration initial, Duration max) {
    /** A worker that lived this long was healthy: its death starts the count afresh. */
    public static final Duration STABLE_AFTER = Duration.ofSeconds(10);

    /** The delay before the respawn that follows {@code failures} consecutive quick deaths (0 → none). */
    public Duration delayAfter(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        if (max.isZero()) {
            return initial;
        }
        Duration delay = initial;
        // Doubling stops at the cap, so even a century-long delay cannot overflow.
        for (int doublings = 1; doublings < failures && delay.compareTo(max) < 0; doublings++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** Whether a worker that ran for {@code uptime} counts as having stayed up. */
    public static boolean stayedUp(Duration uptime) {
        return uptime.compareTo(STABLE_AFTER) >= 0;
    }
}
