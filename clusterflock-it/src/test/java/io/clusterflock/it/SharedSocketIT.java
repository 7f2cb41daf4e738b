package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workers of any kind serve from the one socket the master listens on; the master never answers. */
@Timeout(120)
class SharedSocketIT {
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern PYTHON_ANSWER = Pattern.compile("^python worker (\\d+) pid (\\d+)$");

    @Test
    void twoJavaWorkersAnswerThroughTheOnePortAndTheMasterNever() {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", "2", "-p", "0")) {
            MasterEvent started = master.started();
            int port = master.port();
            assertEquals(List.of("*:" + port, 2L), List.of(started.text("address"), started.number("workers")), started.toString());
            List<Long> pids = master.startedPids();
            assertEquals(2, pids.size(), master.output());

            Map<Long, Answers.Worker> answered =
                    Answers.untilEveryPid(port, InheritedHttpWorker.ANSWER, pids, SERVE_TIMEOUT);

            assertEquals(new HashSet<>(pids), answered.keySet(), "the pids that answered" + master.output());
            assertFalse(answered.containsKey(master.pid()), "the master answered a request");
            assertEquals(Set.of(0, 1), answered.values().stream().map(Answers.Worker::id).collect(Collectors.toSet()));
            for (long pid : pids) {
                assertEquals(master.pid(), Procs.ppid(pid), "worker " + pid + " is the master's child");
            }
        }
    }

    @Test
    void pythonWorkerServesFromFd3WithListenFdsAndItsOwnListenPid() {
        Optional<List<String>> python = Fixtures.pythonWorker();
        assumeTrue(python.isPresent(), "python3 is not on PATH");
        try (MasterProcess master = MasterProcess.run(python.get(), "-w", "2", "-p", "0")) {
            int port = master.port();
            List<Long> pids = master.startedPids();

            // The worker exits with 3 unless LISTEN_FDS=1 and LISTEN_PID is its own pid.
            Map<Long, Answers.Worker> answered = Answers.untilEveryPid(port, PYTHON_ANSWER, pids, SERVE_TIMEOUT);

            assertEquals(new HashSet<>(pids), answered.keySet(), master.output());
            assertEquals(Set.of(0, 1), answered.values().stream().map(Answers.Worker::id).collect(Collectors.toSet()));
            assertEquals(List.of(), master.events(EventMatch.of(MasterEvent.Kind.EXIT)), "a python worker exited" + master.output());
        }
    }
}
