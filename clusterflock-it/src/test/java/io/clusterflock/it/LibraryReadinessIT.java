package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code readyWhen=ready}: a worker is ready when it says so, through {@code Worker.ready()} in
 * library mode or sd_notify {@code READY=1} in command mode, and one that never says so is killed
 * after {@code readyTimeout} and re-forked with backoff.
 */
@Timeout(120)
class LibraryReadinessIT {
    private static final String TIME = LibraryCluster.TIME;

    @Test
    void aWorkerThatCallsReadyAfterOneSecondIsReadyNoEarlier() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.readyWhen=ready"), "readyAfterMs=1000")) {
            List<Long> pids = master.listeningPids();
            for (long pid : pids) {
                Matcher fork = master.awaitLine(Pattern.compile(TIME + "worker (\\d+) \\(pid " + pid
                        + "\\) forked, generation 0$"), LibraryCluster.SERVE_TIMEOUT);
                Matcher ready = master.awaitLine(Pattern.compile(TIME + "worker " + fork.group(2) + " \\(pid " + pid
                        + "\\) ready$"), LibraryCluster.SERVE_TIMEOUT);

                long afterFork = LibraryCluster.millisBetween(fork.group(1), ready.group(1));
                assertTrue(afterFork >= 1_000, "worker pid " + pid + " ready " + afterFork + " ms after its fork"
                        + master.output());
            }
            LibraryCluster.untilEveryId(master.port(), 2, "/", LibraryCluster.SERVE_TIMEOUT);
        }
    }

    @Test
    void aWorkerNeverReadyIsKilledAfterTheReadyTimeoutAndReForkedWithBackoff() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=1", "-Dclusterflock.port=0",
                "-Dclusterflock.readyWhen=ready", "-Dclusterflock.readyTimeout=2s", "-Dclusterflock.respawnDelay=1s"),
                "neverReady")) {
            long first = master.listeningPids().getFirst();
            Matcher fork = master.awaitLine(Pattern.compile(TIME + "worker 0 \\(pid " + first + "\\) forked"),
                    LibraryCluster.SERVE_TIMEOUT);
            Matcher timedOut = master.awaitLine(Pattern.compile(TIME + "WARNING worker 0 \\(pid " + first
                    + "\\) was not ready within 2s: killing it$"), Duration.ofSeconds(15));
            Matcher exited = master.awaitLine(Pattern.compile(TIME + "WARNING worker 0 \\(pid " + first
                    + "\\) was killed \\(not ready within 2s\\) with signal 9 \\(KILL\\) after [\\d.]+m?s; re-forking in 1s$"),
                    Duration.ofSeconds(5));
            List<Matcher> forks = master.awaitLinesAfter(0, Pattern.compile(TIME
                    + "worker 0 \\(pid (\\d+)\\) forked, generation 0$"), 2, Duration.ofSeconds(10));
            Matcher refork = forks.get(1);

            // The ready deadline runs from just before the spawn, the fork line is written just after it.
            assertTrue(LibraryCluster.millisBetween(fork.group(1), timedOut.group(1)) >= 2_000 - 250,
                    "killed before its 2 s were up" + master.output());
            assertNotEquals(first, Long.parseLong(refork.group(2)), "the re-fork is a new process");
            // The slot's delay is counted from when the master saw the exit, which comes after the kill
            // line and before the exit line is written: the kill line is the earliest sure bound.
            long delay = LibraryCluster.millisBetween(timedOut.group(1), refork.group(1));
            assertTrue(delay >= 1_000, "re-forked " + delay + " ms after the kill, within the 1s backoff"
                    + master.output());
            assertTrue(LibraryCluster.millisBetween(exited.group(1), refork.group(1)) >= 0, master.output());
            assertFalse(Procs.alive(first), "the worker that was not ready lives on");
            assertEquals(List.of(), master.matches(Pattern.compile("worker 0 \\(pid \\d+\\) ready$")), master.output());
        }
    }

    @Test
    void aPythonWorkerIsReadyOnlyOnceItSaysReadyOverSdNotifyAndItsStatusShowsInTheLog() throws IOException {
        Optional<List<String>> python = Fixtures.pythonWorker();
        Assumptions.assumeTrue(python.isPresent(), "no python3 on PATH");
        String interpreter = python.get().getFirst();
        String script = LibraryCopies.pythonServer().toString();
        // examples/python/server.py itself, started one second late: it says READY=1 only then.
        String delayed = "import sys, time; time.sleep(1); sys.argv = [" + pyString(script) + "]; "
                + "exec(compile(open(sys.argv[0]).read(), sys.argv[0], 'exec'))";
        try (MasterProcess master = MasterProcess.run(List.of(interpreter, "-c", delayed),
                "-w", "1", "-p", "0", "--ready-when", "ready", "--ready-timeout", "3s")) {
            long pid = master.listeningPids().getFirst();
            Matcher fork = master.awaitLine(Pattern.compile(TIME + "worker 0 \\(pid " + pid + "\\) forked"),
                    LibraryCluster.SERVE_TIMEOUT);
            Matcher status = master.awaitLine(Pattern.compile(TIME + "worker 0 \\(pid " + pid
                    + "\\) status: serving as worker 0$"), Duration.ofSeconds(10));
            Matcher ready = master.awaitLine(Pattern.compile(TIME + "worker 0 \\(pid " + pid + "\\) ready$"),
                    Duration.ofSeconds(10));

            long afterFork = LibraryCluster.millisBetween(fork.group(1), ready.group(1));
            // READY=1 leaves 1 s after the interpreter starts; the fork line is written just after the
            // spawn returns, which a loaded machine can delay by some tens of milliseconds.
            assertTrue(afterFork >= 900, "ready " + afterFork + " ms after the fork, before READY=1" + master.output());
            assertTrue(LibraryCluster.millisBetween(status.group(1), ready.group(1)) >= 0, master.output());
            Http.Response response = Http.get(master.port(), "/");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.body().startsWith("python worker 0 pid " + pid), response.body());
            assertEquals(List.of(), master.matches(Pattern.compile("was not ready within")), master.output());
        }
    }

    private static String pyString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
