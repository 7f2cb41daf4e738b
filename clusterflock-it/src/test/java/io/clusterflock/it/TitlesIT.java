package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ps} tells the master, the workers and the guard apart. */
@Timeout(60)
class TitlesIT {

    @Test
    void masterWorkerAndGuardShowTheirRoleAndTheCommandName() {
        try (MasterProcess master = MasterProcess.run(List.of("sleep", "30"), "-w", "1", "-p", "0")) {
            long worker = master.startedPids().getFirst();

            assertTrue(Procs.args(master.pid()).startsWith("clusterflock master [sleep]"), Procs.args(master.pid()));
            Await.until(Duration.ofSeconds(10), () -> "the worker's title, not " + Procs.cmdline(worker),
                    () -> Procs.cmdline(worker).equals(List.of("clusterflock worker 0 [sleep]", "30")));
            long guard = master.guardPid();
            assertEquals(List.of("clusterflock guard [sleep]"), Procs.cmdline(guard), "the guard's title and nothing else");
            // The harness finds every process of the cluster (what the no-leftover checks rely on).
            assertEquals(java.util.Set.of(master.pid(), worker, guard), master.remaining());
        }
    }

    @Test
    void titleOptionLabelsEveryProcess() {
        try (MasterProcess master = MasterProcess.run(List.of("sleep", "30"), "-w", "2", "-p", "0", "--title", "shop")) {
            List<Long> workers = master.startedPids();

            assertTrue(Procs.args(master.pid()).startsWith("clusterflock master [shop]"), Procs.args(master.pid()));
            for (int id = 0; id < 2; id++) {
                long pid = master.awaitFork(id, 0, Duration.ZERO);
                String title = "clusterflock worker " + id + " [shop]";
                Await.until(Duration.ofSeconds(10), () -> title + ", not " + Procs.cmdline(pid),
                        () -> Procs.cmdline(pid).equals(List.of(title, "30")));
            }
            assertEquals(2, workers.size());
            assertEquals(List.of("clusterflock guard [shop]"), Procs.cmdline(master.guardPid()));
        }
    }
}
