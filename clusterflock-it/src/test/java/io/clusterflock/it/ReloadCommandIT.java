package io.clusterflock.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Zero-downtime reload of a command-mode worker that is not Java: examples/python/server.py takes
 * the socket from fd 3, says READY=1 over NOTIFY_SOCKET ({@code --ready-when ready}) and drains on
 * SIGTERM. Six reloads under 20 s of wrk keep-alive load fail no request.
 */
@Timeout(180)
class ReloadCommandIT {
    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void sixReloadsOfPythonWorkersReadyViaSdNotifyUnderKeepAliveLoadFailNoRequest() {
        Path python = ReloadBuilds.python().orElse(null);
        assumeTrue(python != null, "python3 is not on PATH");
        try (MasterProcess master = MasterProcess.run(List.of(python.toString(), ReloadBuilds.pythonServer().toString()),
                "-w", "2", "-p", "0", "--ready-when", "ready")) {
            int port = master.port();
            List<Long> first = master.startedPids();
            master.awaitReady(first, MasterProcess.START_TIMEOUT);
            long group = Procs.pgrp(first.getFirst());

            LoadWrk.Result steady = LoadWrk.run(port, Duration.ofSeconds(5));
            ReloadUnderLoad.report("python keep-alive, steady", steady);
            steady.assertNoFailedRequest("python keep-alive without reloads", master.output());

            ReloadUnderLoad.run("python keep-alive", master, group, 0, 6, Duration.ofSeconds(20));
        }
    }
}
