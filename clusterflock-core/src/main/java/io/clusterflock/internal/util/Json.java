package io.clusterflock.internal.util;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON from plain values: a {@link Map} with String keys is an object (in the map's order),
 * a {@link List} an array, a String a string, an Integer or Long a number, a Boolean, or null.
 * Enough for {@code status --json} without a library.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String text -> string(text, out);
            case Integer number -> out.append(number);
            case Long number -> out.append(number);
            case Boolean bool -> out.append(bool);
            case Map<?, ?> map -> object(map, out);
            case List<?> list -> array(list, out);
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void object(Map<?, ?> map, StringBuilder out) {
        out.append('{');
        for (Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<?, ?> entry = entries.next();
            string((String) entry.getKey(), out);
            out.append(':');
            write(entry.getValue(), out);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        out.append('}');
    }

    private static void array(List<?> list, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(list.get(i), out);
        }
        out.append(']');
    }

    /**
     * A quoted string. Control characters are escaped as JSON requires; so are surrogates, so that a
     * lone one (not valid UTF-8) still reaches the reader as text, and U+2028/2029, which JavaScript
     * source does not allow raw.
     */
    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
