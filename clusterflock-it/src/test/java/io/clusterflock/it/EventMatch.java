package io.clusterflock.it;

import io.clusterflock.it.MasterEvent.Kind;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a test waits for in a master's events, with words for the failure message: "a ready event
 * of pid 4711" rather than a lambda's class name.
 */
record EventMatch(String description, Predicate<MasterEvent> condition) implements Predicate<MasterEvent> {

    /** Any event of {@code kind}. */
    static EventMatch of(Kind kind) {
        return new EventMatch("a " + kind.wire() + " event", event -> event.kind() == kind);
    }

    /** An event of {@code kind} about the worker {@code pid}. */
    static EventMatch about(Kind kind, long pid) {
        return of(kind).where("of pid " + pid, event -> event.isAbout(pid));
    }

    /** An event of {@code kind} about whichever worker is in slot {@code slot}. */
    static EventMatch inSlot(Kind kind, int slot) {
        return of(kind).where("in slot " + slot, event -> event.fields().get("slot") instanceof Long s && s == slot);
    }

    /**
     * A log record that is no event (a {@code log} line) at {@code level}, whose message has a match
     * of {@code pattern}: for what the master says only in words, such as the AOT cache's lines.
     */
    static EventMatch log(String level, Pattern pattern) {
        return of(Kind.LOG).where("at " + level + " matching /" + pattern + "/",
                event -> event.level().equals(level) && pattern.matcher(event.message()).find());
    }

    /** This match, narrowed by {@code more} ({@code what} says how, for the failure message). */
    EventMatch where(String what, Predicate<MasterEvent> more) {
        return new EventMatch(description + " " + what, condition.and(more));
    }

    /** Narrowed to events whose {@code field} equals {@code value} (a String, Long or Boolean, as JSON reads). */
    EventMatch with(String field, Object value) {
        Object expected = value instanceof Integer i ? Long.valueOf(i) : value;
        return where("with " + field + "=" + value, event -> expected.equals(event.fields().get(field)));
    }

    @Override
    public boolean test(MasterEvent event) {
        return condition.test(event);
    }

    @Override
    public String toString() {
        return description;
    }
}
