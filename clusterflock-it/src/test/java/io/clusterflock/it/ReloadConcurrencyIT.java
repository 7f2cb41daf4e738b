package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
                master.awaitLineAfter(mark, Pattern.compile("reload to generation 1 started$"), SIGNAL_SEEN);
                master.signal("USR2");
                master.awaitLineAfter(mark, Pattern.compile("reload to generation 2 started$"), SIGNAL_SEEN);
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
            master.awaitLineAfter(mark, Pattern.compile("reload to generation 1 started$"), SIGNAL_SEEN);
            master.signal("TTIN");
            master.awaitLineAfter(mark, Pattern.compile("resized from 2 to 3 workers$"), SIGNAL_SEEN);
            ReloadLog.awaitServing(master, mark, 1, SETTLE);

            List<ReloadLog.Fork> slot2 = ReloadLog.forks(master).stream().filter(f -> f.slot() == 2).toList();
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
            master.awaitLineAfter(mark, Pattern.compile("reload to generation 1 started$"), SIGNAL_SEEN);
            master.awaitLinesAfter(mark, MasterProcess.FORKED, 2, SIGNAL_SEEN);
            master.signal("TERM");

            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
            master.awaitLine(Pattern.compile("master stopped, exit code 0$"), Duration.ZERO);
            List<Long> workers = ReloadLog.forks(master).stream().map(ReloadLog.Fork::pid).toList();
            assertEquals(4, workers.size(), "two workers of each generation" + master.output());
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
                master.awaitLineAfter(mark, ReloadLog.RESTART_STARTED, SIGNAL_SEEN);
                ReloadLog.awaitServing(master, mark, 1, SETTLE);
                LoadWrk.Result result = load.await();
                ReloadUnderLoad.report("demo keep-alive, rolling restart", result);
                result.assertNoFailedRequest("keep-alive load across a rolling restart", master.output());
            } finally {
                load.cancel();
            }

            List<ReloadLog.Fork> forks = ReloadLog.forks(master).stream().filter(f -> f.generation() == 1)
                    .sorted(Comparator.comparingInt(ReloadLog.Fork::index)).toList();
            assertEquals(2, forks.size(), "one new worker per slot" + master.output());
            ReloadLog.Fork first = forks.get(0);
            ReloadLog.Fork second = forks.get(1);
            assertFalse(first.slot() == second.slot(), master.output());
            int firstReady = ReloadLog.indexOf(master, first.index(),
                    Pattern.compile("worker " + first.slot() + " \\(pid " + first.pid() + "\\) ready$"));
            assertTrue(firstReady > first.index() && second.index() > firstReady, "slot " + second.slot()
                    + "'s new worker forked only after slot " + first.slot() + "'s new worker was ready" + master.output());
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
            master.awaitLinesAfter(mark, ReloadLog.ENDED, 2, Duration.ofSeconds(10));
            assertTrue(maxWorkersAlive(master, mark, 2) <= 3, "never more than one extra worker" + master.output());
        }
    }

    /** Waits until the first workers are ready; returns their process group. */
    private static long awaitServing(MasterProcess master) {
        List<Long> first = master.listeningPids();
        ReloadLog.awaitReady(master, first, MasterProcess.START_TIMEOUT);
        return Procs.pgrp(first.getFirst());
    }

    /** The most worker processes alive at once from line {@code mark} on, by the log's forks and ends. */
    private static int maxWorkersAlive(MasterProcess master, int mark, int aliveAtMark) {
        int alive = aliveAtMark;
        int max = alive;
        List<MasterProcess.Line> lines = master.lines();
        for (MasterProcess.Line line : lines.subList(mark, lines.size())) {
            if (MasterProcess.FORKED.matcher(line.text()).find()) {
                max = Math.max(max, ++alive);
            } else if (ReloadLog.ENDED.matcher(line.text()).find()) {
                alive--;
            }
        }
        return max;
    }
}
