package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * After a graceful stop the master itself releases what it made before it exits: the guard that
 * leads the workers' group, and its private directory under $XDG_RUNTIME_DIR.
 */
@Timeout(60)
class ReleaseIT {

    @RepeatedTest(5)
    void guardAndPrivateDirectoryAreGoneWhenTheMasterExits() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0")) {
            List<Long> workers = master.startedPids();
            ShutdownIT.awaitAccepting(master, workers);
            long guard = master.guardPid();

            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(15)), master.output());

            // The guard leaves once the workers have; 5 s is room for a loaded machine, and far short
            // of the --timeout (10 s) it would wait for a worker still there.
            assertTrue(Await.within(Duration.ofSeconds(5), () -> !Procs.alive(guard)),
                    () -> "the guard outlived its master:" + MasterProcess.describe(Procs.inGroup(guard)));
            assertEquals(List.of(), master.runtimeFiles(), "left in $XDG_RUNTIME_DIR");
        }
    }
}
