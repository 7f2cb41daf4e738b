package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/javalin, a Javalin 7 application whose own Jetty takes clusterflock-jetty's
 * {@code WorkerConnector}, as its README runs it: {@code clusterflock run -w 2 -- java -jar
 * javalin.jar}. Both workers serve the one port; each is ready on its own word, once Javalin has
 * started and the worker is warm; a reload under wrk load fails no request; SIGTERM lets a request
 * in flight finish and every process exits 0. One cluster for all of it.
 */
@Timeout(180)
class JavalinIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern HELLO = Pattern.compile("^hello from javalin worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void twoWorkersReadyOnTheirWordServeOnePortReloadUnderLoadAndDrainOnSigterm() throws Exception {
        Path jar = LibraryCopies.exampleJar("javalin");
        try (MasterProcess master = MasterProcess.run(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()),
                "-w", "2", "-p", "0", "--aot-cache", "off")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, START);
            readyOnTheirWord(master, first);

            Map<Long, Answers.Worker> answers = Answers.untilEveryPid(master.port(), HELLO, first, Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), answers.values().stream().map(Answers.Worker::id).sorted().toList(), master.output());

            long group = Procs.pgrp(first.getFirst());
            ReloadUnderLoad.run("javalin keep-alive", master, group, 0, 2, Duration.ofSeconds(12));

            sigtermLetsARequestInFlightFinish(master);
        }
    }

    /**
     * The jar carries the readiness marker, so staying up {@code --ready-after} proves nothing: a
     * worker is ready only after it said it listens, which it does once Javalin has started and its
     * warm-up is done.
     */
    private static void readyOnTheirWord(MasterProcess master, List<Long> pids) {
        for (long pid : pids) {
            MasterEvent listening = master.events(EventMatch.about(MasterEvent.Kind.LISTENING, pid)).getFirst();
            MasterEvent ready = master.events(EventMatch.about(MasterEvent.Kind.READY, pid)).getFirst();
            assertTrue(listening.line() < ready.line(), "worker " + pid + " ready (line " + ready.line()
                    + ") only after it listens (line " + listening.line() + ")" + master.output());
        }
    }

    /** A /sleep request is in a worker's hands when SIGTERM comes: it is answered, and all exits 0. */
    private static void sigtermLetsARequestInFlightFinish(MasterProcess master) throws Exception {
        int mark = InFlightShutdown.check(master, 2000);
        // (An old generation's worker may log its exit after the mark: the reload's, not this shutdown's.)
        List<MasterEvent> exits = master.eventsAfter(mark, EventMatch.of(MasterEvent.Kind.EXIT)).stream()
                .filter(exit -> exit.cause().equals("shutdown")).toList();
        assertEquals(List.of(0L, 0L), exits.stream().map(exit -> exit.fields().get("code")).toList(),
                "both workers drained and exited 0" + master.output());
    }
}
