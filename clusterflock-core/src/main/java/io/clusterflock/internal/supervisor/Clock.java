package io.clusterflock.internal.supervisor;

/** Monotonic time in nanoseconds; tests drive a fake one so no unit test sleeps for a timer. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
