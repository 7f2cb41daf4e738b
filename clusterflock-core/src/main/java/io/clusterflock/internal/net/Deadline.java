package io.clusterflock.internal.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an action unless closed in time: how a connection bounds a peer that sends or reads too
 * slowly, or never says anything. A sleeping virtual thread, so it costs next to nothing and
 * needs no executor to shut down.
 *
 * <p>Invariant: once {@link #close()} has returned, {@link #expired()} no longer changes, and it
 * is true exactly when the action has run or is running. So a reader that finished just as the
 * deadline passed can ask which of the two won, rather than race the timer.
 */
public final class Deadline implements AutoCloseable {
    private enum State { PENDING, MET, EXPIRED }

    private final AtomicReference<State> state = new AtomicReference<>(State.PENDING);
    private final Thread timer;

    private Deadline(Duration delay, Runnable action) {
        this.timer = Thread.ofVirtual().name("clusterflock-deadline").unstarted(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return; // met
            }
            if (state.compareAndSet(State.PENDING, State.EXPIRED)) {
                action.run();
            }
        });
    }

    public static Deadline after(Duration delay, Runnable action) {
        Deadline deadline = new Deadline(delay, action);
        deadline.timer.start();
        return deadline;
    }

    /** Whether the deadline passed before it was met: the action ran, or is running. */
    public boolean expired() {
        return state.get() == State.EXPIRED;
    }

    /** The deadline was met: the action does not run (unless it has already begun). */
    @Override
    public void close() {
        if (state.compareAndSet(State.PENDING, State.MET)) {
            timer.interrupt();
        }
    }
}
