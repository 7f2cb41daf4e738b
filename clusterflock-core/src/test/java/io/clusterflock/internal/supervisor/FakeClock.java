package io.clusterflock.internal.supervisor;

import java.time.Duration;

/** A clock that moves only when a test says so. Starts far from zero, as nanoTime may. */
final class FakeClock implements Clock {
    long now = 7_000_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }
}
