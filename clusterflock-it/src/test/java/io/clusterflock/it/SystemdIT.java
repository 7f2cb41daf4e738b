package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What systemd gives a service, given by hand: a socket passed with {@code LISTEN_FDS}
 * (systemd-socket-activate, as a {@code .socket} unit would), and a watchdog interval for the
 * workers of a cluster with {@code --worker-timeout}.
 */
@Timeout(120)
class SystemdIT {
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
    private static final String ACTIVATE = "systemd-socket-activate";

    @Test
    void aMasterStartedBySocketActivationServesThePassedSocket() throws IOException {
        int port = freePort();
        // systemd-socket-activate binds, waits for the first connection, then execs the master with
        // LISTEN_FDS=1 and LISTEN_PID: the first request waits in the socket's queue meanwhile.
        try (MasterProcess master = MasterProcess.startUnder(List.of(ACTIVATE, "-l", "127.0.0.1:" + port), List.of("demo", "-w", "2"))) {
            awaitActivator(master, port);
            Http.Response first = Http.get(port, "/", Duration.ofSeconds(60));
            assertEquals(200, first.status(), first + master.output());
            assertTrue(HELLO.matcher(first.body().strip()).matches(), first.body());
            MasterEvent started = master.awaitEvent(EventMatch.of(STARTED), Duration.ZERO);
            assertEquals("127.0.0.1:" + port, started.text("address"), "the master serves the socket it was given");
            Answers.untilEveryPid(port, HELLO, master.startedPids(), Duration.ofSeconds(40));
            master.signal("TERM");
            assertEquals(0, master.awaitExit(EXIT_TIMEOUT), master.output());
        }
    }

    @Test
    void aPortBesideThePassedSocketIsRefusedInOneLine() throws IOException {
        int port = freePort();
        try (MasterProcess master = MasterProcess.startUnder(List.of(ACTIVATE, "-l", "127.0.0.1:" + port),
                List.of("run", "-w", "1", "--port", "5000", "--", "sleep", "30"))) {
            awaitActivator(master, port);
            Http.refused(port); // the connection that makes systemd-socket-activate exec the master
            assertEquals(2, master.awaitExit(EXIT_TIMEOUT), master.output());
            assertEquals("clusterflock: --port conflicts with the socket systemd passed (LISTEN_FDS): "
                    + "the .socket unit says where to listen; leave it out", master.stderr().getLast(), master.output());
        }
    }

    @Test
    void malformedOrMissingPassedSocketsAreRefusedInOneLine() {
        assertRefused("export LISTEN_PID=$$ LISTEN_FDS=two",
                "clusterflock: LISTEN_FDS='two' is not a number of sockets (systemd's socket activation sets it)");
        assertRefused("export LISTEN_PID=$$ LISTEN_FDS=1; exec 3</dev/null",
                "clusterflock: the socket systemd passed at fd 3 (LISTEN_FDS=1) is not a socket: Socket operation on non-socket");
    }

    @Test
    void withAWorkerTimeoutWorkersGetTheWatchdogInterval() {
        List<String> worker = List.of("sh", "-c", "echo \"watchdog usec=${WATCHDOG_USEC-none} pid=${WATCHDOG_PID-none} self=$$\"; exec sleep 60");
        try (MasterProcess watched = MasterProcess.run(worker, "-w", "1", "-p", "0", "--worker-timeout", "3s");
             MasterProcess unwatched = MasterProcess.run(worker, "-w", "1", "-p", "0")) {
            Matcher line = watched.awaitLine(Pattern.compile("watchdog usec=(\\S+) pid=(\\S+) self=(\\d+)"), Duration.ofSeconds(30));
            assertEquals("3000000", line.group(1), "WATCHDOG_USEC is the worker timeout in microseconds");
            assertEquals(line.group(3), line.group(2), "WATCHDOG_PID is the worker's own pid (sd_watchdog_enabled checks it)");
            Matcher none = unwatched.awaitLine(Pattern.compile("watchdog usec=(\\S+) pid=(\\S+)"), Duration.ofSeconds(30));
            assertEquals(List.of("none", "none"), List.of(none.group(1), none.group(2)));
        }
    }

    /** systemd-socket-activate says "Listening on 127.0.0.1:PORT as 3." once it has bound. */
    private static void awaitActivator(MasterProcess master, int port) {
        master.awaitLine(Pattern.compile("Listening on 127\\.0\\.0\\.1:" + port + " as 3"), Duration.ofSeconds(20));
    }

    private static void assertRefused(String setUp, String line) {
        List<String> prefix = new ArrayList<>(List.of("sh", "-c", setUp + "; exec \"$@\"", "sh"));
        try (MasterProcess master = MasterProcess.startUnder(prefix, List.of("run", "-w", "1", "--", "sleep", "30"))) {
            assertEquals(2, master.awaitExit(EXIT_TIMEOUT), master.output());
            assertEquals(List.of(line), master.stderr());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }
}
