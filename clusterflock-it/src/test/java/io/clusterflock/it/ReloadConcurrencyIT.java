package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RELOAD_STARTED;
import static io.clusterflock.it.MasterEvent.Kind.RESIZED;
import static io.clusterflock.it.MasterEvent.Kind.STOPPED;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a reload does when something else happens meanwhile, and the rolling restart: a second
 * reload supersedes the first, a resize adds a slot of the new generation, a shutdown ends it all,
 * and SIGHUP replaces one slot at a time. Jetty workers (the demo), whose start takes long enough
 * for the second signal to land while the first reload is under way.
 */
@Timeout(120)
class ReloadConcurrencyIT {
    private static final Duration SIGNAL_SEEN = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void aReloadDuringAReloadEndsWithEverySlotOnTheNewestGenerationAndNothingOfTheOlderTwo() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            long group = awaitServing(master);
            LoadWrk.Run load = LoadWrk.start(master.port(), Duration.ofSeconds(8));
            try {
                int mark = master.mark();
                master.signal("USR2");
                master.awaitEventAfter(mark, ReloadLog.reloadStarted(1), SIGNAL_SEEN);
                master.signal("USR2");
                master.awaitEventAfter(mark, ReloadLog.reloadStarted(2), SIGNAL_SEEN);
                ReloadLog.awaitServing(master, mark, 2, SETTLE);
                LoadWrk.Result result = load.await();
                ReloadUnderLoad.report("demo keep-alive, two reloads back to back", result);
                result.assertNoFailedRequest("keep-alive load across two reloads back to back", master.output());
            } finally {
                load.cancel();
            }
            Map<Integer, Long> newest = ReloadUnderLoad.assertNewestEverywhere(master, group, 2, 2);
            Answers.untilEveryPid(master.port(), ReloadDrainIT.HELLO, newest.values(), SETTLE);
        }
    }

    @Test
    void aResizeDuringAReloadAddsASlotOfTheNewGeneration() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            long group = awaitServing(master);
            int mark = master.mark();
            master.signal("USR2");
            master.awaitEventAfter(mark, ReloadLog.reloadStarted(1), SIGNAL_SEEN);
            master.signal("TTIN");
            master.awaitEventAfter(mark, EventMatch.of(RESIZED).with("from", 2).with("workers", 3), SIGNAL_SEEN);
            ReloadLog.awaitServing(master, mark, 1, SETTLE);

            List<MasterEvent> slot2 = ReloadLog.forks(master).stream().filter(f -> f.slot() == 2).toList();
            assertEquals(1, slot2.size(), "forks of the new slot" + master.output());
            assertEquals(1, slot2.getFirst().generation(), "the new slot's generation" + master.output());
            Map<Integer, Long> newest = ReloadUnderLoad.assertNewestEverywhere(master, group, 1, 3);
            Answers.untilEveryPid(master.port(), ReloadDrainIT.HELLO, newest.values(), SETTLE);
        }
    }

    @Test
    void aShutdownDuringAReloadExitsZeroAndLeavesNothing() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "-t", "3s")) {
            awaitServing(master);
            int mark = master.mark();
            master.signal("USR2");
            master.awaitEventAfter(mark, ReloadLog.reloadStarted(1), SIGNAL_SEEN);
            master.awaitEventsAfter(mark, EventMatch.of(FORK), 2, SIGNAL_SEEN);
            master.signal("TERM");

            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
            assertEquals(0, master.awaitEvent(EventMatch.of(STOPPED), Duration.ZERO).number("exitCode"));
            List<Long> workers = ReloadLog.forks(master).stream().map(MasterEvent::pid).toList();
            assertEquals(4, workers.size(), "two workers of each generation" + master.output());
            for (long worker : workers) {
                MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, worker), Duration.ZERO);
                assertTrue(exit.expected(), "every worker ended as asked: " + exit + master.output());
            }
            assertEquals(List.of(), workers.stream().filter(Procs::alive).toList(), "workers alive after the master exited");
            // Timeout + 1 s + slack for the guard: see ShutdownIT on Master.release() racing System.exit.
            assertTrue(Await.within(Duration.ofSeconds(3 + 1 + 2), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()) + master.output());
        }
    }

    @Test
    void aRollingRestartReplacesOneSlotAtATime() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            long group = awaitServing(master);
            LoadWrk.Run load = LoadWrk.start(master.port(), Duration.ofSeconds(10));
            try {
                int mark = master.mark();
                master.signal("HUP");
                MasterEvent started = master.awaitEventAfter(mark, EventMatch.of(RELOAD_STARTED), SIGNAL_SEEN);
                assertEquals(List.of(1L, true), List.of(started.number("generation"), started.fields().get("rolling")),
                        started.toString());
                ReloadLog.awaitServing(master, mark, 1, SETTLE);
                LoadWrk.Result result = load.await();
                ReloadUnderLoad.report("demo keep-alive, rolling restart", result);
                result.assertNoFailedRequest("keep-alive load across a rolling restart", master.output());
            } finally {
                load.cancel();
            }

            List<MasterEvent> forks = ReloadLog.forks(master).stream().filter(f -> f.generation() == 1).toList();
            assertEquals(2, forks.size(), "one new worker per slot" + master.output());
            MasterEvent first = forks.get(0);
            MasterEvent second = forks.get(1);
            assertFalse(first.slot() == second.slot(), master.output());
            MasterEvent firstReady = master.awaitEvent(EventMatch.about(READY, first.pid()), Duration.ZERO);
            assertTrue(firstReady.line() > first.line() && second.line() > firstReady.line(), "slot " + second.slot()
                    + "'s new worker forked only after slot " + first.slot() + "'s new worker was ready" + master.output());
            for (long old : ReloadLog.pidsOlderThan(master, 1)) {
                MasterEvent stopping = master.awaitEvent(EventMatch.about(STOPPING, old), Duration.ZERO);
                assertEquals(List.of("restart", 1L), List.of(stopping.cause(), stopping.number("toGeneration")),
                        stopping.toString());
            }
            ReloadUnderLoad.assertNewestEverywhere(master, group, 1, 2);
        }
    }

    @Test
    void aRollingRestartNeverRunsMoreThanOneExtraWorker() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "-t", "3s")) {
            awaitServing(master);
            int mark = master.mark();
            master.signal("HUP");
            ReloadLog.awaitServing(master, mark, 1, SETTLE);
            master.awaitEventsAfter(mark, EventMatch.of(EXIT), 2, SETTLE);
            assertTrue(maxWorkersAlive(master, mark, 2) <= 3, "never more than one extra worker" + master.output());
        }
    }

    /** Waits until the first workers are ready; returns their process group. */
    private static long awaitServing(MasterProcess master) {
        List<Long> first = master.startedPids();
        master.awaitReady(first, MasterProcess.START_TIMEOUT);
        return Procs.pgrp(first.getFirst());
    }

    /** The most worker processes alive at once from line {@code mark} on, by the master's forks and exits. */
    private static int maxWorkersAlive(MasterProcess master, int mark, int aliveAtMark) {
        int alive = aliveAtMark;
        int max = alive;
        for (MasterEvent event : master.eventsAfter(mark)) {
            if (event.kind() == FORK) {
                max = Math.max(max, ++alive);
            } else if (event.kind() == EXIT) {
                alive--;
            }
        }
        return max;
    }
}
