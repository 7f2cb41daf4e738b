package io.clusterflock.internal.util;

import io.clusterflock.OptionException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}; a bare number is seconds. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {}

    /** Parses {@code text}, or throws an {@link OptionException} naming {@code option}. */
    public static Duration parse(String option, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new OptionException(option, text, "a duration such as 500ms, 10s, 2m or 1h");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        if (millis > Long.MAX_VALUE / 2) {
            throw new OptionException(option, text, "a duration shorter than a century");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** "250ms", "10s", "1.5s", "2m". */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (Math.abs(ms) < 1_000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0 && Math.abs(ms) >= 60_000) {
            return (ms / 60_000) + "m";
        }
        return ms % 1_000 == 0 ? (ms / 1_000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
