package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RELOAD_FINISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker takes traffic only once it is proven, with real masters and workers: a {@code READY=1}
 * sent the instant a worker starts, from behind an exec wrapper, is never lost; a reload starts no
 * more new workers at a time than its surge; the newest of two quick reloads is the one that goes
 * live.
 */
@Timeout(180)
class ReadinessIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anImmediateReadyFromBehindAnExecWrapperIsNeverLost() {
        Path python = ReloadBuilds.python().orElse(null);
        assumeTrue(python != null, "python3 is not on PATH");
        // sh execs python, which says READY=1 before anything else, then idles.
        Path script = ReloadBuilds.writeScript(ReloadBuilds.directory("exec-ready").resolve("worker.sh"),
                "exec " + ReloadBuilds.quote(python) + " -c " + ReloadBuilds.quote(String.join("\n",
                        "import os, socket, time",
                        "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', os.environ['NOTIFY_SOCKET'])",
                        "time.sleep(600)")));
        try (MasterProcess master = MasterProcess.run(List.of(script.toString()),
                "-w", "2", "-p", "0", "--ready-when", "ready", "--ready-timeout", "5s")) {
            master.awaitReady(master.startedPids(), WAIT);
            for (int generation = 1; generation <= 3; generation++) {
                int mark = master.mark();
                master.signal("USR2");
                ReloadLog.awaitServing(master, mark, generation, WAIT);
            }
            assertEquals(List.of(), master.events(EventMatch.of(KILLING)), "no worker was killed as not ready" + master.output());
            assertEquals(8, master.events(EventMatch.of(READY)).size(), "every one of the 8 starts was ready" + master.output());
        }
    }

    @Test
    void aReloadStartsNoMoreNewWorkersAtATimeThanItsSurge() {
        try (MasterProcess master = MasterProcess.run(List.of("sleep", "600"),
                "-w", "4", "-p", "0", "--reload-surge", "1", "--ready-after", "500ms")) {
            master.awaitReady(master.startedPids(), WAIT);
            int mark = master.mark();
            master.signal("USR2");
            ReloadLog.awaitServing(master, mark, 1, WAIT);
            List<MasterEvent> timeline = master.eventsAfter(mark).stream()
                    .filter(e -> (e.kind() == FORK || e.kind() == READY) && e.generation() == 1).toList();
            int starting = 0;
            for (MasterEvent event : timeline) {
                starting += event.kind() == FORK ? 1 : -1;
                assertTrue(starting <= 1, "two new workers starting at once: " + timeline);
            }
            assertEquals(4, timeline.stream().filter(e -> e.kind() == FORK).count(), timeline.toString());
        }
    }

    @Test
    void theNewestOfTwoQuickReloadsIsTheOneThatGoesLive() {
        try (MasterProcess master = MasterProcess.run(List.of("sleep", "600"),
                "-w", "2", "-p", "0", "--reload-surge", "1", "--ready-after", "1s")) {
            master.awaitReady(master.startedPids(), WAIT);
            int mark = master.mark();
            master.signal("USR2");
            master.awaitEventAfter(mark, ReloadLog.reloadStarted(1), WAIT);
            master.signal("USR2");
            master.awaitEventAfter(mark, EventMatch.of(RELOAD_FINISHED), WAIT);
            assertEquals(List.of(2), master.eventsAfter(mark, EventMatch.of(RELOAD_FINISHED)).stream()
                    .map(MasterEvent::generation).toList(), "only generation 2 went live" + master.output());
            assertTrue(master.eventsAfter(mark, EventMatch.of(READY)).stream().noneMatch(e -> e.generation() == 1),
                    "no worker of generation 1 took traffic" + master.output());
        }
    }
}
