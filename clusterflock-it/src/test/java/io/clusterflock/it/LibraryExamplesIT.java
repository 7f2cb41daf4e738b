package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples as the README runs them, from private copies of their jars: hello and servlet in
 * library mode ({@code java -jar}), tomcat in command mode ({@code clusterflock run -- java -jar}).
 */
@Timeout(120)
class LibraryExamplesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    @Test
    void helloJarServesFromThreeWorkers() {
        Path jar = LibraryCopies.exampleJar("hello");
        try (MasterProcess master = MasterProcess.program(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dclusterflock.port=0", "-Dclusterflock.workers=3", "-jar", jar.toString()))) {
            Map<Integer, String> answers = untilEveryId(master, "/", Pattern.compile("^hello from worker (\\d+)$"), 3);
            assertEquals(Set.of(0, 1, 2), answers.keySet(), master.output());
            assertFalse(master.startedPids().contains(master.pid()));
            stop(master);
        }
    }

    @Test
    void servletJarGreetsFromEveryWorker() {
        Path jar = LibraryCopies.exampleJar("servlet");
        try (MasterProcess master = MasterProcess.program(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dclusterflock.port=0", "-jar", jar.toString()))) {
            Map<Integer, String> answers = untilEveryId(master, "/greet/bob",
                    Pattern.compile("^hello bob from servlet worker (\\d+)$"), 2);
            assertEquals(Set.of(0, 1), answers.keySet(), master.output());
            stop(master);
        }
    }

    @Test
    void tomcatJarServesFromTwoWorkersInCommandMode() {
        Path jar = LibraryCopies.exampleJar("tomcat");
        try (MasterProcess master = MasterProcess.run(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()), "-w", "2", "-p", "0", "--timeout", "5s")) {
            Map<Integer, String> answers = untilEveryId(master, "/",
                    Pattern.compile("^hello from tomcat worker (\\d+) \\(pid (\\d+)\\)$"), 2);
            assertEquals(Set.of(0, 1), answers.keySet(), master.output());
            List<Long> pids = master.startedPids();
            for (Map.Entry<Integer, String> answer : answers.entrySet()) {
                Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(answer.getValue());
                assertTrue(m.find() && pids.contains(Long.parseLong(m.group(1))), answer.getValue() + " is not from " + pids);
            }
            stop(master);
        }
    }

    /**
     * GETs {@code path} until workers 0 to {@code workers - 1} have answered; every answer must be a
     * 200 whose body (stripped) matches {@code body}, group 1 the worker id. Connections refused
     * while the workers start (a Tomcat takes its time) are retried.
     */
    private static Map<Integer, String> untilEveryId(MasterProcess master, String path, Pattern body, int workers) {
        int port = master.port();
        Map<Integer, String> seen = new HashMap<>();
        Await.until(TIMEOUT, () -> "answers to " + path + " from workers 0 to " + (workers - 1) + ", seen " + seen
                + master.output(), () -> {
            Http.Response response;
            try {
                response = Http.get(port, path);
            } catch (IOException e) {
                throw new UncheckedIOException("GET " + path + master.output(), e);
            }
            assertEquals(200, response.status(), response + master.output());
            Matcher m = body.matcher(response.body().strip());
            assertTrue(m.matches(), "'" + response.body() + "' does not match /" + body + "/");
            seen.put(Integer.parseInt(m.group(1)), response.body().strip());
            return seen.size() == workers;
        });
        return seen;
    }

    /** SIGTERM: the example stops cleanly, with exit code 0. */
    private static void stop(MasterProcess master) {
        master.signal("TERM");
        assertEquals(0, master.awaitExit(Duration.ofSeconds(15)), master.output());
    }
}
