package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.STATUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    @Test
    void aWorkerThatCallsReadyAfterOneSecondIsReadyNoEarlier() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.readyWhen=ready"), "readyAfterMs=1000")) {
            List<Long> pids = master.startedPids();
            for (long pid : pids) {
                MasterEvent fork = master.awaitEvent(EventMatch.about(FORK, pid), LibraryCluster.SERVE_TIMEOUT);
                MasterEvent ready = master.awaitEvent(EventMatch.about(READY, pid), LibraryCluster.SERVE_TIMEOUT);

                assertEquals(fork.slot(), ready.slot(), ready.toString());
                assertTrue(ready.since(fork).toMillis() >= 1_000, "worker pid " + pid + " ready " + ready.since(fork).toMillis()
                        + " ms after its fork" + master.output());
            }
            LibraryCluster.untilEveryId(master.port(), 2, "/", LibraryCluster.SERVE_TIMEOUT);
        }
    }

    @Test
    void aWorkerNeverReadyIsKilledAfterTheReadyTimeoutAndReForkedWithBackoff() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=1", "-Dclusterflock.port=0",
                "-Dclusterflock.readyWhen=ready", "-Dclusterflock.readyTimeout=2s", "-Dclusterflock.respawnDelay=1s"),
                "neverReady")) {
            long first = master.startedPids().getFirst();
            MasterEvent fork = master.awaitEvent(EventMatch.about(FORK, first), LibraryCluster.SERVE_TIMEOUT);
            MasterEvent timedOut = master.awaitEvent(EventMatch.about(KILLING, first), Duration.ofSeconds(15));
            MasterEvent exited = master.awaitEvent(EventMatch.about(EXIT, first), Duration.ofSeconds(10));
            List<MasterEvent> forks = master.awaitEventsAfter(0, EventMatch.inSlot(FORK, 0), 2, Duration.ofSeconds(10));
            MasterEvent refork = forks.get(1);

            assertEquals(List.of("not-ready", 2_000L, "warning"), List.of(timedOut.cause(), timedOut.number("readyTimeoutMillis"),
                    timedOut.level()), timedOut.toString());
            assertEquals(List.of("not-ready", true, "KILL", "warning", Optional.of(Duration.ofSeconds(1))),
                    List.of(exited.cause(), exited.expected(), exited.text("signal"), exited.level(),
                            exited.millis("respawnInMillis")), exited.toString());
            // The ready deadline runs from just before the spawn, the fork event is logged just after it.
            assertTrue(timedOut.since(fork).toMillis() >= 2_000 - 250, "killed before its 2 s were up" + master.output());
            assertNotEquals(first, refork.pid(), "the re-fork is a new process");
            // The slot's delay is counted from when the master saw the exit, which comes after the kill
            // and before the exit event is logged: the kill is the earliest sure bound.
            long delay = refork.since(timedOut).toMillis();
            assertTrue(delay >= 1_000, "re-forked " + delay + " ms after the kill, within the 1s backoff" + master.output());
            assertTrue(refork.line() > exited.line(), master.output());
            assertFalse(Procs.alive(first), "the worker that was not ready lives on");
            assertEquals(List.of(), master.events(EventMatch.of(READY)), master.output());
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
            long pid = master.startedPids().getFirst();
            MasterEvent fork = master.awaitEvent(EventMatch.about(FORK, pid), LibraryCluster.SERVE_TIMEOUT);
            MasterEvent status = master.awaitEvent(EventMatch.about(STATUS, pid), Duration.ofSeconds(10));
            MasterEvent ready = master.awaitEvent(EventMatch.about(READY, pid), Duration.ofSeconds(10));

            assertEquals("serving as worker 0", status.text("status"), status.toString());
            // READY=1 leaves 1 s after the interpreter starts; the fork event is logged just after the
            // spawn returns, which a loaded machine can delay by some tens of milliseconds.
            long afterFork = ready.since(fork).toMillis();
            assertTrue(afterFork >= 900, "ready " + afterFork + " ms after the fork, before READY=1" + master.output());
            assertTrue(status.line() < ready.line(), master.output());
            Http.Response response = Http.get(master.port(), "/");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.body().startsWith("python worker 0 pid " + pid), response.body());
            assertEquals(List.of(), master.events(EventMatch.of(KILLING)), master.output());
        }
    }

    private static String pyString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
