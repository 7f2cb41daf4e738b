package io.clusterflock.internal.master;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr, for the master and the workers' library:
 * {@code 22:15:01.123 clusterflock[4711] worker 0 (pid 4712) forked, generation 0}; warnings say so.
 */
public final class ConsoleLog extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /** JUL holds loggers weakly: keep the configured one, or its level is lost to the GC. */
    private static final Logger CLUSTERFLOCK = Logger.getLogger("io.clusterflock");
    private final String prefix = " clusterflock[" + ProcessHandle.current().pid() + "] ";

    /**
     * Installs the one-line format on the root logger, unless the application configured
     * java.util.logging itself (a config file or class), which then stays as it is.
     */
    public static void installUnlessConfigured() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            install();
        }
    }

    /** Replaces the root logger's handlers with one that writes this format to stderr. */
    public static void install() {
        Logger root = Logger.getLogger("");
        for (var handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new ConsoleLog());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        String level = System.getenv("CLUSTERFLOCK_LOG_LEVEL");
        if (level != null && level.equalsIgnoreCase("debug")) {
            CLUSTERFLOCK.setLevel(Level.FINE);
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME)).append(prefix);
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            line.append("ERROR ");
        } else if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            line.append("WARNING ");
        }
        line.append(formatMessage(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            var trace = new java.io.StringWriter();
            record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
