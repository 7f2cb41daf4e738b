package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** scale, reload, restart, stop and kill through the command line, each checked in status and /proc. */
@Timeout(60)
class ControlCommandsIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> SLEEPER = List.of("sh", "-c", "exec sleep 120");

    @Test
    void scaleReloadRestartThenStop() {
        try (MasterProcess master = MasterProcess.run(SLEEPER, "-w", "2", "-p", "0", "--timeout", "5s")) {
            Path xdg = master.runtimeDirectory();
            Path socket = ControlWire.socket(xdg, "default");
            master.startedPids();
            Await.until(WAIT, "two ready workers", () -> ControlStatus.ask(socket).settled(2));

            assertEquals(List.of("scaling from 2 to 5 workers"), ControlCli.ok(xdg, "scale", "5").lines());
            ControlStatus five = await(socket, 5);
            assertEquals(5, new HashSet<>(five.pids()).size());
            five.pids().forEach(pid -> assertEquals(master.pid(), Procs.ppid(pid), "worker " + pid + " of the master"));

            assertEquals(List.of("scaling from 5 to 1 workers"), ControlCli.ok(xdg, "scale", "1").lines());
            ControlStatus one = await(socket, 1);
            Set<Long> retired = new HashSet<>(five.pids());
            retired.removeAll(one.pids());
            assertEquals(4, retired.size());
            Await.until(WAIT, "the retired workers gone", () -> retired.stream().noneMatch(Procs::alive));

            assertTrue(ControlCli.ok(xdg, "reload").stdout().startsWith("reloading"));
            ControlStatus reloaded = Await.value(WAIT, () -> "generation 1 serving", () -> {
                ControlStatus now = ControlStatus.ask(socket);
                return now.generation() == 1 && now.settled(1) ? now : null;
            });
            Await.until(WAIT, "the generation 0 worker gone", () -> !Procs.alive(one.pids().getFirst()));

            assertTrue(ControlCli.ok(xdg, "restart").stdout().startsWith("restarting"));
            ControlStatus restarted = Await.value(WAIT, () -> "generation 2 serving", () -> {
                ControlStatus now = ControlStatus.ask(socket);
                return now.generation() == 2 && now.settled(1) ? now : null;
            });
            assertFalse(restarted.pids().contains(reloaded.pids().getFirst()));

            ControlCli.Result stop = ControlCli.ok(xdg, "stop");
            assertEquals(List.of("stopping: workers drain; those still running in 5s are killed", "stopped, exit code 0"),
                    stop.lines());
            assertEquals(0, master.awaitExit(Duration.ofSeconds(5)), master.output());
            assertEquals(Set.of(), master.remaining());
            assertFalse(Files.exists(socket), "the control socket is removed");
        }
    }

    @Test
    void killStopsEverythingAtOnce() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"),
                "-w", "2", "-p", "0")) {
            Path socket = ControlWire.socket(master.runtimeDirectory(), "default");
            List<Long> workers = master.startedPids();
            Await.until(WAIT, "two ready workers", () -> ControlStatus.ask(socket).settled(2));

            ControlCli.Result kill = ControlCli.ok(master.runtimeDirectory(), "kill");
            assertEquals(List.of("killing every worker", "stopped, exit code 1"), kill.lines());
            assertEquals(1, master.awaitExit(WAIT), master.output());
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(MasterEvent.Kind.SHUTDOWN), Duration.ZERO);
            assertEquals(List.of(false, "kill command"), List.of(shutdown.fields().get("graceful"), shutdown.text("by")),
                    shutdown.toString());
            // Workers that ignore SIGTERM are gone all the same: killed, not asked.
            ShutdownIT.assertKilledAsAsked(master, workers, "kill command");
            assertTrue(Await.within(WAIT, () -> master.remaining().isEmpty()),
                    () -> "left after kill:" + MasterProcess.describe(master.remaining()));
        }
    }

    @Test
    void withNoMasterRunningTheCommandsSaySoInOneLine(@TempDir Path xdg) {
        for (String command : List.of("status", "reload", "restart", "stop", "kill")) {
            ControlCli.Result result = ControlCli.run(xdg, command);
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertEquals("clusterflock: no cluster named 'default' is running (no control socket at "
                    + xdg.resolve("clusterflock/default/control.sock") + ")\n", result.stderr());
        }
        ControlCli.Result named = ControlCli.run(xdg, "scale", "3", "--name", "web");
        assertEquals("clusterflock: no cluster named 'web' is running (no control socket at "
                + xdg.resolve("clusterflock/web/control.sock") + ")\n", named.stderr());
    }

    @Test
    void aBadWorkerCountIsRefusedInOneLine(@TempDir Path xdg) {
        for (String n : List.of("0", "-3", "1025", "two", "2.5")) {
            ControlCli.Result result = ControlCli.run(xdg, "scale", n);
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals("clusterflock: scale: '" + n + "' is not allowed; use a whole number from 1 to 1024\n", result.stderr());
        }
        ControlCli.Result missing = ControlCli.run(xdg, "scale");
        assertEquals(2, missing.exitCode());
        assertEquals(1, missing.stderr().lines().count(), missing.toString());
    }

    private static ControlStatus await(Path socket, int workers) {
        return Await.value(WAIT, () -> workers + " ready workers, nothing else: " + ControlStatus.ask(socket), () -> {
            ControlStatus now = ControlStatus.ask(socket);
            return now.settled(workers) ? now : null;
        });
    }
}
