package io.clusterflock;

/** How the master writes its one line per event ({@code --log-format}). */
public enum LogFormat {
    /** A line of text for a person: {@code worker 0 (pid 4712) forked, generation 0}. */
    TEXT,
    /** One JSON object per line, for a log collector. */
    JSON
}
