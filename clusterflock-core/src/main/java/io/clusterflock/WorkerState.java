package io.clusterflock;

/** Where a worker process is in its life, as the master sees it. */
public enum WorkerState {
    /** Spawned, not ready yet: it does not count as serving and a reload waits for it. */
    STARTING,
    /** Ready: serving (see {@link ReadyWhen}). */
    READY,
    /** Asked to stop (SIGTERM): finishing in-flight requests; killed if still alive at the deadline. */
    STOPPING
}
