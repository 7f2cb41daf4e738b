package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Clusters side by side under one user, told apart by --name; a name is one running cluster's at a time. */
@Timeout(60)
class ControlNamesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void twoNamedClustersAreControlledSeparately(@TempDir Path xdg) throws Exception {
        try (MasterProcess alpha = MasterProcess.startIn(xdg, List.of("run", "--name", "alpha", "-w", "2", "-p", "0", "--",
                "sleep", "120"));
             MasterProcess beta = MasterProcess.startIn(xdg, List.of("run", "--name", "beta", "-w", "1", "-p", "0", "--",
                "sleep", "120"))) {
            List<Long> alphaPids = alpha.startedPids();
            List<Long> betaPids = beta.startedPids();
            Path alphaSocket = ControlWire.socket(xdg, "alpha");
            Path betaSocket = ControlWire.socket(xdg, "beta");
            Await.until(WAIT, "both settled", () -> ControlStatus.ask(alphaSocket).settled(2) && ControlStatus.ask(betaSocket).settled(1));

            assertTrue(ControlCli.ok(xdg, "status", "--name", "alpha").stdout()
                    .startsWith("cluster 'alpha': master pid " + alpha.pid() + ","));
            assertEquals(alphaPids, ControlStatus.of(ControlCli.ok(xdg, "status", "--json", "--name", "alpha").stdout()).pids());
            assertEquals(betaPids, ControlStatus.of(ControlCli.ok(xdg, "status", "--json", "--name", "beta").stdout()).pids());

            assertEquals(List.of("scaling from 1 to 3 workers"), ControlCli.ok(xdg, "scale", "3", "--name", "beta").lines());
            Await.until(WAIT, "beta at 3", () -> ControlStatus.ask(betaSocket).settled(3));
            assertEquals(alphaPids, ControlStatus.ask(alphaSocket).pids(), "alpha untouched");

            ControlCli.Result noDefault = ControlCli.run(xdg, "status");
            assertEquals(2, noDefault.exitCode());
            assertTrue(noDefault.stderr().startsWith("clusterflock: no cluster named 'default' is running"), noDefault.toString());

            ControlCli.ok(xdg, "stop", "--name", "alpha");
            assertEquals(0, alpha.awaitExit(WAIT), alpha.output());
            assertEquals(Set.of(), alpha.remaining());
            assertTrue(ControlStatus.ask(betaSocket).settled(3), "beta runs on");
            try (Stream<Path> names = Files.list(xdg.resolve("clusterflock"))) {
                assertEquals(List.of("beta"), names.map(p -> p.getFileName().toString()).toList());
            }

            ControlCli.ok(xdg, "kill", "--name", "beta");
            assertEquals(1, beta.awaitExit(WAIT), beta.output());
            assertFalse(Files.exists(xdg.resolve("clusterflock")), "the last one out removes the directory");
        }
    }

    @Test
    void aSecondMasterWithATakenNameIsRefusedInOneLine(@TempDir Path xdg) {
        try (MasterProcess first = MasterProcess.startIn(xdg, List.of("run", "-w", "1", "-p", "0", "--", "sleep", "120"))) {
            List<Long> workers = first.startedPids();
            try (MasterProcess second = MasterProcess.startIn(xdg, List.of("run", "-w", "1", "-p", "0", "--", "sleep", "120"))) {
                assertEquals(2, second.awaitExit(Duration.ofSeconds(30)), second.output());
                assertEquals(List.of("clusterflock: a cluster named 'default' is already running (master pid " + first.pid()
                        + "); use --name to run another beside it"), second.stderr(), second.output());
                assertEquals(Set.of(), second.remaining(), "the refused master started nothing");
            }
            Path socket = ControlWire.socket(xdg, "default");
            assertEquals(workers, ControlStatus.ask(socket).pids(), "the first one is untouched and still answers");
            assertEquals(first.pid() + "\n", readString(socket.resolveSibling("master.pid")));
        }
    }

    @Test
    void aMasterKilledOutrightLeavesANameTheNextOneTakesOver(@TempDir Path xdg) {
        long firstPid;
        try (MasterProcess first = MasterProcess.startIn(xdg, List.of("run", "-w", "1", "-p", "0", "--", "sleep", "120"))) {
            first.startedPids();
            firstPid = first.pid();
            first.signal("KILL");
            first.awaitExit(WAIT);
        }
        Path socket = ControlWire.socket(xdg, "default");
        assertTrue(Files.exists(socket), "SIGKILL leaves the socket behind");
        ControlCli.Result stale = ControlCli.run(xdg, "status");
        assertEquals(2, stale.exitCode());
        assertEquals("clusterflock: no cluster named 'default' is running (nothing answers at " + socket
                + ", left by a master that did not stop cleanly)\n", stale.stderr());

        try (MasterProcess next = MasterProcess.startIn(xdg, List.of("run", "-w", "1", "-p", "0", "--", "sleep", "120"))) {
            List<Long> workers = next.startedPids();
            assertEquals(workers, ControlStatus.ask(socket).pids());
            assertEquals(next.pid() + "\n", readString(socket.resolveSibling("master.pid")));
            assertTrue(next.pid() != firstPid);
        }
    }

    private static String readString(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
