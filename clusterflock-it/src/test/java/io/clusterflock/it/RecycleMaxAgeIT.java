package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-age}: workers older than the age are replaced one at a time, each replacement ready
 * before the old worker is asked to stop. Workers started together grow old together, so the second
 * one always waits for the first one's replacement.
 */
@Timeout(90)
class RecycleMaxAgeIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern OLD = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) is being replaced: recycled: older than 4s$");

    @Test
    void workersStartedTogetherAreReplacedOneAtATimeOnceOlderThanTheMaxAge() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--max-age", "4s")) {
            List<Long> first = master.listeningPids();
            List<Matcher> recycled = master.awaitLinesAfter(0, OLD, 2, WAIT);
            assertEquals(first.stream().sorted().toList(),
                    recycled.stream().map(m -> Long.parseLong(m.group(2))).sorted().toList(), master.output());
            for (Matcher m : recycled) {
                master.awaitLine(Pattern.compile("worker " + m.group(1) + " \\(pid " + m.group(2) + "\\) stopped with code 0$"),
                        WAIT);
            }
            List<String> lines = master.lines().stream().map(MasterProcess.Line::text).toList();
            for (Matcher m : recycled) {
                int recycle = index(lines, m.group(), 0);
                int ready = indexMatching(lines, Pattern.compile("worker " + m.group(1) + " \\(pid (?!" + m.group(2)
                        + "\\))\\d+\\) ready$"), recycle);
                int stopping = index(lines, "worker " + m.group(1) + " (pid " + m.group(2) + ") stopping (SIGTERM)", recycle);
                assertTrue(recycle < ready && ready < stopping, "replacement of " + m.group() + " ready before it stops"
                        + master.output());
            }
            // One at a time: the second recycle starts only once the first worker has been asked to stop.
            int secondRecycle = index(lines, recycled.get(1).group(), 0);
            int firstStopping = index(lines, "(pid " + recycled.get(0).group(2) + ") stopping (SIGTERM)", 0);
            assertTrue(firstStopping < secondRecycle, "two recycles at once" + master.output());
        }
    }

    /**
     * While a worker past its age waits for another recycle to finish, the master's supervisor thread
     * should sleep. It spins instead: {@code Supervisor.nextDeadline} keeps offering the waiting
     * worker's {@code startedAt + maxAge}, already past, so {@code SupervisorLoop.await} polls its
     * inbox without waiting, again and again, until the other replacement is ready.
     */
    @Test
    void theSupervisorDoesNotSpinWhileAWorkerPastItsAgeWaitsItsTurn() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--max-age", "4s")) {
            master.listeningPids();
            long supervisor = Await.value(WAIT, () -> "the master's supervisor thread" + master.output(),
                    () -> supervisorThread(master.pid()));
            long before = cpuTicks(master.pid(), supervisor);
            List<Matcher> recycled = master.awaitLinesAfter(0, OLD, 2, WAIT);
            master.awaitLine(Pattern.compile("\\(pid " + recycled.get(1).group(2) + "\\) stopped with code 0$"), WAIT);
            long spent = cpuTicks(master.pid(), supervisor) - before;
            System.out.println("[recycle-age] supervisor thread CPU over two recycles by age: " + spent * 10 + " ms");
            assertTrue(spent <= 20, "the supervisor thread used " + spent * 10 + " ms of CPU for two recycles"
                    + master.output());
        }
    }

    private static int index(List<String> lines, String text, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static int indexMatching(List<String> lines, Pattern pattern, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The tid of thread {@code clusterflock-supervisor} of {@code pid} (comm is cut to 15 characters), or null. */
    private static Long supervisorThread(long pid) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().equals("clusterflock-su")) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** utime + stime of thread {@code tid} of {@code pid}, in clock ticks (1/100 s). */
    private static long cpuTicks(long pid, long tid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new AssertionError("cannot read the CPU time of thread " + tid + " of " + pid, e);
        }
    }
}
