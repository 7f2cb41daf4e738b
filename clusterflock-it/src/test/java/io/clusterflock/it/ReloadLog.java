package io.clusterflock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a master's events say about generations (forks, {@code reload-finished}), and what /proc
 * says is left of them.
 */
final class ReloadLog {
    private ReloadLog() {}

    /** Every fork event so far, in order: which slot, which pid, which generation, at which line. */
    static List<MasterEvent> forks(MasterProcess master) {
        return master.events(EventMatch.of(MasterEvent.Kind.FORK));
    }

    /** The pid of every worker forked for {@code generation}, by slot (the latest fork of the slot). */
    static Map<Integer, Long> workersOf(MasterProcess master, int generation) {
        Map<Integer, Long> workers = new LinkedHashMap<>();
        forks(master).stream().filter(f -> f.generation() == generation).forEach(f -> workers.put(f.slot(), f.pid()));
        return workers;
    }

    /** The pid of every worker ever forked for a generation older than {@code generation}. */
    static List<Long> pidsOlderThan(MasterProcess master, int generation) {
        return forks(master).stream().filter(f -> f.generation() < generation).map(MasterEvent::pid).toList();
    }

    /** A {@code reload-started} event toward {@code generation}. */
    static EventMatch reloadStarted(int generation) {
        return EventMatch.of(MasterEvent.Kind.RELOAD_STARTED).with("generation", generation);
    }

    /** Waits for {@code reload-finished} of {@code generation} (it serves on every slot) on line {@code mark} or later. */
    static MasterEvent awaitServing(MasterProcess master, int mark, int generation, Duration timeout) {
        return master.awaitEventAfter(mark, EventMatch.of(MasterEvent.Kind.RELOAD_FINISHED).with("generation", generation),
                timeout);
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
}
