package io.clusterflock;

import io.clusterflock.internal.options.Options;

/** When the master counts a new worker as ready to serve (recluster's {@code readyWhen}). */
public enum ReadyWhen {
    /** As soon as it has been spawned: for programs that serve right away. */
    STARTED,
    /** When the worker library reports that its server accepts connections. */
    LISTENING,
    /** When the worker says so: {@code Worker.ready()} or sd_notify {@code READY=1}. */
    READY;

    /**
     * Parses "started", "listening" or "ready" (any case).
     *
     * @throws OptionException naming {@code readyWhen} for any other text
     */
    public static ReadyWhen parse(String text) {
        return Options.READY_WHEN.parse(text);
    }
}
