package io.clusterflock.internal.supervisor;

import io.clusterflock.WorkerState;

/** One spawned, not yet reaped worker process. */
final class WorkerProcess {
    final int id;
    final long pid;
    final int generation;
    final long startedAt;
    WorkerState state = WorkerState.STARTING;
    /** Ready-by deadline while STARTING, kill-at deadline while STOPPING (nanos). */
    long deadline;
    /** SIGKILL has been sent; only its exit is awaited now. */
    boolean killed;

    WorkerProcess(int id, long pid, int generation, long startedAt) {
        this.id = id;
        this.pid = pid;
        this.generation = generation;
        this.startedAt = startedAt;
    }

    /** Serving, or about to: not on its way out. */
    boolean active() {
        return state != WorkerState.STOPPING;
    }

    boolean ready() {
        return state == WorkerState.READY;
    }
}
