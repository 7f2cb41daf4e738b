package io.clusterflock.internal.net;

import io.clusterflock.internal.util.Durations;
import java.time.Duration;

/**
 * Paces the retries of a call that keeps failing, such as an {@code accept} out of file
 * descriptors: a pause after each failure, doubling from {@code initial} up to {@code max}, so a
 * lasting failure costs a few calls a second rather than a spinning core. A burst of failures is
 * logged twice, when it starts and when it ends, never once per failure. One thread uses it.
 */
public final class RetryBackoff {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    static final Duration INITIAL = Duration.ofMillis(50);
    static final Duration MAX = Duration.ofSeconds(1);

    /** How the pause is taken; tests record it instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final String what;
    private final Duration initial;
    private final Duration max;
    private final Pause pause;
    /** Failures since the last success; the burst is on while this is positive. */
    private long failures;

    RetryBackoff(String what, Duration initial, Duration max, Pause pause) {
        this.what = what;
        this.initial = initial;
        this.max = max;
        this.pause = pause;
    }

    /** For {@code what} such as "accepting on the control socket": 50ms doubling to 1s. */
    public static RetryBackoff of(String what) {
        return new RetryBackoff(what, INITIAL, MAX, Thread::sleep);
    }

    /**
     * The call failed: says so if this starts a burst, then pauses before the caller retries.
     *
     * @throws InterruptedException when the pause is interrupted: the caller is being stopped
     */
    public void failed(Exception e) throws InterruptedException {
        failures++;
        if (failures == 1) {
            LOG.log(System.Logger.Level.WARNING, what + " failed: " + e.getMessage() + "; retrying with pauses of up to "
                    + Durations.format(max) + " (said again when it works)");
        }
        pause.sleep(delay());
    }

    /** The call worked: ends a burst, saying how many failures it had. */
    public void succeeded() {
        if (failures > 0) {
            LOG.log(System.Logger.Level.INFO, what + " works again, after " + failures
                    + (failures == 1 ? " failure" : " failures"));
            failures = 0;
        }
    }

    /** The pause after the current failure: initial, doubled per failure before it, at most max. */
    private Duration delay() {
        long doublings = Math.min(failures - 1, 40); // 2^40 × any sane initial is past any cap
        Duration delay = initial.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
