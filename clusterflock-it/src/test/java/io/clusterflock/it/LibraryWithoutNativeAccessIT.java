package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A library-mode application started as many are, {@code java -cp ... Main}, without
 * {@code --enable-native-access}: its workers need none. What they write while they drain and in
 * their shutdown handlers reaches the master's output (a worker that closed its inherited channel
 * the JDK's way would have had fds 0, 1 and 2 pointed at /dev/null by then).
 */
@Timeout(120)
class LibraryWithoutNativeAccessIT {
    /** The JDK's first line when code without native access calls a restricted method. */
    private static final Pattern NATIVE_ACCESS_WARNING = Pattern.compile("^WARNING: A restricted method");

    @Test
    void workersDrainAndShutDownOnSigtermWithTheirOutputIntactAndNoWarning() {
        try (MasterProcess master = LibraryCluster.startWithoutNativeAccess(List.of("-Dclusterflock.workers=2",
                "-Dclusterflock.port=0", "-Dclusterflock.timeout=5s"))) {
            List<Long> workers = LibraryCluster.awaitReady(master);
            // Each worker has served, so each acceptor is back in accept() when the SIGTERM comes.
            LibraryCluster.untilEveryId(master.port(), 2, "/", LibraryCluster.SERVE_TIMEOUT);
            int mark = master.mark();

            master.signal("TERM");

            assertEquals(0, master.awaitExit(Duration.ofSeconds(20)), master.output());
            for (long pid : workers) {
                String worker = "clusterflock\\[" + pid + "\\] worker \\d+: ";
                master.awaitLineAfter(mark, Pattern.compile(worker + "draining, "), Duration.ZERO);
                master.awaitLineAfter(mark, Pattern.compile(worker + "drained in "), Duration.ZERO);
                master.awaitLineAfter(mark, Pattern.compile("^LibraryApp worker \\d+ pid " + pid + " shut down$"),
                        Duration.ZERO);
            }
            // The master needs native access and the JDK says so once, as it starts; a worker
            // printing the warning too would make it two or more.
            assertTrue(master.matches(NATIVE_ACCESS_WARNING).size() <= 1,
                    "a worker warned about native access" + master.output());
            assertTrue(Await.within(Duration.ofSeconds(5 + 1 + 2), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()));
        }
    }
}
