package io.clusterflock.internal.util;

/** The Linux signal numbers clusterflock sends or names (the same on x86_64 and aarch64). */
public final class Signals {
    public static final int HUP = 1;
    public static final int INT = 2;
    public static final int QUIT = 3;
    public static final int KILL = 9;
    public static final int USR1 = 10;
    public static final int USR2 = 12;
    public static final int TERM = 15;
    public static final int TTIN = 21;
    public static final int TTOU = 22;

    private static final String[] NAMES = {
        "0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"
    };

    private Signals() {}

    /** The short name of signal {@code number} ("TERM"), or its number as text when unnamed. */
    public static String name(int number) {
        return number > 0 && number < NAMES.length ? NAMES[number] : Integer.toString(number);
    }
}
