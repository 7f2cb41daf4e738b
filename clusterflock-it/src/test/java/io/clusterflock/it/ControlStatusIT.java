package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code clusterflock status}: the master, and a row per worker that matches the log and /proc. */
@Timeout(60)
class ControlStatusIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern ROW = Pattern.compile(
            "^(\\d+)\\s+(\\d+|-)\\s+(\\d+)\\s+(starting|ready|draining|backing off for \\S+)\\s+(\\S+)\\s+(\\d+)\\s+(\\S+(?: \\S*B)?)\\s+(\\S+(?: \\S*B)?)\\s+(\\S+)\\s+(.+)$");

    @Test
    void statusShowsEveryWorkerAsTheLogAndProcSeeIt() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exec sleep 120"), "-w", "3", "-p", "0",
                "--respawn-delay", "3s", "--respawn-delay-max", "3s")) {
            List<Long> logged = master.startedPids();
            Path xdg = master.runtimeDirectory();
            Await.until(WAIT, "three ready workers", () -> ControlStatus.ask(socket(master)).settled(3));

            ControlCli.Result status = ControlCli.ok(xdg, "status");
            List<String> lines = status.lines();
            assertTrue(lines.getFirst().matches("cluster 'default': master pid " + master.pid()
                    + ", up \\d+s, listening on \\*:" + master.port() + ", generation 0, 3 workers"), status.toString());
            assertEquals("SLOT  PID", lines.get(1).substring(0, 9));
            assertEquals(5, lines.size(), status.toString());
            for (int slot = 0; slot < 3; slot++) {
                var row = ROW.matcher(lines.get(2 + slot));
                assertTrue(row.matches(), lines.get(2 + slot));
                long pid = Long.parseLong(row.group(2));
                assertEquals(Integer.toString(slot), row.group(1));
                assertEquals(logged.get(slot), pid, "slot " + slot + " of " + status);
                assertEquals(master.pid(), Procs.ppid(pid), "worker " + pid + " is the master's child");
                assertTrue(Procs.alive(pid));
                assertEquals("0", row.group(3));
                assertEquals("ready", row.group(4));
                assertEquals("0", row.group(6), "restarts");
                assertTrue(row.group(7).matches("\\d+(\\.\\d)? (KiB|MiB)"), "rss " + row.group(7));
                assertEquals("-", row.group(8), "heap: sleep is no JVM");
                assertEquals("-", row.group(9), "requests: sleep does not count them");
                assertEquals("-", row.group(10), "last exit");
            }

            // A slot whose worker died waits out its respawn delay: a row without a pid, and why.
            long victim = logged.get(1);
            int mark = master.mark();
            assertTrue(Kill.signal(victim, "KILL"));
            ControlStatus backingOff = Await.value(WAIT, () -> "slot 1 backing off" + master.output(), () -> {
                ControlStatus now = ControlStatus.ask(socket(master));
                return now.rows().stream().anyMatch(r -> r.slot() == 1 && r.state().equals("backing off")) ? now : null;
            });
            ControlStatus.Row slot1 = backingOff.rows().get(1);
            assertEquals(null, slot1.pid());
            assertEquals(1, slot1.restarts());
            assertEquals(Map.of("code", "null", "signal", "9", "signalName", "KILL", "cause", "unexpected", "expected", "false",
                    "reason", "exited unexpectedly", "generation", "0"), stringValues(slot1.lastExit()));
            String text = ControlCli.ok(xdg, "status").lines().get(3);
            assertTrue(text.matches("1\\s+-\\s+0\\s+backing off for \\d(\\.\\d)?s\\s+-\\s+1\\s+-\\s+-\\s+-\\s+SIGKILL \\(exited unexpectedly\\)"),
                    text);

            long respawned = master.awaitFork(1, mark, WAIT);
            Await.until(WAIT, "slot 1 ready again", () -> ControlStatus.ask(socket(master)).settled(3));
            ControlStatus after = ControlStatus.ask(socket(master));
            assertEquals(List.of(logged.get(0), respawned, logged.get(2)), after.pids());
            assertNotEquals(victim, respawned);
            assertEquals(1, after.rows().get(1).restarts());
        }
    }

    @Test
    void statusJsonIsOneObjectWithTheSamePids() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exec sleep 120"), "-w", "3", "-p", "0",
                "--name", "json")) {
            List<Long> logged = master.startedPids();
            Path socket = ControlWire.socket(master.runtimeDirectory(), "json");
            Await.until(WAIT, "three ready workers", () -> ControlStatus.ask(socket).settled(3));

            ControlCli.Result result = ControlCli.ok(master.runtimeDirectory(), "status", "--json", "--name", "json");
            assertEquals(1, result.lines().size(), result.toString());
            ControlStatus status = ControlStatus.of(result.stdout());
            assertEquals(logged, status.pids());
            assertEquals(master.pid(), (long) (Long) status.master().get("pid"));
            assertEquals("json", status.master().get("name"));
            assertEquals((long) master.port(), status.master().get("port"));
            assertEquals("*:" + master.port(), status.master().get("listening"));
            assertEquals(List.of("ready", "ready", "ready"), status.rows().stream().map(ControlStatus.Row::state).toList());
            Map<String, Object> first = ControlJson.object(ControlJson.array(ControlJson.object(ControlJson.parse(result.stdout()))
                    .get("workers")).getFirst());
            assertEquals(List.of("slot", "pid", "generation", "state", "ending", "respawnInMillis", "uptimeMillis", "restarts",
                    "rssBytes", "heapLimitBytes", "requests", "lastExit"), List.copyOf(first.keySet()));
            assertTrue((Long) first.get("rssBytes") > 0);
            assertEquals(null, first.get("heapLimitBytes"), "sleep is no JVM");
        }
    }

    private static Path socket(MasterProcess master) {
        return ControlWire.socket(master.runtimeDirectory(), "default");
    }

    private static Map<String, String> stringValues(Map<String, Object> map) {
        return map.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }
}
