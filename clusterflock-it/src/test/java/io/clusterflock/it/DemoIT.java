package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code clusterflock demo}: the built-in hello server, nothing else needed. */
@Timeout(120)
class DemoIT {
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");

    @Test
    void demoAnswersHelloFromTwoWorkersAndStopsOnSigterm() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            int port = master.port();
            List<Long> pids = master.startedPids();
            assertEquals(2, pids.size(), master.output());

            Map<Long, Answers.Worker> answered = Answers.untilEveryPid(port, HELLO, pids, Duration.ofSeconds(40));

            assertEquals(new HashSet<>(pids), answered.keySet(), master.output());
            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(15)), master.output());
            for (long pid : pids) {
                assertFalse(Procs.alive(pid), "worker " + pid + " outlived its master");
            }
        }
    }
}
