package io.clusterflock;

import java.util.Optional;

/**
 * A reload or rolling restart gave up: a new worker failed before it was ready, or could not be
 * started. The workers of {@link #serving()} keep serving.
 */
public final class ReloadException extends ClusterException {
    private final int generation;
    private final int serving;
    private final transient Optional<WorkerExit> exit;

    public ReloadException(int generation, int serving, String reason, Optional<WorkerExit> exit) {
        super("reload to generation " + generation + " gave up, generation " + serving + " keeps serving: " + reason);
        this.generation = generation;
        this.serving = serving;
        this.exit = exit;
    }

    /** The generation that did not go live. */
    public int generation() {
        return generation;
    }

    /** The generation that keeps serving. */
    public int serving() {
        return serving;
    }

    /** How the new worker that made it give up ended; empty when none could be started. */
    public Optional<WorkerExit> exit() {
        return exit;
    }
}
