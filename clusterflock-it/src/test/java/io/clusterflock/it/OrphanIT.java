package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A master killed with SIGKILL takes its workers with it: no orphan keeps serving the port. */
@Timeout(120)
class OrphanIT {

    @Test
    void workersOfAMasterKilledWithSigkillExitAndThePortRefusesConnections() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0", "--timeout", "1s")) {
            int port = master.port();
            List<Long> workers = master.startedPids();
            ShutdownIT.awaitAccepting(master, workers);
            Answers.untilEveryPid(port, InheritedHttpWorker.ANSWER, workers, Duration.ofSeconds(30));
            long guard = master.guardPid();

            master.signal("KILL");

            assertTrue(Await.within(Duration.ofSeconds(5), () -> workers.stream().noneMatch(Procs::alive)),
                    () -> "workers alive 5 s after their master's death:" + MasterProcess.describe(workers));
            assertTrue(Await.within(Duration.ofSeconds(2), () -> Http.refused(port)),
                    "something still accepts on port " + port);
            // With --timeout 1s the guard gives the group 1 s + 1 s before its SIGKILL, then is gone too.
            assertTrue(Await.within(Duration.ofSeconds(5), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()) + ", guard " + guard);
        }
    }
}
