package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RELOAD_FAILED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Replace the build, send USR2" with a bad build (docs/DEPLOYING.md step 3): the worker command
 * is a script the test rewrites between reloads. A new generation that crashes, or that never
 * says READY=1 within --ready-timeout, makes the reload give up; the serving generation stays and
 * no request fails; once the build is fixed, the next USR2 reloads. The reloads turn both slots at
 * once (--reload-surge 2), so the broken build is tried in every slot.
 */
@Timeout(180)
class ReloadBrokenBuildIT {
    private static final Pattern ANSWER = Pattern.compile("^python worker (\\d+) pid (\\d+)$");
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void reloadToABuildThatCrashesGivesUpTheServingGenerationStaysAndTheFixedBuildReloads() {
        Path script = goodBuild();
        try (MasterProcess master = MasterProcess.run(List.of(script.toString()),
                "-w", "2", "-p", "0", "--ready-when", "ready", "--reload-surge", "2")) {
            MasterEvent failedStart = reloadToABrokenBuildThenFixIt(master, script,
                    "echo 'worker.sh: this build is broken' >&2\nexit 1");
            assertEquals(List.of("exit", "unexpected", false, 1L), List.of(failedStart.fields().get("event"),
                    failedStart.cause(), failedStart.expected(), failedStart.fields().get("code")), failedStart.toString());
        }
    }

    @Test
    void underTheDefaultReadinessAReloadToABuildThatCrashesGivesUpToo() {
        Path script = goodBuild();
        try (MasterProcess master = MasterProcess.run(List.of(script.toString()), "-w", "2", "-p", "0", "--reload-surge", "2")) {
            // No --ready-when: a worker is proven by saying READY=1 or by staying up --ready-after.
            // A surge of 2 turns both slots at once, so that each forks a worker of the broken build.
            MasterEvent failedStart = reloadToABrokenBuildThenFixIt(master, script, "exit 3");
            assertEquals(List.of("unexpected", 3L), List.of(failedStart.cause(), failedStart.fields().get("code")),
                    failedStart.toString());
        }
    }

    @Test
    void reloadToABuildThatNeverGetsReadyGivesUpAtTheReadyTimeout() {
        Path script = goodBuild();
        try (MasterProcess master = MasterProcess.run(List.of(script.toString()),
                "-w", "2", "-p", "0", "--ready-when", "ready", "--ready-timeout", "3s",
                "--reload-surge", "2")) {
            // It starts, holds the socket, never accepts and never says READY=1.
            MasterEvent failedStart = reloadToABrokenBuildThenFixIt(master, script, "exec sleep 60");
            assertEquals(List.of("exit", "not-ready", 3_000L, "KILL"), List.of(failedStart.fields().get("event"),
                    failedStart.cause(), failedStart.number("readyTimeoutMillis"), failedStart.text("signal")),
                    failedStart.toString());
            List<MasterEvent> killed = master.events(EventMatch.of(KILLING));
            assertEquals(List.of(1, 1), killed.stream().map(MasterEvent::generation).toList(),
                    "both workers of the build that never got ready were killed" + master.output());
            assertTrue(killed.stream().allMatch(e -> e.cause().equals("not-ready") && e.number("readyTimeoutMillis") == 3_000),
                    "at the ready timeout: " + killed);
        }
    }

    /** The script of the good build: {@code exec python3 server.py}. */
    private static Path goodBuild() {
        Path python = ReloadBuilds.python().orElse(null);
        assumeTrue(python != null, "python3 is not on PATH");
        Path script = ReloadBuilds.directory("build").resolve("worker.sh");
        return ReloadBuilds.writeScript(script, goodBody(python));
    }

    private static String goodBody(Path python) {
        return "exec " + ReloadBuilds.quote(python) + " " + ReloadBuilds.quote(ReloadBuilds.pythonServer());
    }

    /**
     * Under wrk load: swaps in {@code brokenBody}, reloads, expects the reload to give up with the
     * serving workers untouched; then swaps the good build back in and expects the next reload
     * (generation 2) to serve on every slot.
     *
     * @return the exit of the broken build's worker that made the reload give up
     */
    private static MasterEvent reloadToABrokenBuildThenFixIt(MasterProcess master, Path script, String brokenBody) {
        int port = master.port();
        List<Long> serving = master.startedPids();
        master.awaitReady(serving, SERVE_TIMEOUT);
        long group = Procs.pgrp(serving.getFirst());

        LoadWrk.Run load = LoadWrk.start(port, Duration.ofSeconds(10));
        MasterEvent failedStart;
        try {
            int broken = master.mark();
            ReloadBuilds.writeScript(script, brokenBody);
            master.signal("USR2");
            MasterEvent gaveUp = master.awaitEventAfter(broken, EventMatch.of(RELOAD_FAILED), SERVE_TIMEOUT);
            assertEquals(List.of(1, 0L, "warning"), List.of(gaveUp.generation(), gaveUp.number("serving"), gaveUp.level()),
                    "generation 1 gave up, generation 0 serves on" + gaveUp + master.output());
            // What made it give up: a worker of generation 1 that ended before it was ever ready. (Its exit
            // event follows the reload-failed event: the master gives up before it reports the exit.)
            failedStart = master.awaitEventAfter(broken, EventMatch.of(EXIT), SERVE_TIMEOUT);
            assertEquals(1, failedStart.generation(), "the first exit after the reload" + master.output());
            assertEquals(List.of(), master.eventsAfter(broken, EventMatch.of(READY)), "a worker of the broken build ready"
                    + master.output());

            Map<Integer, Long> brokenWorkers = ReloadLog.workersOf(master, 1);
            assertEquals(2, brokenWorkers.size(), "a worker of the broken build per slot" + master.output());
            ReloadLog.awaitGone(master, brokenWorkers.values(), Duration.ofSeconds(10), "the broken build's workers gone");
            assertEquals(List.of(), serving.stream().filter(pid -> !Procs.alive(pid)).toList(),
                    "serving workers that died with the failed reload" + master.output());
            Answers.untilEveryPid(port, ANSWER, serving, SERVE_TIMEOUT);

            int fixed = master.mark();
            ReloadBuilds.writeScript(script, goodBody(ReloadBuilds.python().orElseThrow()));
            master.signal("USR2");
            master.awaitEventAfter(fixed, ReloadLog.reloadStarted(2), SERVE_TIMEOUT);
            ReloadLog.awaitServing(master, fixed, 2, SERVE_TIMEOUT);

            LoadWrk.Result result = load.await();
            ReloadUnderLoad.report("python keep-alive, broken build then fixed", result);
            result.assertNoFailedRequest("keep-alive load across a failed and a good reload", master.output());
        } finally {
            load.cancel();
        }
        assertEquals(2, ReloadLog.forks(master).stream().filter(f -> f.generation() == 1).count(),
                "the broken build was forked once per slot and never re-forked" + master.output());
        Map<Integer, Long> newest = ReloadUnderLoad.assertNewestEverywhere(master, group, 2, 2);
        Answers.untilEveryPid(port, ANSWER, newest.values(), SERVE_TIMEOUT);
        return failedStart;
    }
}
