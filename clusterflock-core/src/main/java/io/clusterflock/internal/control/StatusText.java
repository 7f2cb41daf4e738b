package io.clusterflock.internal.control;

import io.clusterflock.internal.supervisor.RolloutState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * {@code status} for people: a line about the master, then an aligned table with a row per worker.
 *
 * <pre>
 * cluster 'default': master pid 4711, up 3m12s, listening on *:5000, generation 1, 3 workers
 * SLOT  PID   GEN  STATE                 UPTIME  RESTARTS  RSS       HEAP     REQUESTS  LAST EXIT
 * 0     4712  1    ready                 3m10s   0         48.2 MiB  126 MiB  1234      -
 * 1     -     1    backing off for 3.2s  -       4         -         -        -         code 3 (exited unexpectedly)
 * 2     4700  0    draining (reload)     2h05m   0         48.2 MiB  126 MiB  99        -
 * </pre>
 */
final class StatusText {
    private static final List<String> HEADINGS =
            List.of("SLOT", "PID", "GEN", "STATE", "UPTIME", "RESTARTS", "RSS", "HEAP", "REQUESTS", "LAST EXIT");
    private static final String NONE = "-";

    private StatusText() {}

    /** The report as lines, without line endings. */
    static List<String> render(StatusReport report) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADINGS);
        report.rows().forEach(row -> cells.add(cells(row)));
        List<String> lines = new ArrayList<>();
        lines.add(masterLine(report.master()));
        lines.addAll(align(cells));
        return lines;
    }

    private static String masterLine(StatusReport.MasterRow master) {
        return "cluster '" + master.name() + "': master pid " + master.pid() + ", up " + age(master.uptime())
                + ", listening on " + master.listening()
                + (master.balance().equals("sticky") ? " (sticky by client address)" : "") + ", generation " + master.rollout().serving()
                + rollout(master.rollout()) + ", " + master.workers() + (master.workers() == 1 ? " worker" : " workers");
    }

    /** What became of the newest generation, when it is not the one that serves. */
    private static String rollout(RolloutState rollout) {
        if (rollout.underWay()) {
            return " (" + (rollout.rolling() ? "restarting" : "reloading") + " to generation " + rollout.newest() + ")";
        }
        return rollout.failure().map(why -> " (reload to generation " + rollout.newest() + " gave up: " + why + ")").orElse("");
    }

    private static List<String> cells(StatusReport.Row row) {
        return List.of(
                Integer.toString(row.slot()),
                text(row.pid()),
                Integer.toString(row.generation()),
                state(row),
                row.uptime().map(StatusText::age).orElse(NONE),
                Integer.toString(row.restarts()),
                row.rss().isPresent() ? size(row.rss().getAsLong()) : NONE,
                row.heap().isPresent() ? size(row.heap().getAsLong()) : NONE,
                text(row.requests()),
                row.lastExit().map(StatusReport::exitText).orElse(NONE));
    }

    /** "ready", "backing off for 3.2s", "draining (reload)". */
    private static String state(StatusReport.Row row) {
        return row.state().label + row.respawnIn().map(delay -> " for " + seconds(delay)).orElse("")
                + row.ending().map(cause -> " (" + cause.code() + ")").orElse("");
    }

    /** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
    private static List<String> align(List<List<String>> rows) {
        int columns = HEADINGS.size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    private static String text(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : NONE;
    }

    /** How long something has run, ps-style: "42s", "3m12s", "2h05m", "3d04h". */
    static String age(Duration duration) {
        long s = Math.max(0, duration.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3_600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3_600, s % 3_600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3_600);
    }

    /** "5s", "3.2s", "0.1s": tenths of a second, shown when there are any. */
    static String seconds(Duration duration) {
        long tenths = Math.max(0, duration.toMillis()) / 100;
        return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
    }

    /** "512 KiB", "48.2 MiB", "1.5 GiB". */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (unit == 0 || value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value)) + " " + units[unit];
    }
}
