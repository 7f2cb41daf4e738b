package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.KILLING;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hung workers (the worker timeout): a worker that has heartbeated and then falls silent for
 * {@code workerTimeout} gets SIGQUIT, so the JVM prints a thread dump into the log, SIGKILL a second
 * later, and is re-forked in its slot: all within the timeout and 2 s of the moment it got stuck.
 *
 * <ul>
 *   <li>Library mode: the heartbeat is a task on Jetty's own thread pool, so a worker whose pool is
 *       exhausted by requests that never finish ({@link LibraryApp}'s {@code /block}) stops beating.</li>
 *   <li>Command mode: a JDK-only worker ({@link HangHeartbeatWorker}) beats with
 *       {@code Worker.heartbeat} from its request loop, and the loop deadlocks.</li>
 * </ul>
 *
 * <p>Times come from the logs: the master's events and the fixtures' own lines carry the wall-clock
 * time to the millisecond, from one clock.
 */
@Timeout(120)
class HangWorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What the master may take beyond a deadline of its own: its loop wakes up, logs, signals. */
    private static final long SLACK_MILLIS = 500;
    /** The brief's promise: stuck to re-forked within the worker timeout plus this. */
    private static final long REFORK_MARGIN_MILLIS = 2_000;
    /** Jetty 12.1's QueuedThreadPool has 200 threads at most by default: this many /block requests take them all. */
    private static final int BLOCKERS = 260;

    private static final Path FIXTURE_ROOT = createFixtureRoot();

    @AfterAll
    static void removeFixtureCopies() {
        try (Stream<Path> files = Files.walk(FIXTURE_ROOT)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    @Test
    void libraryWorkerWhosePoolIsExhaustedIsDumpedKilledAndReforkedWithinTheTimeoutAndTwoSeconds() {
        long timeoutMillis = 3_000;
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=1", "-Dclusterflock.port=0",
                "-Dclusterflock.workerTimeout=3s"))) {
            int port = master.port();
            long pid = LibraryCluster.awaitReady(master).getFirst();
            assertEquals(pid, LibraryCluster.get(port, "/").pid(), master.output());

            Pattern blocked = Pattern.compile("^LibraryApp worker 0 pid " + pid
                    + " blocked (\\d+) at (\\S+) in (\\S+); pool threads=(\\d+) idle=(\\d+) busy=(\\d+) queue=(\\d+)"
                    + " max=(\\d+) reserved=(\\d+)$");
            int mark = master.mark();
            List<Socket> blockers = new ArrayList<>();
            try {
                for (int i = 0; i < BLOCKERS; i++) {
                    blockers.add(send(port, "/block?pid=" + pid));
                }
                MasterEvent hung = awaitHung(master, mark, pid, timeoutMillis);
                MasterEvent killed = awaitKilled(master, mark, pid, timeoutMillis);
                MasterEvent fork = master.awaitEventAfter(mark, EventMatch.inSlot(FORK, 0), Duration.ofSeconds(10));

                // The stall: the last request that got a pool thread. After it no thread was free again,
                // so nothing ran on the pool, the heartbeat included: the last beat was before it.
                List<Matcher> entered = master.matchesAfter(mark, blocked);
                assertFalse(entered.isEmpty(), "no /block request reached the worker" + master.output());
                Matcher last = entered.getLast();
                int maxThreads = Integer.parseInt(last.group(8));
                assertTrue(maxThreads < BLOCKERS, "the pool may have " + maxThreads + " threads: " + BLOCKERS
                        + " blocking requests cannot take them all" + master.output());
                // The rest of the pool's threads are its acceptor, its selector and perhaps a reserved thread.
                assertTrue(entered.size() >= maxThreads - 10, "the pool is not exhausted: " + entered.size()
                        + " requests blocked of " + maxThreads + " threads; the last: " + last.group() + master.output());
                LocalTime stall = LocalTime.parse(last.group(2));

                long hungAfter = LibraryCluster.millisBetween(stall, hung.localTime());
                long killedAfter = killed.since(hung).toMillis();
                long reforkedAfter = LibraryCluster.millisBetween(stall, fork.localTime());
                long heartbeatMillis = Math.clamp(timeoutMillis / 4, 50, 1_000);
                System.out.printf("[hang] library: %d requests blocked of %d sent, pool: %s; stall %s, hung +%d ms,"
                                + " SIGKILL exit %d ms after hung, re-forked +%d ms%n", entered.size(), BLOCKERS,
                        last.group().replaceFirst(".*; pool ", ""), stall, hungAfter, killedAfter, reforkedAfter);

                assertTimeline(master, hungAfter, killedAfter, reforkedAfter, timeoutMillis, heartbeatMillis);
                assertThreadDump(master, mark, "at io.clusterflock.it.LibraryApp$Handler.blockForever(",
                        "\"worker-0-");
                assertFalse(Procs.alive(pid), "the hung worker " + pid + " still lives" + master.output());

                long replacement = fork.pid();
                assertNotEquals(pid, replacement);
                master.awaitEventAfter(mark, EventMatch.about(READY, replacement), WAIT);
                assertEquals(replacement, LibraryCluster.get(port, "/").pid(), "the re-forked worker serves" + master.output());
                assertStatusTellsTheHang(master, replacement, "3s");
            } finally {
                blockers.forEach(HangWorkerIT::closeQuietly);
            }
        }
    }

    @Test
    void commandModeWorkerWhoseRequestLoopDeadlocksIsDumpedKilledAndReforkedWithinTheTimeoutAndTwoSeconds() {
        long timeoutMillis = 2_000;
        try (MasterProcess master = MasterProcess.run(heartbeatWorker(), "-w", "1", "-p", "0", "--worker-timeout", "2s")) {
            int port = master.port();
            long pid = master.startedPids().getFirst();
            Matcher beating = master.awaitLine(Pattern.compile("^hang-worker 0 pid " + pid + " beating every (\\d+) ms$"), WAIT);
            long heartbeatMillis = Long.parseLong(beating.group(1));
            assertEquals(500, heartbeatMillis, "a quarter of the worker timeout" + master.output());
            assertEquals("hang-worker 0 pid " + pid, get(port, "/"), master.output());

            Pattern deadlocking = Pattern.compile("^hang-worker 0 pid " + pid + " deadlocking at (\\S+)$");
            int mark = master.mark();
            Socket stuck = send(port, "/deadlock");
            try {
                LocalTime stall = LocalTime.parse(master.awaitLineAfter(mark, deadlocking, WAIT).group(1));
                MasterEvent hung = awaitHung(master, mark, pid, timeoutMillis);
                MasterEvent killed = awaitKilled(master, mark, pid, timeoutMillis);
                MasterEvent fork = master.awaitEventAfter(mark, EventMatch.inSlot(FORK, 0), Duration.ofSeconds(10));

                long hungAfter = LibraryCluster.millisBetween(stall, hung.localTime());
                long killedAfter = killed.since(hung).toMillis();
                long reforkedAfter = LibraryCluster.millisBetween(stall, fork.localTime());
                System.out.printf("[hang] command: deadlock %s, hung +%d ms, SIGKILL exit %d ms after hung, re-forked +%d ms%n",
                        stall, hungAfter, killedAfter, reforkedAfter);

                assertTimeline(master, hungAfter, killedAfter, reforkedAfter, timeoutMillis, heartbeatMillis);
                assertThreadDump(master, mark, "Found one Java-level deadlock:", "\"request-loop\"",
                        "\"deadlock-partner\"", "at io.clusterflock.it.HangHeartbeatWorker.deadlock(");
                assertFalse(Procs.alive(pid), "the hung worker " + pid + " still lives" + master.output());

                long replacement = fork.pid();
                assertNotEquals(pid, replacement);
                master.awaitLineAfter(mark, Pattern.compile("^hang-worker 0 pid " + replacement + " beating every"), WAIT);
                assertEquals("hang-worker 0 pid " + replacement, get(port, "/"), "the re-forked worker serves" + master.output());
                assertStatusTellsTheHang(master, replacement, "2s");
            } finally {
                closeQuietly(stuck);
            }
        }
    }

    /**
     * Hung no earlier than the timeout after the last beat (which was at most one heartbeat interval
     * before the stall) and no later than the timeout after the stall; SIGKILL one second after the
     * dump; re-forked within the timeout and 2 s of the stall.
     */
    private static void assertTimeline(MasterProcess master, long hungAfter, long killedAfter, long reforkedAfter,
            long timeoutMillis, long heartbeatMillis) {
        assertTrue(hungAfter >= timeoutMillis - heartbeatMillis - SLACK_MILLIS && hungAfter <= timeoutMillis + SLACK_MILLIS,
                "found hung " + hungAfter + " ms after the stall, not about the worker timeout of " + timeoutMillis + " ms"
                        + master.output());
        assertTrue(killedAfter >= 1_000 - 50 && killedAfter <= 1_000 + SLACK_MILLIS,
                "SIGKILL exit " + killedAfter + " ms after the SIGQUIT, not about 1 s" + master.output());
        assertTrue(reforkedAfter <= timeoutMillis + REFORK_MARGIN_MILLIS,
                "re-forked " + reforkedAfter + " ms after the stall, over the worker timeout + 2 s" + master.output());
    }

    /** The master's {@code killing} event for the hang of worker 0 ({@code pid}): SIGQUIT for a dump, a warning. */
    private static MasterEvent awaitHung(MasterProcess master, int mark, long pid, long timeoutMillis) {
        MasterEvent hung = master.awaitEventAfter(mark, EventMatch.about(KILLING, pid), WAIT);
        assertEquals(List.of(0, "hung", timeoutMillis, "warning"), List.of(hung.slot(), hung.cause(),
                hung.number("workerTimeoutMillis"), hung.level()), hung.toString());
        return hung;
    }

    /**
     * The hung worker's end: killed by SIGKILL for the hang, which the master asked for yet counts as
     * a failure (a warning), and its slot re-forked.
     */
    private static MasterEvent awaitKilled(MasterProcess master, int mark, long pid, long timeoutMillis) {
        MasterEvent exit = master.awaitEventAfter(mark, EventMatch.about(EXIT, pid), Duration.ofSeconds(10));
        assertEquals(List.of("hung", timeoutMillis, true, "KILL", "warning"), List.of(exit.cause(),
                exit.number("workerTimeoutMillis"), exit.expected(), exit.text("signal"), exit.level()), exit.toString());
        assertTrue(exit.millis("respawnInMillis").isPresent(), "its slot is re-forked: " + exit);
        return exit;
    }

    /** {@code status --json}: the slot's new worker, one restart, and a last exit by SIGKILL for the hang. */
    private static void assertStatusTellsTheHang(MasterProcess master, long replacement, String timeout) {
        ControlStatus status = ControlStatus.ask(ControlWire.socket(master.runtimeDirectory(), "default"));
        assertEquals(1, status.rows().size(), status.toString());
        ControlStatus.Row row = status.rows().getFirst();
        assertEquals(replacement, row.pid(), status.toString());
        assertEquals(1, row.restarts(), "a hang counts as a restart: " + status);
        assertEquals("KILL", row.lastExit().get("signalName"), status.toString());
        assertEquals("hung", row.lastExit().get("cause"), status.toString());
        assertEquals("hung: no heartbeat for " + timeout, row.lastExit().get("reason"), status.toString());
    }

    /** The JVM's thread dump (SIGQUIT) is in the output after {@code mark}, with every one of {@code expected}. */
    private static void assertThreadDump(MasterProcess master, int mark, String... expected) {
        List<String> after = master.lines().subList(mark, master.mark()).stream().map(MasterProcess.Line::text).toList();
        assertTrue(after.stream().anyMatch(line -> line.startsWith("Full thread dump ")),
                "no 'Full thread dump' in the output" + master.output());
        for (String text : expected) {
            assertTrue(after.stream().anyMatch(line -> line.contains(text)), "no '" + text + "' in the thread dump"
                    + master.output());
        }
    }

    /** Opens a connection and sends {@code GET path}, without waiting for an answer. */
    private static Socket send(int port, String path) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(Http.HOST, port), 2_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + Http.HOST + ":" + port
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot send GET " + path + " to port " + port, e);
        }
    }

    private static String get(int port, String path) {
        try {
            Http.Response response = Http.get(port, path);
            assertEquals(200, response.status(), response.head());
            return response.body().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** {@code java ... HangHeartbeatWorker}, on a private copy of its classes and the clusterflock jar (for Worker). */
    private static List<String> heartbeatWorker() {
        return List.of(Fixtures.java().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", FIXTURE_ROOT + ":" + BuildCopies.jar(), HangHeartbeatWorker.class.getName());
    }

    /** A private copy of HangHeartbeatWorker's classes (the {@link BuildCopies} idea: a build beside us cannot change them). */
    private static Path createFixtureRoot() {
        try {
            Path root = Files.createTempDirectory("clusterflock-it-hang-");
            String pkg = HangHeartbeatWorker.class.getPackageName().replace('.', '/');
            Path source = Path.of(HangHeartbeatWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve(pkg);
            Files.createDirectories(root.resolve(pkg));
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.filter(f -> f.getFileName().toString()
                        .startsWith(HangHeartbeatWorker.class.getSimpleName())).toList()) {
                    Files.copy(file, root.resolve(pkg).resolve(file.getFileName().toString()));
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
