package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTERM drains, SIGINT kills at once; either way nothing of the cluster stays. */
@Timeout(120)
class ShutdownIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void sigtermLetsAnInFlightRequestFinishThenNoProcessOfTheClusterRemains() throws Exception {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0", "--timeout", "4s")) {
            int port = master.port();
            List<Long> workers = master.listeningPids();
            awaitAccepting(master, workers);
            long guard = master.guardPid();
            assertEquals(List.of(guard, guard), workers.stream().map(Procs::pgrp).toList(),
                    "the guard leads the workers' process group");

            CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.get(port, "/sleep?ms=2000");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, runnable -> Thread.ofPlatform().daemon().start(runnable));
            master.awaitLine(Pattern.compile("worker \\d+ pid \\d+ handling /sleep\\?ms=2000$"), SERVE_TIMEOUT);
            master.signal("TERM");

            Http.Response response = slow.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status(), response.toString());
            assertTrue(InheritedHttpWorker.ANSWER.matcher(response.body()).matches(), response.body());
            assertEquals(0, master.awaitExit(Duration.ofSeconds(10)), master.output());
            master.awaitLine(Pattern.compile("SIGTERM: graceful shutdown"), Duration.ZERO);
            master.awaitLine(Pattern.compile("master stopped, exit code 0$"), Duration.ZERO);
            for (long worker : workers) {
                assertFalse(Procs.alive(worker), "worker " + worker + " outlived the master" + master.output());
            }
            // The guard should be gone too. It is given timeout + 1 s + slack because of a race in
            // the product (Master.release() may run after System.exit: the guard then wakes and
            // waits out the timeout before it leaves); ReleaseIT checks it strictly.
            assertTrue(Await.within(Duration.ofSeconds(4 + 1 + 2), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()));
        }
    }

    @Test
    void workerThatIgnoresSigtermIsKilledAfterTheTimeout() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker("--ignore-term"),
                "-w", "1", "-p", "0", "--timeout", "2s")) {
            List<Long> workers = master.listeningPids();
            awaitAccepting(master, workers);
            long worker = workers.getFirst();

            long stopping = System.nanoTime();
            master.signal("TERM");
            master.awaitLine(Pattern.compile("pid " + worker + " ignoring SIGTERM$"), Duration.ofSeconds(5));
            master.awaitLine(Pattern.compile("worker 0 \\(pid " + worker
                    + "\\) did not stop within 2s: killed \\(SIGKILL\\)$"), Duration.ofSeconds(10));
            assertEquals(0, master.awaitExit(Duration.ofSeconds(5)), master.output());
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);

            assertTrue(took.compareTo(Duration.ofMillis(1_900)) >= 0, "stopped after only " + took + master.output());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "stopped only after " + took + master.output());
            assertFalse(Procs.alive(worker), "the worker survived");
            master.awaitLine(Pattern.compile("worker 0 \\(pid " + worker + "\\) stopped with signal 9"), Duration.ZERO);
        }
    }

    @Test
    void sigintTakesDownMasterWorkersAndGuardWithinOneSecond() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0")) {
            List<Long> workers = master.listeningPids();
            awaitAccepting(master, workers);
            List<Long> cluster = new ArrayList<>(workers);
            cluster.add(master.guardPid());
            cluster.add(master.pid());

            master.signal("INT");

            assertTrue(Await.within(Duration.ofSeconds(1), () -> cluster.stream().noneMatch(Procs::alive)),
                    () -> "alive 1 s after SIGINT:" + MasterProcess.describe(cluster.stream().filter(Procs::alive).toList())
                            + master.output());
            assertEquals(1, master.awaitExit(Duration.ofSeconds(1)), master.output());
            assertTrue(master.remaining().isEmpty(), () -> "left behind:" + MasterProcess.describe(master.remaining()));
        }
    }

    /** Waits until every worker of {@code pids} has said that it accepts. */
    static void awaitAccepting(MasterProcess master, List<Long> pids) {
        for (long pid : pids) {
            master.awaitLine(InheritedHttpWorker.accepting(pid), SERVE_TIMEOUT);
        }
    }
}
