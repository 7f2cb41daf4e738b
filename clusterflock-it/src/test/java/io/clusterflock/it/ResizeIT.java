package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTTIN adds a worker in the lowest free slot; SIGTTOU retires the least recently forked one. */
@Timeout(120)
class ResizeIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void ttinGrowsTwoToThreeAndTtouRetiresTheLeastRecentlyForked() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0")) {
            int port = master.port();
            long first0 = master.awaitFork(0, 0, SERVE_TIMEOUT);
            long worker1 = master.awaitFork(1, 0, SERVE_TIMEOUT);
            ShutdownIT.awaitAccepting(master, List.of(first0, worker1));

            // Re-fork slot 0 so that worker 1 is the least recently forked: TTOU must take it.
            int killed = master.mark();
            assertTrue(Kill.signal(first0, "KILL"));
            long worker0 = master.awaitFork(0, killed, SERVE_TIMEOUT);
            master.awaitLine(InheritedHttpWorker.accepting(worker0), SERVE_TIMEOUT);

            int grown = master.mark();
            master.signal("TTIN");
            master.awaitLineAfter(grown, Pattern.compile("resized from 2 to 3 workers$"), Duration.ofSeconds(10));
            long worker2 = master.awaitFork(2, grown, Duration.ofSeconds(10));
            Answers.untilEveryPid(port, InheritedHttpWorker.ANSWER, List.of(worker0, worker1, worker2), SERVE_TIMEOUT);

            int shrunk = master.mark();
            master.signal("TTOU");
            master.awaitLineAfter(shrunk, Pattern.compile("resized from 3 to 2 workers$"), Duration.ofSeconds(10));
            master.awaitLineAfter(shrunk, Pattern.compile("worker 1 \\(pid " + worker1 + "\\) stopping \\(SIGTERM\\)"),
                    Duration.ofSeconds(10));
            master.awaitLineAfter(shrunk, Pattern.compile("worker 1 \\(pid " + worker1 + "\\) stopped with "),
                    Duration.ofSeconds(15));

            assertFalse(Procs.alive(worker1), "the retired worker is still running");
            assertTrue(Procs.alive(worker0) && Procs.alive(worker2), "a remaining worker died" + master.output());
            assertEquals(List.of(), master.matchesAfter(shrunk, MasterProcess.FORKED), "a retired slot was re-forked");
            assertEquals(List.of(worker1), master.matchesAfter(shrunk,
                    Pattern.compile("worker \\d+ \\(pid (\\d+)\\) (stopping|exited|stopped)")).stream()
                    .map(m -> Long.parseLong(m.group(1))).distinct().toList(), "only worker 1 left" + master.output());
            for (int i = 0; i < 6; i++) {
                Answers.Worker answer = Answers.ask(port, InheritedHttpWorker.ANSWER);
                assertTrue(Set.of(worker0, worker2).contains(answer.pid()), "answered by " + answer);
            }
        }
    }
}
