package io.clusterflock;

/** How the master logs its events. */
public enum LogFormat {
    /** One line of text per event. */
    TEXT,
    /** One JSON object per line per event: for log shippers and tests. */
    JSON
}
