package io.clusterflock;

import io.clusterflock.internal.options.Options;

/** When the master counts a new worker as ready to serve (recluster's {@code readyWhen}). */
public enum ReadyWhen {
    /**
     * Proven by staying up: once it has run for {@code readyAfter} (einhorn's timer
     * acknowledgement), or sooner when it says so ({@code READY=1}, {@code Worker.ready()}, its
     * server listening). A worker that speaks sd_notify before then ({@code STATUS=},
     * {@code WATCHDOG=1}, …) manages its own readiness: it is ready only when it says {@code READY=1}.
     */
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
