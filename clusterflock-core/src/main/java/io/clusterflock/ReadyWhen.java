package io.clusterflock;

/** When the master counts a new worker as ready to serve (recluster's {@code readyWhen}). */
public enum ReadyWhen {
    /** As soon as it has been spawned: for programs that serve right away. */
    STARTED,
    /** When the worker library reports that its server accepts connections. */
    LISTENING,
    /** When the worker says so: {@code Worker.ready()} or sd_notify {@code READY=1}. */
    READY;

    /** Parses "started", "listening" or "ready" (any case). */
    public static ReadyWhen parse(String text) {
        for (ReadyWhen value : values()) {
            if (value.name().equalsIgnoreCase(text.strip())) {
                return value;
            }
        }
        throw new OptionException("readyWhen", text, "started, listening or ready");
    }
}
