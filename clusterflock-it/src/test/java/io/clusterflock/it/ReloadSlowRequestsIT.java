package io.clusterflock.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reloads with slow requests in flight (Jetty workers: the demo, whose {@code GET /sleep?ms=N}
 * answers after N ms): wrk asks for {@code /sleep?ms=500} once in 20 requests, so every drain
 * has half-second requests to finish. Five reloads, no failed request.
 */
@Timeout(120)
class ReloadSlowRequestsIT {
    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void fiveReloadsWithHalfSecondRequestsInFlightFailNoRequest() {
        Path lua = LoadWrk.script(ReloadBuilds.directory("slow"), 20, "/sleep?ms=500");
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, MasterProcess.START_TIMEOUT);
            long group = Procs.pgrp(first.getFirst());

            ReloadUnderLoad.run("demo keep-alive, 1 in 20 requests 0.5 s", master, group, 0, 5,
                    Duration.ofSeconds(15), "-s", lua.toString());
        }
    }
}
