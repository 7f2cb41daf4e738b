package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.LogFormat;
import io.clusterflock.ReadyWhen;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Writes one log record per cluster event to the master's logger: the text line, or with
 * {@link LogFormat#JSON} one JSON object that carries the same line as {@code message}.
 */
final class EventLog implements Consumer<ClusterEvent> {
    private final System.Logger log;
    private final EventText text;
    private final LogFormat format;

    /** {@code scheme}: of the URL in the listening line, {@code https} when the workers serve TLS. */
    EventLog(System.Logger log, ReadyWhen readyWhen, LogFormat format, String scheme) {
        this.log = log;
        this.text = new EventText(readyWhen, scheme);
        this.format = format;
    }

    @Override
    public void accept(ClusterEvent event) {
        EventText.Line line = text.of(event);
        if (!log.isLoggable(line.level())) {
            return;
        }
        log.log(line.level(), format == LogFormat.JSON ? EventJson.write(Instant.now(), line, event) : line.text());
    }
}
