package io.clusterflock.internal.control;

import java.time.Duration;

/**
 * Runs an action unless closed in time: how a control connection bounds a client that sends or
 * reads too slowly. A sleeping virtual thread, so it costs next to nothing and needs no executor
 * to shut down.
 */
public final class Deadline implements AutoCloseable {
    private final Thread timer;

    private Deadline(Thread timer) {
        this.timer = timer;
    }

    public static Deadline after(Duration delay, Runnable action) {
        return new Deadline(Thread.ofVirtual().name("clusterflock-control-deadline").start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return; // met
            }
            action.run();
        }));
    }

    /** The deadline was met: the action does not run (unless it has already begun). */
    @Override
    public void close() {
        timer.interrupt();
    }
}
