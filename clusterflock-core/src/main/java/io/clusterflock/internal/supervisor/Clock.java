package io.clusterflock.internal.supervisor;

import java.time.Instant;

/** Monotonic time in nanoseconds; tests drive a fake one so no unit test sleeps for a timer. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();

    /** Wall-clock time, for what snapshots show (when a worker was forked); never for deadlines. */
    default Instant instant() {
        return Instant.now();
    }
}
