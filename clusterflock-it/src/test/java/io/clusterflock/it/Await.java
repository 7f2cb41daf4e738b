package io.clusterflock.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it every {@link #POLL} up to a deadline: the only way these
 * tests wait for something to happen. A timeout fails the test with what was awaited.
 */
final class Await {
    static final Duration POLL = Duration.ofMillis(25);

    private Await() {}

    /** Polls {@code condition} until it holds; fails after {@code timeout} with {@code what}. */
    static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        value(timeout, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, () -> what, condition);
    }

    /** Polls {@code probe} until it returns non-null and returns that; fails after {@code timeout}. */
    static <T> T value(Duration timeout, Supplier<String> what, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            pause();
        }
    }

    /** Whether {@code condition} comes true within {@code timeout}; never fails. */
    static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** One poll interval: the pause between two looks at a condition, never a wait in itself. */
    static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
