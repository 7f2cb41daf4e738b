package io.clusterflock.jetty.inherited;

import java.time.Duration;

/**
 * A new worker's ramp (TCP's slow start, for connections): it may hold {@value #FIRST} connections
 * at first, twice as many at each sixth of the ramp, and any number once the ramp is over. While
 * it holds its share, its acceptor stays out of {@code accept()} and the warm workers take the
 * next connections.
 *
 * @param from  when the ramp began ({@link System#nanoTime})
 * @param nanos how long it lasts; zero: no ramp
 */
record SlowStart(long from, long nanos) {
    static final SlowStart NONE = new SlowStart(0, 0);
    static final int FIRST = 2;
    static final int STEPS = 6;
    static final long PAUSE_MILLIS = 5;

    static SlowStart from(long now, Duration ramp) {
        return ramp.isZero() ? NONE : new SlowStart(now, ramp.toNanos());
    }

    /** The most connections the worker may hold at {@code now}. */
    int allowed(long now) {
        long elapsed = now - from;
        if (nanos == 0 || elapsed >= nanos) {
            return Integer.MAX_VALUE;
        }
        return FIRST << (int) (Math.max(0, elapsed) * STEPS / nanos);
    }
}
