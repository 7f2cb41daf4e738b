package io.clusterflock.it;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signals a master at a fixed interval from a thread of its own, as bench/reload.sh does
 * ({@code sleep INTERVAL; kill -USR2 MASTER}, COUNT times), while the test runs load. The sleep
 * between two signals is the schedule itself, not a wait for something to happen.
 */
final class ReloadSignals implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private volatile AssertionError failure;

    private ReloadSignals(MasterProcess master, String signal, int count, Duration interval) {
        thread = Thread.ofPlatform().daemon().name("reload-signals").start(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    Thread.sleep(interval);
                    master.signal(signal);
                    sent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                // closed early: a test failed
            } catch (AssertionError e) {
                failure = e;
            }
        });
    }

    /** Sends SIG{@code signal} to {@code master} {@code count} times, the first after {@code interval}. */
    static ReloadSignals every(Duration interval, MasterProcess master, String signal, int count) {
        return new ReloadSignals(master, signal, count, interval);
    }

    /** Waits for the last signal to go out; returns how many were sent. */
    int await(Duration timeout) {
        try {
            if (!thread.join(timeout)) {
                throw new AssertionError("signals still being sent after " + timeout.toMillis() + " ms (" + sent + " so far)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (failure != null) {
            throw failure;
        }
        return sent.get();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
