package io.clusterflock.internal.control;

/** Client text echoed in an answer is cut short: an error line stays one readable line. */
public final class Quoting {
    private static final int MAX_CHARS = 40;

    private Quoting() {}

    public static String shorten(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
    }
}
