package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Replace the build, send USR2" with a bad build (docs/DEPLOYING.md step 3): the worker command
 * is a script the test rewrites between reloads. A new generation that crashes, or that never
 * says READY=1 within --ready-timeout, makes the reload give up; the serving generation stays and
 * no request fails; once the build is fixed, the next USR2 reloads.
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
                "-w", "2", "-p", "0", "--ready-when", "ready")) {
            reloadToABrokenBuildThenFixIt(master, script, "echo 'worker.sh: this build is broken' >&2\nexit 1",
                    "worker [01] \\(pid \\d+\\) of generation 1 exited with code 1 before it was ready");
        }
    }

    @Test
    void reloadToABuildThatNeverGetsReadyGivesUpAtTheReadyTimeout() {
        Path script = goodBuild();
        try (MasterProcess master = MasterProcess.run(List.of(script.toString()),
                "-w", "2", "-p", "0", "--ready-when", "ready", "--ready-timeout", "3s")) {
            // It starts, holds the socket, never accepts and never says READY=1.
            reloadToABrokenBuildThenFixIt(master, script, "exec sleep 60",
                    "worker [01] \\(pid \\d+\\) of generation 1 was killed: not ready within 3s before it was ready");
            assertEquals(2, master.matches(Pattern.compile("worker [01] \\(pid \\d+\\) was not ready within 3s: killing it$"))
                    .size(), "both workers of the build that never got ready were killed at the ready timeout" + master.output());
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
     * Under wrk load: swaps in {@code brokenBody}, reloads, expects the reload to give up for
     * {@code reason} with the serving workers untouched; then swaps the good build back in and
     * expects the next reload (generation 2) to serve on every slot.
     */
    private static void reloadToABrokenBuildThenFixIt(MasterProcess master, Path script, String brokenBody,
                                                     String reason) {
        int port = master.port();
        List<Long> serving = master.listeningPids();
        ReloadLog.awaitReady(master, serving, SERVE_TIMEOUT);
        long group = Procs.pgrp(serving.getFirst());

        LoadWrk.Run load = LoadWrk.start(port, Duration.ofSeconds(10));
        try {
            int broken = master.mark();
            ReloadBuilds.writeScript(script, brokenBody);
            master.signal("USR2");
            Matcher gaveUp = master.awaitLineAfter(broken, ReloadLog.GAVE_UP, SERVE_TIMEOUT);
            assertEquals("1", gaveUp.group(1), master.output());
            assertTrue(gaveUp.group(2).matches(reason), "the reason given: '" + gaveUp.group(2) + "', expected /"
                    + reason + "/" + master.output());

            Map<Integer, Long> brokenWorkers = ReloadLog.workersOf(master, 1);
            assertEquals(2, brokenWorkers.size(), "a worker of the broken build per slot" + master.output());
            ReloadLog.awaitGone(master, brokenWorkers.values(), Duration.ofSeconds(10), "the broken build's workers gone");
            assertEquals(List.of(), serving.stream().filter(pid -> !Procs.alive(pid)).toList(),
                    "serving workers that died with the failed reload" + master.output());
            Answers.untilEveryPid(port, ANSWER, serving, SERVE_TIMEOUT);

            int fixed = master.mark();
            ReloadBuilds.writeScript(script, goodBody(ReloadBuilds.python().orElseThrow()));
            master.signal("USR2");
            master.awaitLineAfter(fixed, Pattern.compile("reload to generation 2 started$"), SERVE_TIMEOUT);
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
    }
}
