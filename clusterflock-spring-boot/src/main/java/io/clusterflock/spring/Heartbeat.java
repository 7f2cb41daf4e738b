package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Beats through the server's own request executor: each beat is a task the executor must run, so a
 * worker whose request threads are all stuck (a deadlock, a pool exhausted by hung requests) stops
 * beating and the master's {@code --worker-timeout} catches it. A timer thread alone would beat on.
 * One beat at most waits in the executor's queue at a time.
 */
final class Heartbeat {
    private final Worker worker;
    private final Executor executor;
    private final LongSupplier requests;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean stopped;

    Heartbeat(Worker worker, Executor executor, LongSupplier requests) {
        this.worker = worker;
        this.executor = executor;
        this.requests = requests;
    }

    void start() {
        Thread.ofPlatform().daemon().name("clusterflock-heartbeat").start(this::run);
    }

    void stop() {
        stopped = true;
    }

    private void run() {
        while (!stopped) {
            if (pending.compareAndSet(false, true)) {
                try {
                    executor.execute(() -> {
                        pending.set(false);
                        beat(worker, requests.getAsLong());
                    });
                } catch (RejectedExecutionException e) {
                    pending.set(false); // the server is stopping
                }
            }
            try {
                Thread.sleep(worker.heartbeatInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One report; a master that is gone is the worker library's to handle (it shuts us down). */
    static void beat(Worker worker, long requests) {
        try {
            worker.heartbeat(requests);
        } catch (RuntimeException e) {
            // the master is gone
        }
    }
}
