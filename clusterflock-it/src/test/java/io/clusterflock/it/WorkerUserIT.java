package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers without root: a master running as root (as the tests do) binds the port and keeps its
 * control socket, and runs its workers as {@code --user nobody}, no supplementary group; they
 * still reach the master (readiness over the worker channel and over sd_notify) and serve. A master
 * that is not root is refused in one line.
 */
@Timeout(120)
class WorkerUserIT {
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void libraryWorkersRunAsNobodyAndServe() throws IOException {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--user", "nobody")) {
            List<Long> pids = master.startedPids();
            master.awaitReady(pids, WAIT); // over the worker channel, in a directory the workers' user owns
            Map<Long, Answers.Worker> answered = Answers.untilEveryPid(master.port(), HELLO, pids, WAIT);
            assertEquals(2, answered.size());
            for (long pid : pids) {
                Map<String, String> status = status(pid);
                assertEquals("65534\t65534\t65534\t65534", status.get("Uid"), "worker " + pid + " runs as nobody");
                assertEquals("65534\t65534\t65534\t65534", status.get("Gid"));
                assertEquals("", status.get("Groups"), "no supplementary group");
                assertTrue(Procs.args(pid).startsWith("clusterflock worker "), "the title stays: " + Procs.args(pid));
            }
            assertEquals("0", status(master.pid()).get("Uid").split("\t")[0], "the master stays root");
            master.signal("TERM");
            assertEquals(0, master.awaitExit(WAIT), master.output());
        }
    }

    @Test
    void commandWorkersRunAsNobodyAndSayReadyOverNotify() throws IOException {
        // A python that nobody may run: the system's, not one under root's home (pyenv).
        Path system = Path.of("/usr/bin/python3");
        assertTrue(Files.isExecutable(system), "/usr/bin/python3 is needed");
        List<String> python = List.of(system.toString(), ReloadBuilds.pythonServer().toString()); // says READY=1 over sd_notify
        try (MasterProcess master = MasterProcess.run(python, "-w", "1", "-p", "0", "--ready-when", "ready", "--user", "nobody")) {
            long pid = master.startedPids().getFirst();
            master.awaitEvent(EventMatch.about(READY, pid), WAIT);
            assertEquals("65534", status(pid).get("Uid").split("\t")[0]);
            assertEquals(200, Http.get(master.port(), "/").status());
        }
    }

    @Test
    void aMasterThatIsNotRootIsRefusedInOneLine() {
        List<String> asNobody = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--");
        try (MasterProcess master = MasterProcess.startUnder(asNobody, List.of("run", "-p", "0", "--user", "root", "--", "sleep", "30"))) {
            assertEquals(2, master.awaitExit(WAIT), master.output());
            assertEquals(List.of("clusterflock: --user: 'root' is not allowed; use it only with a master running as root "
                    + "(this one runs as uid 65534), which binds the port and starts the workers as another user"), master.stderr());
        }
    }

    @Test
    void anUnknownUserIsRefusedInOneLine() {
        try (MasterProcess master = MasterProcess.start("run", "-p", "0", "--user", "no-such-user-here", "--", "sleep", "30")) {
            assertEquals(2, master.awaitExit(WAIT), master.output());
            assertEquals(List.of("clusterflock: --user: 'no-such-user-here' is not allowed; use a user of this machine, by name or uid"),
                    master.stderr());
        }
    }

    private static Map<String, String> status(long pid) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return fields;
    }
}
