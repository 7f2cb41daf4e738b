package io.clusterflock.internal.util;

import io.clusterflock.OptionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as operators write them: {@code 512m}, {@code 1.5g}, {@code 300MiB}, {@code 64k}; a bare number is bytes. */
public final class Sizes {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private Sizes() {}

    /** Parses {@code text} into bytes, or throws an {@link OptionException} naming {@code option}. */
    public static long parse(String option, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new OptionException(option, text, "a size such as 512m, 2g or 800000k");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return Math.round(Double.parseDouble(m.group(1)) * (1L << shift));
    }

    /** "512 MiB", "1.5 GiB", "900 KiB". */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }
}
