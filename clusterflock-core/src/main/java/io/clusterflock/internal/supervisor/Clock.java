package io.clusterflock.internal.supervisor;

import java.time.Instant;
import java.util.OptionalLong;

/** Monotonic time in nanoseconds; tests drive a fake one so no unit test sleeps for a timer. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();

    /** Whether {@code deadline} has come by {@code now} (nanoTime values compare by difference: they may wrap). */
    static boolean reached(OptionalLong deadline, long now) {
        return deadline.isPresent() && now - deadline.getAsLong() >= 0;
    }

    /** Wall-clock time, for what snapshots show (when a worker was forked); never for deadlines. */
    default Instant instant() {
        return Instant.now();
    }
}
