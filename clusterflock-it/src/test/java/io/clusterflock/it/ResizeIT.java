package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.RESIZED;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
            MasterEvent resized = master.awaitEventAfter(grown, EventMatch.of(RESIZED), Duration.ofSeconds(10));
            assertEquals(List.of(2L, 3L), List.of(resized.number("from"), resized.number("workers")), resized.toString());
            long worker2 = master.awaitFork(2, grown, Duration.ofSeconds(10));
            Answers.untilEveryPid(port, InheritedHttpWorker.ANSWER, List.of(worker0, worker1, worker2), SERVE_TIMEOUT);

            int shrunk = master.mark();
            master.signal("TTOU");
            resized = master.awaitEventAfter(shrunk, EventMatch.of(RESIZED), Duration.ofSeconds(10));
            assertEquals(List.of(3L, 2L), List.of(resized.number("from"), resized.number("workers")), resized.toString());
            MasterEvent stopping = master.awaitEventAfter(shrunk, EventMatch.about(STOPPING, worker1), Duration.ofSeconds(10));
            MasterEvent exit = master.awaitEventAfter(shrunk, EventMatch.about(EXIT, worker1), Duration.ofSeconds(30));

            assertEquals(List.of(1, "scale-down"), List.of(stopping.slot(), stopping.cause()), stopping.toString());
            assertEquals(List.of("scale-down", true, "info"), List.of(exit.cause(), exit.expected(), exit.level()), exit.toString());
            assertEquals(Optional.empty(), exit.millis("respawnInMillis"), "a retired slot is not re-forked: " + exit);
            assertFalse(Procs.alive(worker1), "the retired worker is still running");
            assertTrue(Procs.alive(worker0) && Procs.alive(worker2), "a remaining worker died" + master.output());
            assertEquals(List.of(), master.eventsAfter(shrunk, EventMatch.of(FORK)), "a retired slot was re-forked");
            assertEquals(List.of(worker1), master.eventsAfter(shrunk).stream()
                    .filter(e -> e.kind() == STOPPING || e.kind() == KILLING || e.kind() == EXIT)
                    .map(MasterEvent::pid).distinct().toList(), "only worker 1 left" + master.output());
            for (int i = 0; i < 6; i++) {
                Answers.Worker answer = Answers.ask(port, InheritedHttpWorker.ANSWER);
                assertTrue(Set.of(worker0, worker2).contains(answer.pid()), "answered by " + answer);
            }
        }
    }
}
