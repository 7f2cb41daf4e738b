package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the Spring example tests share: a cluster of a Spring Boot example's jar as its README runs
 * it, and the checks that hold whatever the embedded server.
 */
final class SpringApps {
    /** A Spring worker starting beside other JVMs on two cores: seconds, and many on a loaded machine. */
    static final Duration START = Duration.ofSeconds(120);

    private SpringApps() {}

    /**
     * {@code clusterflock run -w 2 -- java -jar NAME.jar} on a free port. No AOT cache: its
     * training run writes what it learnt as the worker exits, which for a Spring application on a
     * loaded machine can outlast the stop timeout; the cache is measured elsewhere.
     */
    static MasterProcess run(String example) {
        Path jar = LibraryCopies.exampleJar(example);
        return MasterProcess.run(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()),
                "-w", "2", "-p", "0", "--aot-cache", "off");
    }

    /**
     * The master hears first that the worker speaks for itself (its status, as Spring starts), and
     * its ready event comes only after the application's start work has run: the application said
     * so, staying up proved nothing.
     */
    static void readyOnlyOnceTheApplicationIs(MasterProcess master, List<Long> pids) {
        List<MasterProcess.Line> lines = master.lines();
        for (long pid : pids) {
            MasterEvent ready = master.events(EventMatch.about(MasterEvent.Kind.READY, pid)).getFirst();
            MasterEvent status = master.events(EventMatch.about(MasterEvent.Kind.STATUS, pid)).getFirst();
            int slot = ready.slot();
            int started = indexOf(lines, "example: started in worker " + slot);
            assertTrue(started >= 0 && started < ready.line(), "worker " + slot + " ready (line " + ready.line()
                    + ") only after the application started (line " + started + ")" + master.output());
            assertTrue(status.line() < ready.line(), "status before ready" + master.output());
        }
    }

    private static int indexOf(List<MasterProcess.Line> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).text().contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The one cluster a Spring IT runs: both workers ready, both answering {@code hello} on the one
     * port, a reload under wrk load for {@code reloadFor} with no failed request; with {@code full},
     * also that each was ready only once the application was, and SIGTERM with a request in flight.
     */
    static void serveReloadAndStop(String example, Pattern hello, String label, Duration reloadFor, boolean full) throws Exception {
        try (MasterProcess master = run(example)) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, START);
            if (full) {
                readyOnlyOnceTheApplicationIs(master, first);
            }
            Map<Long, Answers.Worker> answers = Answers.untilEveryPid(master.port(), hello, first, Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), answers.values().stream().map(Answers.Worker::id).sorted().toList(), master.output());
            ReloadUnderLoad.run(label, master, Procs.pgrp(first.getFirst()), 0, 1, reloadFor);
            if (full) {
                InFlightShutdown.check(master, 3000);
            }
        }
    }
}
