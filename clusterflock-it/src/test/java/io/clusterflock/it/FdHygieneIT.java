package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nothing of the master's leaks into a worker, and the master leaks nothing as workers come and go. */
@Timeout(120)
class FdHygieneIT {
    private static final EventMatch EXITED = EventMatch.of(MasterEvent.Kind.EXIT).with("code", 3).with("expected", false);

    @Test
    void workerHoldsOnlyStdioAndTheListeningSocketAtFds0And3() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exec sleep 30"), "-w", "1", "-p", "0")) {
            long worker = master.startedPids().getFirst();
            // Once sh has exec'd sleep, the fds are the ones the master gave.
            Await.until(Duration.ofSeconds(10), () -> "sleep in place of the worker's sh, not " + Procs.args(worker),
                    () -> Procs.cmdline(worker).equals(List.of("sleep", "30")));

            assertEquals(List.of(0, 1, 2, 3), Procs.fds(worker), "the worker's fds");
            String socket = Procs.fdTarget(worker, 0);
            assertTrue(socket.matches("socket:\\[\\d+]"), "fd 0 is " + socket);
            assertEquals(socket, Procs.fdTarget(worker, 3), "fd 3 is the same socket as fd 0");
            assertTrue(Procs.fds(master.pid()).stream().anyMatch(fd -> Procs.fdTarget(master.pid(), fd).equals(socket)),
                    "the worker's socket is the master's listening socket");
        }
    }

    @Test
    void masterHoldsNoMoreFdsAfterFiftyRespawnsThanAfterFive() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "sleep 0.05; exit 3"), "-w", "1", "-p", "0",
                "--respawn-delay", "10ms", "--respawn-delay-max", "20ms")) {
            master.awaitEventsAfter(0, EXITED, 5, Duration.ofSeconds(30));
            int afterFive = settledFdCount(master.pid());
            master.awaitEventsAfter(0, EXITED, 55, Duration.ofSeconds(90));
            int afterFiftyFive = settledFdCount(master.pid());

            assertEquals(afterFive, afterFiftyFive, "the master's fds after 5 respawns and after 55: "
                    + Procs.fds(master.pid()));
        }
    }

    /**
     * The master's fd count, as the least of ten looks 25 ms apart: a spawn in progress holds an fd
     * or two for a moment, a leak stays.
     */
    private static int settledFdCount(long pid) {
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            least = Math.min(least, Procs.fds(pid).size());
            Await.pause();
        }
        return least;
    }
}
