package io.clusterflock.it;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a master's {@code --log-format json} log, read back: what happened ({@link Kind}),
 * when, at which level, and its fields. The accessors of the fields a test relies on
 * ({@link #slot()}, {@link #pid()}, {@link #cause()}...) fail the test when the event lacks them,
 * so a missing field is never read as a zero.
 *
 * @param line   the index of the line in the master's output, comparable with {@link MasterProcess#mark()}
 * @param kind   the event
 * @param ts     when the master logged it
 * @param level  "info", "warning", "error" or "debug"
 * @param fields every member of the JSON object
 */
record MasterEvent(int line, Kind kind, Instant ts, String level, Map<String, Object> fields) {

    /** The {@code event} member: one per ClusterEvent record, and {@code log} for any other log record. */
    enum Kind {
        STARTED, FORK, ONLINE, LISTENING, MESSAGE, STATUS, READY, SPAWN_FAILED, RECYCLING, STOPPING, KILLING,
        STOP_TIMEOUT, EXIT, RESIZED, RELOAD_STARTED, RELOAD_FINISHED, RELOAD_FAILED, DECLINED, SHUTDOWN, EMPTY,
        STOPPED, CLOSING, LOG,
        /** A name this suite does not know (a newer master): kept, never matched by a test's predicate. */
        OTHER;

        /** "reload-started" for RELOAD_STARTED. */
        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind of(String wire) {
            for (Kind kind : values()) {
                if (kind != OTHER && kind.wire().equals(wire)) {
                    return kind;
                }
            }
            return OTHER;
        }
    }

    /**
     * The event on {@code text}, line {@code line} of the output, if the line is a JSON event;
     * a line that starts like one and is not one is an AssertionError.
     */
    static Optional<MasterEvent> parse(int line, String text) {
        if (!text.startsWith("{\"ts\":")) {
            return Optional.empty();
        }
        Map<String, Object> json = ControlJson.object(ControlJson.parse(text));
        if (!(json.get("event") instanceof String name) || !(json.get("ts") instanceof String ts)
                || !(json.get("level") instanceof String level)) {
            throw new AssertionError("a log line without event, ts and level: " + text);
        }
        return Optional.of(new MasterEvent(line, Kind.of(name), Instant.parse(ts), level, json));
    }

    // ---- fields ----------------------------------------------------------------------------------

    /** Whether this event is about worker {@code pid} (a {@code log} record's pid is the master's own). */
    boolean isAbout(long pid) {
        return kind != Kind.LOG && fields.get("pid") instanceof Long p && p == pid;
    }

    int slot() {
        return Math.toIntExact(number("slot"));
    }

    long pid() {
        return number("pid");
    }

    int generation() {
        return Math.toIntExact(number("generation"));
    }

    /** Why a worker ends: "shutdown", "kill", "reload", "max-requests", "hung", "unexpected"... */
    String cause() {
        return text("cause");
    }

    /** Of an exit: whether the master asked for it. */
    boolean expected() {
        if (fields.get("expected") instanceof Boolean expected) {
            return expected;
        }
        throw missing("expected");
    }

    /** The text line the same event has in the text format. */
    String message() {
        return text("message");
    }

    String reason() {
        return text("reason");
    }

    /** A member that must be a whole number. */
    long number(String name) {
        if (fields.get(name) instanceof Long value) {
            return value;
        }
        throw missing(name);
    }

    /** A member that must be a string. */
    String text(String name) {
        if (fields.get(name) instanceof String value) {
            return value;
        }
        throw missing(name);
    }

    /** A member in milliseconds ({@code respawnInMillis}...), empty when it is null. */
    Optional<Duration> millis(String name) {
        if (!fields.containsKey(name)) {
            throw missing(name);
        }
        return fields.get(name) instanceof Long value ? Optional.of(Duration.ofMillis(value)) : Optional.empty();
    }

    /** {@link #ts} on this machine's clock face, to the millisecond: what fixtures print in their own lines. */
    LocalTime localTime() {
        return LocalTime.ofInstant(ts, ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The time from {@code earlier} to this event, as the master stamped them. */
    Duration since(MasterEvent earlier) {
        return Duration.between(earlier.ts, ts);
    }

    private AssertionError missing(String name) {
        return new AssertionError("the " + fields.get("event") + " event on line " + line + " has no '" + name + "' of the"
                + " expected type: " + fields);
    }

    @Override
    public String toString() {
        return line + ": " + fields;
    }
}
