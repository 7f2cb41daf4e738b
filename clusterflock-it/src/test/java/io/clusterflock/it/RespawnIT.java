package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.SHUTDOWN;
import static io.clusterflock.it.MasterEvent.Kind.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker that dies is re-forked in its slot; one that keeps dying is re-forked ever more slowly. */
@Timeout(120)
class RespawnIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How much earlier than its announced delay a re-fork may be logged. An event is stamped as it
     * is logged, a moment after the master counted the delay from; on a loaded 2-core machine that
     * moment reached 122 ms. The sum of the delays, checked from the first exit, keeps the check
     * sharp where one delay is shorter than this.
     */
    private static final Duration STAMPS = Duration.ofMillis(300);

    @Test
    void killedWorkerComesBackInItsSlotWhileTheOtherKeepsAnswering() throws IOException {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0")) {
            int port = master.port();
            long first0 = master.awaitFork(0, 0, SERVE_TIMEOUT);
            long first1 = master.awaitFork(1, 0, SERVE_TIMEOUT);
            Answers.untilEveryPid(port, InheritedHttpWorker.ANSWER, List.of(first0, first1), SERVE_TIMEOUT);
            int mark = master.mark();

            assertTrue(Kill.signal(first0, "KILL"));
            Await.until(Duration.ofSeconds(5), "worker 0 to die", () -> !Procs.alive(first0));

            // Ask until slot 0 answers again: every answer in the gap must come from worker 1.
            List<Answers.Worker> gap = new ArrayList<>();
            Answers.Worker reborn = Await.value(SERVE_TIMEOUT, () -> "worker 0 back; answers meanwhile " + gap, () -> {
                Answers.Worker answer = Answers.ask(port, InheritedHttpWorker.ANSWER);
                if (answer.id() == 0) {
                    return answer;
                }
                assertEquals(new Answers.Worker(1, first1), answer);
                gap.add(answer);
                return null;
            });

            assertNotEquals(first0, reborn.pid(), "slot 0 answered from its killed pid");
            assertEquals(master.awaitFork(0, mark, Duration.ZERO), reborn.pid(), master.output());
            assertTrue(!gap.isEmpty(), "worker 1 answered nothing while slot 0 was empty");
            MasterEvent exit = master.awaitEventAfter(mark, EventMatch.about(EXIT, first0), Duration.ZERO);
            assertEquals(List.of("unexpected", false, "warning", "KILL", 0), List.of(exit.cause(), exit.expected(),
                    exit.level(), exit.text("signal"), exit.slot()), "a death nobody asked for: " + exit);
            assertTrue(exit.millis("respawnInMillis").isPresent(), "its slot is re-forked: " + exit);
            assertTrue(Procs.alive(first1), "worker 1 was disturbed");
        }
    }

    /**
     * A worker that dies at once, again and again: each death is an unexpected exit that announces
     * a delay twice the last (100 ms, 200 ms ... 6.4 s by default), the next fork waits at least that
     * long, and a SIGTERM while the slot waits stops the master without waiting for the re-fork.
     */
    @Test
    void crashLoopBacksOffExponentiallyAndStillStopsPromptly() {
        try (MasterProcess master = MasterProcess.run(List.of("/bin/false"), "-w", "1", "-p", "0")) {
            master.started();
            List<MasterEvent> exits = master.awaitEventsAfter(0, EventMatch.of(EXIT), 7, Duration.ofSeconds(60));

            assertEquals(List.of(100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L), delays(exits).subList(0, 7),
                    master.output());
            for (MasterEvent exit : exits) {
                assertEquals(List.of("unexpected", false, 1L), List.of(exit.cause(), exit.expected(), exit.fields().get("code")),
                        exit.toString());
            }
            assertEachForkWaitedItsDelay(master);

            // The eighth fork is 6.4 s away: the shutdown must not wait for it.
            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(SHUTDOWN), Duration.ZERO);
            MasterEvent stopped = master.awaitEvent(EventMatch.of(STOPPED), Duration.ZERO);
            assertEquals(0, stopped.number("exitCode"));
            assertEquals(List.of(), master.eventsAfter(shutdown.line(), EventMatch.of(FORK)), "a fork after the SIGTERM"
                    + master.output());
            assertTrue(stopped.since(exits.getLast()).compareTo(Duration.ofMillis(6_400)) < 0,
                    "stopped only " + stopped.since(exits.getLast()).toMillis() + " ms after the last exit, as late as the"
                            + " re-fork it announced" + master.output());
        }
    }

    @Test
    void respawnDelayStopsGrowingAtItsCap() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exit 1"), "-w", "1", "-p", "0",
                "--respawn-delay", "50ms", "--respawn-delay-max", "400ms")) {
            master.awaitEventsAfter(0, EventMatch.of(EXIT).with("respawnInMillis", 400), 3, Duration.ofSeconds(30));
            List<Long> delays = delays(master.events(EventMatch.of(EXIT)));

            assertEquals(List.of(50L, 100L, 200L, 400L, 400L, 400L), delays.subList(0, 6), master.output());
            assertTrue(delays.stream().allMatch(d -> d <= 400), "a delay above the cap" + master.output());
            assertEachForkWaitedItsDelay(master);

            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
        }
    }

    /** The respawn delays that {@code exits} announced, in ms; every one of them announces one. */
    private static List<Long> delays(List<MasterEvent> exits) {
        return exits.stream().map(exit -> exit.millis("respawnInMillis")
                .orElseThrow(() -> new AssertionError("an exit without a re-fork: " + exit)).toMillis()).toList();
    }

    /**
     * Every fork that follows an exit came no sooner than the delay that exit announced, and no
     * sooner after the first exit than all the delays announced up to it.
     */
    private static void assertEachForkWaitedItsDelay(MasterProcess master) {
        List<MasterEvent> events = master.events();
        List<MasterEvent> exits = master.events(EventMatch.of(EXIT));
        Duration sum = Duration.ZERO;
        for (MasterEvent exit : exits) {
            Duration delay = exit.millis("respawnInMillis").orElseThrow();
            Duration upToHere = sum = sum.plus(delay);
            events.stream().filter(e -> e.kind() == FORK && e.line() > exit.line()).findFirst().ifPresent(fork -> {
                assertTrue(fork.since(exit).compareTo(delay.minus(STAMPS)) >= 0, "re-forked " + fork.since(exit).toMillis()
                        + " ms after an exit that announced " + delay.toMillis() + " ms" + master.output());
                assertTrue(fork.since(exits.getFirst()).compareTo(upToHere.minus(STAMPS)) >= 0, "re-forked "
                        + fork.since(exits.getFirst()).toMillis() + " ms after the first exit, when the delays announced"
                        + " add up to " + upToHere.toMillis() + " ms" + master.output());
            });
        }
    }
}
