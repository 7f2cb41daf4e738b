package io.clusterflock;

/** Where a worker process is in its life, as the master sees it. */
public enum WorkerState {
    /** Spawned, not ready yet: it does not count as serving and a reload waits for it. */
    STARTING,
    /** Ready: serving (see {@link ReadyWhen}). */
    READY,
    /** Ready and serving, while a replacement starts in its slot (recycling); it stops once that one is ready. */
    REPLACING,
    /** Asked to stop (SIGTERM): finishing in-flight requests; killed if still alive at its deadline. */
    STOPPING,
    /** Being killed: SIGKILL sent (or SIGQUIT first, for a hung JVM's thread dump); only its exit is awaited. */
    KILLING
}
