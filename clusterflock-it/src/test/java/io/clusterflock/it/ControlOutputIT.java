package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What workers write: tagged with their id ({@code --prefix-output}), or kept out ({@code --silent}). */
@Timeout(60)
class ControlOutputIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Says a line on each stream and half a line on stdout, then becomes sleep (its output ends when it exits). */
    private static final List<String> TALKER = List.of("sh", "-c",
            "echo \"out of $WORKER_ID\"; echo \"err of $WORKER_ID\" >&2; printf 'partial of %s' \"$WORKER_ID\"; exec sleep 120");

    @Test
    void prefixOutputTagsEveryLineWithTheWorkerOnTheSameStream() {
        try (MasterProcess master = MasterProcess.run(TALKER, "-w", "2", "-p", "0", "--prefix-output")) {
            List<Long> workers = master.startedPids();
            for (int id = 0; id < 2; id++) {
                assertLine(master, false, "[worker " + id + "] out of " + id);
                assertLine(master, true, "[worker " + id + "] err of " + id);
            }
            Await.until(WAIT, "sleep in place of the workers' sh", () -> workers.stream()
                    .allMatch(pid -> Procs.cmdline(pid).equals(List.of("sleep", "120"))));
            for (long worker : workers) {
                assertTrue(Procs.fdTarget(worker, 1).startsWith("pipe:"), "fd 1 of " + worker + ": " + Procs.fdTarget(worker, 1));
                assertTrue(Procs.fdTarget(worker, 2).startsWith("pipe:"), "fd 2 of " + worker);
                assertEquals(List.of(0, 1, 2, 3), Procs.fds(worker), "nothing else reaches the worker");
            }

            // The half line comes out when its worker's output ends, before the master exits.
            master.signal("TERM");
            assertEquals(0, master.awaitExit(WAIT), master.output());
            assertLine(master, false, "[worker 0] partial of 0");
            assertLine(master, false, "[worker 1] partial of 1");
            assertEquals(List.of(), master.matches(Pattern.compile("^(out|err|partial) of")), "a line without its tag");
        }
    }

    @Test
    void prefixedWorkersThatComeAndGoLeaveNoFdsBehind() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "echo hello; echo oops >&2; exit 3"), "-w", "1",
                "-p", "0", "--prefix-output", "--respawn-delay", "10ms", "--respawn-delay-max", "20ms")) {
            EventMatch exited = EventMatch.of(MasterEvent.Kind.EXIT).with("code", 3).with("expected", false);
            master.awaitEventsAfter(0, exited, 5, Duration.ofSeconds(30));
            int afterFive = settledFdCount(master.pid());
            master.awaitEventsAfter(0, exited, 40, Duration.ofSeconds(60));
            int afterForty = settledFdCount(master.pid());
            assertEquals(afterFive, afterForty, "the master's fds after 5 workers and after 40: " + Procs.fds(master.pid()));
            assertTrue(master.matches(Pattern.compile("^\\[worker 0] hello$")).size() >= 30, master.output());
        }
    }

    @Test
    void silentKeepsWorkersOutputOut() {
        try (MasterProcess master = MasterProcess.run(TALKER, "-w", "2", "-p", "0", "--silent")) {
            List<Long> workers = master.startedPids();
            Await.until(WAIT, "sleep in place of the workers' sh (they have written by then)", () -> workers.stream()
                    .allMatch(pid -> Procs.cmdline(pid).equals(List.of("sleep", "120"))));
            for (long worker : workers) {
                assertEquals("/dev/null", Procs.fdTarget(worker, 1));
                assertEquals("/dev/null", Procs.fdTarget(worker, 2));
                assertEquals(List.of(0, 1, 2, 3), Procs.fds(worker));
            }
            master.signal("TERM");
            assertEquals(0, master.awaitExit(WAIT), master.output());
            assertEquals(List.of(), master.matches(Pattern.compile("(out|err|partial) of")), master.output());
        }
    }

    private static void assertLine(MasterProcess master, boolean stderr, String text) {
        Await.until(WAIT, () -> (stderr ? "err| " : "out| ") + text + master.output(),
                () -> master.lines().contains(new MasterProcess.Line(stderr, text)));
    }

    /** The least of ten looks 25 ms apart: a spawn in progress holds a few fds for a moment, a leak stays. */
    private static int settledFdCount(long pid) {
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            least = Math.min(least, Procs.fds(pid).size());
            Await.pause();
        }
        return least;
    }
}
