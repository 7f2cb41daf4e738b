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
    /** To be replaced in its own slot (recycling): a new worker starts, then this one drains. */
    String retiring;
    /** Why the master stopped or killed it, for its slot's history; null while nobody asked. */
    String endReason;
    /** The last heartbeat (nanos), or 0 before the first: only workers that heartbeat are watched for hangs. */
    long lastHeartbeat;
    /** When it was found hung and sent SIGQUIT for a thread dump (nanos); 0 otherwise. */
    long hungAt;
    long requests = -1;
    /** The request count at which it is recycled (max requests plus its own jitter); 0: never. */
    long requestLimit;
    /** Since when its memory has been above the limit (nanos); 0 while below. */
    long overMemorySince;

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

    /** Active and meant to stay: not being replaced by a recycle. */
    boolean staying() {
        return active() && retiring == null;
    }

    boolean ready() {
        return state == WorkerState.READY;
    }
}
