package io.clusterflock.internal.master;

import io.clusterflock.LogFormat;
import io.clusterflock.internal.util.Json;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private static final long PID = ProcessHandle.current().pid();
    /** With {@code --log-format json}: every line one JSON object. */
    private static volatile boolean json;
    private final String prefix = " clusterflock[" + PID + "] ";

    /**
     * Switches the format of the lines this formatter writes: events arrive as JSON objects
     * already ({@link EventJson}) and are written as they are; any other record becomes one too.
     */
    public static void format(LogFormat format) {
        json = format == LogFormat.JSON;
    }

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

    /**
     * For a master started with {@code Cluster.start} in a program that set up no logging of its
     * own (java.util.logging's default console handler is all there is): the master's event lines
     * go to stderr in this format, one line each as the CLI writes them, and nothing else of the
     * program's logging changes.
     */
    public static void installForEventsUnlessConfigured() {
        Logger root = Logger.getLogger("");
        boolean defaultRoot = root.getHandlers().length == 1 && root.getHandlers()[0] instanceof ConsoleHandler handler
                && handler.getFormatter() instanceof java.util.logging.SimpleFormatter;
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null
                || !defaultRoot || CLUSTERFLOCK.getHandlers().length > 0) {
            return; // the CLI or library mode installed this format already, or the program chose its own
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new ConsoleLog());
        console.setLevel(Level.ALL);
        CLUSTERFLOCK.addHandler(console);
        CLUSTERFLOCK.setUseParentHandlers(false);
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
        if (json) {
            return jsonLine(record);
        }
        StringBuilder line = new StringBuilder(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME)).append(prefix);
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            line.append("ERROR ");
        } else if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            line.append("WARNING ");
        }
        line.append(formatMessage(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            line.append(trace(record.getThrown()));
        }
        return line.toString();
    }

    private String jsonLine(LogRecord record) {
        String message = formatMessage(record);
        if (message.startsWith("{\"ts\":")) {
            return message + System.lineSeparator();
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", record.getInstant().toString());
        line.put("level", level(record.getLevel()));
        line.put("event", "log");
        line.put("pid", PID);
        line.put("logger", record.getLoggerName());
        line.put("message", record.getThrown() == null ? message : message + System.lineSeparator() + trace(record.getThrown()));
        return Json.write(line) + System.lineSeparator();
    }

    private static String level(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "warning";
        }
        return level.intValue() >= Level.INFO.intValue() ? "info" : "debug";
    }

    private static String trace(Throwable thrown) {
        var trace = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(trace));
        return trace.toString();
    }
}
