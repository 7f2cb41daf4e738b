package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker that dies is re-forked in its slot; one that keeps dying is re-forked ever more slowly. */
@Timeout(120)
class RespawnIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);
    /** "...exited unexpectedly with code 1 after 5ms; re-forking in 400ms": group 1 the delay. */
    private static final Pattern REFORK = Pattern.compile("exited unexpectedly with .+; re-forking (now|in (\\S+))$");

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
            master.awaitLineAfter(mark, Pattern.compile("worker 0 \\(pid " + first0
                    + "\\) exited unexpectedly with signal 9 \\(KILL\\) after \\S+; re-forking (now|in \\S+)$"),
                    Duration.ZERO);
            assertTrue(Procs.alive(first1), "worker 1 was disturbed");
        }
    }

    @Test
    void crashLoopBacksOffExponentiallyAndStillStopsPromptly() {
        try (MasterProcess master = MasterProcess.run(List.of("/bin/false"), "-w", "1", "-p", "0")) {
            master.listening();
            long observeUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            // Defaults (100 ms doubling): forks at about 0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3 and 12.7 s.
            while (System.nanoTime() - observeUntil < 0) {
                int forks = master.matches(MasterProcess.FORKED).size();
                assertTrue(forks <= 10, () -> forks + " forks within 15 s: no backoff" + master.output());
                Await.pause();
            }
            int forks = master.matches(MasterProcess.FORKED).size();
            List<Long> delays = delays(master);
            assertTrue(forks >= 5, forks + " forks in 15 s" + master.output());
            assertEquals(100, delays.getFirst(), "the first respawn delay" + master.output());
            assertNonDecreasing(delays, master);
            assertTrue(delays.getLast() >= 3_200, "the delay grew only to " + delays.getLast() + " ms" + master.output());

            long stopping = System.nanoTime();
            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(2)), master.output());
            assertTrue(Duration.ofNanos(System.nanoTime() - stopping).compareTo(Duration.ofSeconds(2)) < 0);
            master.awaitLine(Pattern.compile("master stopped, exit code 0$"), Duration.ZERO);
        }
    }

    @Test
    void respawnDelayStopsGrowingAtItsCap() {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exit 1"), "-w", "1", "-p", "0",
                "--respawn-delay", "50ms", "--respawn-delay-max", "400ms")) {
            master.awaitLinesAfter(0, Pattern.compile("re-forking in 400ms$"), 3, Duration.ofSeconds(20));
            List<Long> delays = delays(master);

            assertEquals(List.of(50L, 100L, 200L, 400L, 400L, 400L), delays.subList(0, 6), master.output());
            assertNonDecreasing(delays, master);
            assertTrue(delays.stream().allMatch(d -> d <= 400), "a delay above the cap" + master.output());

            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(2)), master.output());
        }
    }

    /** The respawn delays the master announced, in ms ("now" is 0). */
    private static List<Long> delays(MasterProcess master) {
        return master.matches(REFORK).stream().map(m -> m.group(2) == null ? 0 : millis(m.group(2))).toList();
    }

    /** "400ms", "1.6s", "12.8s", "2m" as the master's log writes them. */
    private static long millis(String text) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(text);
        assertTrue(m.matches(), "not a duration: " + text);
        double amount = Double.parseDouble(m.group(1));
        return Math.round(switch (m.group(2)) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        });
    }

    private static void assertNonDecreasing(List<Long> delays, MasterProcess master) {
        for (int i = 1; i < delays.size(); i++) {
            assertTrue(delays.get(i) >= delays.get(i - 1), "delays " + delays + " shrank" + master.output());
        }
    }
}
