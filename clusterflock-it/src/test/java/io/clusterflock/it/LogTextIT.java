package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default log format, as an operator reads it: one line per event, the time and the master's
 * pid first, every line about a worker naming its slot and pid, warnings marked. The only test
 * that reads the master's words; every other test reads its JSON events.
 */
@Timeout(60)
class LogTextIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aMasterOfOneWorkerSaysItStartedWithOneWorkerThenHowItStopped() {
        try (MasterProcess master = MasterProcess.startText(List.of("run", "-w", "1", "-p", "0", "--timeout", "7s",
                "--", "sleep", "60"))) {
            String prefix = "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} clusterflock\\[" + master.pid() + "\\] ";
            Matcher started = master.awaitLine(Pattern.compile(prefix
                    + "listening on \\*:(\\d+) \\(http://localhost:(\\d+)/\\) with 1 worker, pid (\\d+)$"), WAIT);
            assertEquals(started.group(1), started.group(2), started.group());
            long pid = Long.parseLong(started.group(3));
            master.awaitLine(Pattern.compile(prefix + "worker 0 \\(pid " + pid + "\\) forked, generation 0$"), Duration.ZERO);

            master.signal("TERM");
            assertEquals(0, master.awaitExit(WAIT), master.output());
            List<String> expected = List.of(
                    "SIGTERM: graceful shutdown; workers drain, those still running after 7s are killed",
                    "no new connections from now on; none waiting, then workers drain",
                    "worker 0 (pid " + pid + ") stopping (SIGTERM): graceful shutdown (SIGTERM); killed if still running in 7s",
                    // sleep does not catch SIGTERM: it ends by the signal, as asked.
                    "worker 0 (pid " + pid + ") stopped with signal 15 (TERM) after ",
                    "master stopped, exit code 0");
            List<String> said = master.stderr();
            int at = 0;
            for (String line : expected) {
                int from = at;
                at = indexOf(said, prefix, line, from).orElseThrow(() -> new AssertionError("'" + line
                        + "' after line " + from + " of stderr" + master.output())) + 1;
            }
            assertTrue(said.stream().anyMatch(line -> line.matches(prefix + "worker 0 \\(pid " + pid
                    + "\\) stopped with signal 15 \\(TERM\\) after [\\d.]+m?s \\(graceful shutdown \\(SIGTERM\\)\\)$")), master.output());
            assertEquals(List.of(), master.events(), "JSON in the text log" + master.output());
        }
    }

    @Test
    void twoWorkersAreNamedInTheStartedLineAndADeathNobodyAskedForIsAWarning() {
        try (MasterProcess master = MasterProcess.startText(List.of("run", "-w", "2", "-p", "0", "--", "sleep", "60"))) {
            String prefix = "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} clusterflock\\[" + master.pid() + "\\] ";
            Matcher started = master.awaitLine(Pattern.compile(prefix
                    + "listening on \\*:\\d+ \\(\\S+\\) with 2 workers, pids (\\d+), (\\d+)$"), WAIT);
            long second = Long.parseLong(started.group(2));
            master.awaitLine(Pattern.compile(prefix + "worker 1 \\(pid " + second + "\\) forked, generation 0$"), Duration.ZERO);

            assertTrue(Kill.signal(second, "KILL"));
            master.awaitLine(Pattern.compile(prefix + "WARNING worker 1 \\(pid " + second + "\\) exited unexpectedly with"
                    + " signal 9 \\(KILL\\) after [\\d.]+m?s; re-forking in 100ms$"), WAIT);
            master.awaitLine(Pattern.compile(prefix + "worker 1 \\(pid (?!" + second + "\\))\\d+\\) forked, generation 0$"), WAIT);
        }
    }

    /** The index of the first line from {@code from} on that is {@code prefix} (a pattern) then starts with {@code text}. */
    private static OptionalInt indexOf(List<String> lines, String prefix, String text, int from) {
        Pattern line = Pattern.compile(prefix + Pattern.quote(text));
        return IntStream.range(from, lines.size()).filter(i -> line.matcher(lines.get(i)).find()).findFirst();
    }
}
