package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.SHUTDOWN;
import static io.clusterflock.it.MasterEvent.Kind.STOPPED;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static io.clusterflock.it.MasterEvent.Kind.STOP_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTERM drains, SIGINT kills at once; either way nothing of the cluster stays, and the events say why each worker ended. */
@Timeout(120)
class ShutdownIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void sigtermLetsAnInFlightRequestFinishThenNoProcessOfTheClusterRemains() throws Exception {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0", "--timeout", "4s")) {
            int port = master.port();
            List<Long> workers = master.startedPids();
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
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(SHUTDOWN), Duration.ZERO);
            assertEquals(List.of(true, "SIGTERM"), List.of(shutdown.fields().get("graceful"), shutdown.text("by")), shutdown.toString());
            assertEquals(0, master.awaitEvent(EventMatch.of(STOPPED), Duration.ZERO).number("exitCode"));
            for (long worker : workers) {
                assertFalse(Procs.alive(worker), "worker " + worker + " outlived the master" + master.output());
                MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, worker), Duration.ZERO);
                // (A JVM that exits on SIGTERM says 143: that is the fixture's business, the cause is the master's.)
                assertEquals(List.of("shutdown", true, "info"), List.of(exit.cause(), exit.expected(), exit.level()),
                        "drained and stopped as asked: " + exit + master.output());
                assertEquals(Optional.empty(), exit.millis("respawnInMillis"), "no re-fork while shutting down: " + exit);
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
            List<Long> workers = master.startedPids();
            awaitAccepting(master, workers);
            long worker = workers.getFirst();

            master.signal("TERM");
            master.awaitLine(Pattern.compile("pid " + worker + " ignoring SIGTERM$"), Duration.ofSeconds(10));
            MasterEvent stopping = master.awaitEvent(EventMatch.about(STOPPING, worker), Duration.ofSeconds(10));
            MasterEvent timedOut = master.awaitEvent(EventMatch.about(STOP_TIMEOUT, worker), Duration.ofSeconds(30));
            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());

            assertEquals(2_000, timedOut.number("timeoutMillis"), timedOut.toString());
            assertTrue(timedOut.since(stopping).compareTo(Duration.ofMillis(2_000 - 50)) >= 0,
                    "killed " + timedOut.since(stopping).toMillis() + " ms after it was asked to stop, before its 2 s"
                            + master.output());
            assertFalse(Procs.alive(worker), "the worker survived");
            MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, worker), Duration.ZERO);
            assertEquals(List.of("KILL", "shutdown", true), List.of(exit.text("signal"), exit.cause(), exit.expected()),
                    "killed at the timeout of the shutdown it was asked for: " + exit + master.output());
        }
    }

    /**
     * SIGINT kills every worker at once (SIGKILL, no drain: the stop timeout of 60 s never comes
     * into it), reports each as an exit the master asked for, at info level, and leaves nothing.
     */
    @Test
    void sigintKillsEveryWorkerAtOnceAndReportsEachAsAnExpectedKill() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0", "--timeout", "60s")) {
            List<Long> workers = master.startedPids();
            awaitAccepting(master, workers);
            List<Long> cluster = new ArrayList<>(workers);
            cluster.add(master.guardPid());

            master.signal("INT");

            assertEquals(1, master.awaitExit(Duration.ofSeconds(30)), master.output());
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(SHUTDOWN), Duration.ZERO);
            assertEquals(List.of(false, "SIGINT"), List.of(shutdown.fields().get("graceful"), shutdown.text("by")), shutdown.toString());
            assertKilledAsAsked(master, workers, "SIGINT");
            assertEquals(1, master.awaitEvent(EventMatch.of(STOPPED), Duration.ZERO).number("exitCode"));
            assertTrue(Await.within(Duration.ofSeconds(10), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()) + master.output());
            assertEquals(List.of(), cluster.stream().filter(Procs::alive).toList(), "alive after the master's SIGINT");
        }
    }

    /** A master started with INT and HUP ignored (a background job, nohup) still takes them over. */
    @Test
    void aMasterStartedWithSigintIgnoredStillTakesIt() throws Exception {
        try (MasterProcess master = MasterProcess.runWithSignalsIgnored(List.of("sleep", "60"), "-w", "1", "-p", "0")) {
            List<Long> workers = master.startedPids();
            master.awaitReady(workers, Duration.ofSeconds(30));
            master.signal("HUP");
            master.awaitEvent(EventMatch.of(MasterEvent.Kind.RELOAD_STARTED), Duration.ofSeconds(30));
            master.signal("INT");
            assertEquals(1, master.awaitExit(Duration.ofSeconds(30)), master.output());
            assertEquals("SIGINT", master.awaitEvent(EventMatch.of(SHUTDOWN), Duration.ZERO).text("by"));
        }
    }

    /**
     * Each of {@code workers} got a {@code killing} event and then ended by SIGKILL in an {@code exit}
     * event that says the master asked for it ({@code kill}, {@code by}), at info level, not re-forked;
     * no event of the shutdown is a warning.
     */
    static void assertKilledAsAsked(MasterProcess master, List<Long> workers, String by) {
        for (long worker : workers) {
            MasterEvent killing = master.awaitEvent(EventMatch.about(KILLING, worker), Duration.ZERO);
            assertEquals("kill", killing.cause(), killing.toString());
            MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, worker), Duration.ZERO);
            assertEquals(List.of("kill", true, "info", "KILL"), List.of(exit.cause(), exit.expected(), exit.level(),
                    exit.text("signal")), "an exit the master asked for: " + exit + master.output());
            assertTrue(exit.reason().contains(by), exit.toString());
            assertEquals(Optional.empty(), exit.millis("respawnInMillis"), exit.toString());
            assertTrue(killing.line() < exit.line(), master.output());
        }
        int shutdown = master.awaitEvent(EventMatch.of(SHUTDOWN), Duration.ZERO).line();
        assertEquals(List.of(), master.eventsAfter(shutdown).stream().filter(e -> !e.level().equals("info")).toList(),
                "warnings about an immediate shutdown" + master.output());
    }

    /** Waits until every worker of {@code pids} has said that it accepts. */
    static void awaitAccepting(MasterProcess master, List<Long> pids) {
        for (long pid : pids) {
            master.awaitLine(InheritedHttpWorker.accepting(pid), SERVE_TIMEOUT);
        }
    }
}
