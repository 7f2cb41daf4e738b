package io.clusterflock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a master's log says about generations (EventLog's lines), and what /proc says is left of
 * them. Every line of the master starts with its time ({@code 22:44:52.363 clusterflock[pid] ...}),
 * which is what "within the timeout" is measured on.
 */
final class ReloadLog {
    static final Pattern RELOAD_STARTED = Pattern.compile("\\breload to generation (\\d+) started$");
    static final Pattern RESTART_STARTED = Pattern.compile("rolling restart to generation (\\d+) started$");
    static final Pattern SERVING = Pattern.compile("generation (\\d+) serving on every slot$");
    static final Pattern GAVE_UP = Pattern.compile("reload to generation (\\d+) gave up, the serving workers stay: (.+)$");
    static final Pattern READY = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) ready$");
    /** A worker's end: asked to stop, or not. */
    static final Pattern ENDED = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) (stopped with|exited unexpectedly with|was killed \\(.*\\) with) ");
    private static final Pattern TIME = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) ");

    private ReloadLog() {}

    /** A "forked" line: which slot, which pid, which generation, at which line. */
    record Fork(int slot, long pid, int generation, int index) {}

    static List<Fork> forks(MasterProcess master) {
        List<MasterProcess.Line> lines = master.lines();
        List<Fork> forks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MasterProcess.FORKED.matcher(lines.get(i).text());
            if (m.find()) {
                forks.add(new Fork(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), i));
            }
        }
        return forks;
    }

    /** The pid of every worker forked for {@code generation}, by slot (the latest fork of the slot). */
    static Map<Integer, Long> workersOf(MasterProcess master, int generation) {
        Map<Integer, Long> workers = new LinkedHashMap<>();
        forks(master).stream().filter(f -> f.generation() == generation).forEach(f -> workers.put(f.slot(), f.pid()));
        return workers;
    }

    /** The pid of every worker ever forked for a generation older than {@code generation}. */
    static List<Long> pidsOlderThan(MasterProcess master, int generation) {
        return forks(master).stream().filter(f -> f.generation() < generation).map(Fork::pid).toList();
    }

    /** Waits until the pids of {@code pids} have said they are ready (the master logged it). */
    static void awaitReady(MasterProcess master, Collection<Long> pids, Duration timeout) {
        for (long pid : pids) {
            master.awaitLine(Pattern.compile("worker \\d+ \\(pid " + pid + "\\) ready$"), timeout);
        }
    }

    /** Waits for "generation N serving on every slot" at index {@code mark} or later. */
    static void awaitServing(MasterProcess master, int mark, int generation, Duration timeout) {
        master.awaitLineAfter(mark, Pattern.compile("generation " + generation + " serving on every slot$"), timeout);
    }

    /** Waits until no process of {@code pids} is alive (zombies count as gone). */
    static void awaitGone(MasterProcess master, Collection<Long> pids, Duration timeout, String what) {
        Await.until(timeout, () -> what + "; still alive:" + MasterProcess.describe(pids.stream().filter(Procs::alive).toList())
                + master.output(), () -> pids.stream().noneMatch(Procs::alive));
    }

    /**
     * The live processes of the workers' process group {@code group} whose environment says they
     * belong to a generation older than {@code generation}: workers and anything they started.
     */
    static List<Long> olderGenerationProcesses(long group, int generation) {
        List<Long> older = new ArrayList<>();
        for (long pid : Procs.inGroup(group)) {
            OptionalInt gen = generationOf(pid);
            if (gen.isPresent() && gen.getAsInt() < generation && Procs.alive(pid)) {
                older.add(pid);
            }
        }
        return older;
    }

    /** CLUSTERFLOCK_GENERATION in the initial environment of {@code pid}, if it has one. */
    static OptionalInt generationOf(long pid) {
        try {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.UTF_8);
            for (String entry : environ.split("\0")) {
                if (entry.startsWith("CLUSTERFLOCK_GENERATION=")) {
                    return OptionalInt.of(Integer.parseInt(entry.substring(entry.indexOf('=') + 1)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not ours to read
        }
        return OptionalInt.empty();
    }

    /** The index of the first line at {@code from} or later in which {@code pattern} is found; -1 if none. */
    static int indexOf(MasterProcess master, int from, Pattern pattern) {
        List<MasterProcess.Line> lines = master.lines();
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i).text()).find()) {
                return i;
            }
        }
        return -1;
    }

    /** The time the master printed at the start of line {@code index}. */
    static LocalTime timeOf(MasterProcess master, int index) {
        String text = master.lines().get(index).text();
        Matcher m = TIME.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no time at the start of line " + index + ": " + text + master.output());
        }
        return LocalTime.parse(m.group(1));
    }

    /** The time from line {@code from} to line {@code to}, as the master printed them (across midnight too). */
    static Duration between(MasterProcess master, int from, int to) {
        Duration d = Duration.between(timeOf(master, from), timeOf(master, to));
        return d.isNegative() ? d.plusDays(1) : d;
    }

    /** How many lines from {@code mark} on match {@code pattern}. */
    static int count(MasterProcess master, int mark, Pattern pattern) {
        return master.matchesAfter(mark, pattern).size();
    }
}
