package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/spring-boot, a plain Spring MVC application with clusterflock-spring-boot on its class
 * path, as the README runs it: {@code clusterflock run -w 2 -- java -jar spring-boot.jar}. Both
 * workers serve on the one port; each is ready only once the application is (it says so itself);
 * a reload under wrk load fails no request; SIGTERM lets a request in flight finish. One cluster
 * for all of it: a Spring worker takes seconds to start.
 */
@Timeout(300)
class SpringBootIT {
    /** A Spring worker starting beside other JVMs on two cores: seconds, and many on a loaded machine. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern HELLO = Pattern.compile("^hello from spring worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void twoWorkersReadyWhenTheAppIsServeOnePortReloadUnderLoadAndDrainOnSigterm() throws Exception {
        Path jar = LibraryCopies.exampleJar("spring-boot");
        // No AOT cache: its training run writes what it learnt as the worker exits, which for a Spring
        // application on a loaded machine can outlast the stop timeout; the cache is measured elsewhere.
        try (MasterProcess master = MasterProcess.run(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()),
                "-w", "2", "-p", "0", "--aot-cache", "off")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, START);
            readyOnlyOnceTheApplicationIs(master, first);

            Map<Long, Answers.Worker> answers = Answers.untilEveryPid(master.port(), HELLO, first, Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), answers.values().stream().map(Answers.Worker::id).sorted().toList(), master.output());

            long group = Procs.pgrp(first.getFirst());
            ReloadUnderLoad.run("spring keep-alive", master, group, 0, 1, Duration.ofSeconds(30));

            sigtermLetsARequestInFlightFinish(master);
        }
    }

    /**
     * The master hears first that the worker speaks for itself (its status, as Spring starts), and
     * its ready event comes only after the application's start work has run: the application said
     * so, staying up proved nothing.
     */
    private static void readyOnlyOnceTheApplicationIs(MasterProcess master, List<Long> pids) {
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

    /** A /sleep request is in a worker's hands when SIGTERM comes: it is answered, and all exits 0. */
    private static void sigtermLetsARequestInFlightFinish(MasterProcess master) throws Exception {
        int mark = master.mark();
        CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.get(master.port(), "/sleep?ms=3000", Duration.ofSeconds(30));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        master.awaitLineAfter(mark, Pattern.compile("example: sleeping 3000 ms"), Duration.ofSeconds(30));
        master.signal("TERM");
        Http.Response answer = slow.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer + master.output());
        assertTrue(answer.body().startsWith("slept 3000 ms"), answer + master.output());
        assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
    }
}
