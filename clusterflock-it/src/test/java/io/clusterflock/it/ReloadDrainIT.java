package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What happens to an old worker and its connections in a reload (Jetty workers: the demo): it is
 * told to stop only once its replacement is ready; it answers requests still arriving on a
 * kept-alive connection with {@code Connection: close}, closes connections that sit quiet, lets
 * a short request finish, and is gone within {@code --timeout} of its replacement being ready
 * even with a request that would take longer; then no process of the old generation is left.
 */
@Timeout(120)
class ReloadDrainIT {
    static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    /** Reaping and logging after the kill at the timeout, on a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void oldWorkersDrainTheirConnectionsAndAreGoneWithinTheTimeoutOfTheirReplacementBeingReady() throws Exception {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "-t", TIMEOUT.toSeconds() + "s")) {
            int port = master.port();
            List<Long> old = master.startedPids();
            master.awaitReady(old, SERVE_TIMEOUT);
            long group = Procs.pgrp(old.getFirst());

            LoadKeepAlive quiet = LoadKeepAlive.open(port);
            long quietPid = pidOf(quiet.get("/"), "the quiet connection's first answer", master);
            List<LoadKeepAlive.Response> busyAnswers = new ArrayList<>();
            LoadKeepAlive busy = LoadKeepAlive.open(port);
            long busyPid = pidOf(busy.get("/"), "the busy connection's first answer", master);
            assertTrue(old.contains(quietPid) && old.contains(busyPid), "answered by a worker of generation 0" + master.output());
            CompletableFuture<Void> busyUntilClose = async(() -> {
                // A request every 20 ms: never quiet long enough to be closed, so it must be told.
                try {
                    long deadline = System.nanoTime() + SERVE_TIMEOUT.toNanos();
                    while (System.nanoTime() < deadline) {
                        LoadKeepAlive.Response answer = busy.get("/");
                        synchronized (busyAnswers) {
                            busyAnswers.add(answer);
                        }
                        if (answer.closes()) {
                            return null;
                        }
                        Thread.sleep(20); // the client's pace between requests
                    }
                    throw new AssertionError("no Connection: close in " + SERVE_TIMEOUT.toSeconds() + " s");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            // Connected now, before the reload: only generation 0 accepts yet.
            LoadKeepAlive shortOne = LoadKeepAlive.open(port);
            LoadKeepAlive overlong = LoadKeepAlive.open(port);
            CompletableFuture<LoadKeepAlive.Response> shortRequest = async(() -> get(shortOne, "/sleep?ms=2000"));
            CompletableFuture<LoadKeepAlive.Response> overlongRequest = async(() -> get(overlong, "/sleep?ms=30000"));

            int mark = master.mark();
            master.signal("USR2");
            ReloadLog.awaitServing(master, mark, 1, SERVE_TIMEOUT);
            Map<Integer, Long> replacements = ReloadLog.workersOf(master, 1);

            // Each old worker: told to stop only after its replacement was ready, gone within the timeout of it.
            for (int slot = 0; slot < 2; slot++) {
                long oldPid = old.get(slot);
                long newPid = replacements.get(slot);
                MasterEvent ready = master.awaitEventAfter(mark, EventMatch.about(READY, newPid), Duration.ZERO);
                MasterEvent stopping = master.awaitEventAfter(mark, EventMatch.about(STOPPING, oldPid), Duration.ZERO);
                assertTrue(stopping.line() > ready.line(), "worker " + slot + " (pid " + oldPid
                        + ") told to stop only after its replacement (pid " + newPid + ") was ready" + master.output());
                assertEquals(List.of("reload", 1L, TIMEOUT.toMillis()), List.of(stopping.cause(), stopping.number("toGeneration"),
                        stopping.number("timeoutMillis")), stopping.toString());
                MasterEvent exit = master.awaitEventAfter(mark, EventMatch.about(EXIT, oldPid), TIMEOUT.plus(SLACK).plus(SERVE_TIMEOUT));
                assertEquals(List.of("reload", true), List.of(exit.cause(), exit.expected()), exit.toString());
                // The drain's bound is the stop timeout, from the moment the master asked: it kills at
                // that deadline (the overlong request keeps one of them busy until then).
                Duration took = exit.since(stopping);
                assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) <= 0, "worker " + slot + " (pid " + oldPid + ") ended "
                        + took.toMillis() + " ms after it was asked to stop, timeout " + TIMEOUT.toMillis() + " ms"
                        + master.output());
                assertFalse(Procs.alive(oldPid), "worker " + oldPid + " still alive after its exit event");
            }
            assertEquals(List.of(), ReloadLog.olderGenerationProcesses(group, 1),
                    "processes of generation 0 left in the workers' group" + master.output());
            ReloadUnderLoad.assertNewestEverywhere(master, group, 1, 2);

            // The kept-alive connection that kept asking: every answer a 200 from its old worker, the last says close.
            busyUntilClose.get(5, TimeUnit.SECONDS);
            List<LoadKeepAlive.Response> answers;
            synchronized (busyAnswers) {
                answers = List.copyOf(busyAnswers);
            }
            for (LoadKeepAlive.Response answer : answers) {
                assertEquals(200, answer.status(), "an answer on the busy kept-alive connection: " + answer);
                assertEquals(busyPid, pidOf(answer, "an answer on the busy kept-alive connection", master));
            }
            assertTrue(answers.getLast().closes(), "the last answer: " + answers.getLast());
            assertTrue(busy.closedByServer(Duration.ofSeconds(2)), "the server closes the connection after Connection: close");

            // The quiet one was closed by its draining worker without a word.
            assertTrue(quiet.closedByServer(Duration.ofSeconds(2)), "the quiet kept-alive connection was not closed");

            // The short request finished; the one longer than the timeout was cut when its worker left.
            long shortPid = pidOf(shortRequest.get(10, TimeUnit.SECONDS), "the 2 s request", master);
            assertTrue(old.contains(shortPid), "the 2 s request went to generation 0, not " + shortPid);
            try {
                LoadKeepAlive.Response cut = overlongRequest.get(10, TimeUnit.SECONDS);
                fail("a 30 s request was answered although its worker had to be gone within " + TIMEOUT + ": " + cut);
            } catch (ExecutionException expected) {
                // Closed when its worker left (an EOF, or a reset), not timed out on our side.
                assertTrue(expected.getCause() instanceof UncheckedIOException io
                        && !(io.getCause() instanceof SocketTimeoutException), expected.toString());
            }
            for (LoadKeepAlive connection : List.of(quiet, busy, shortOne, overlong)) {
                connection.close();
            }
        }
    }

    private static LoadKeepAlive.Response get(LoadKeepAlive connection, String path) {
        try {
            return connection.get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> CompletableFuture<T> async(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    private static long pidOf(LoadKeepAlive.Response response, String what, MasterProcess master) {
        assertEquals(200, response.status(), what + ": " + response + master.output());
        return pidOf(response.body(), what, master);
    }

    private static long pidOf(String body, String what, MasterProcess master) {
        Matcher m = HELLO.matcher(body.strip());
        assertTrue(m.matches(), what + ": '" + body + "'" + master.output());
        return Long.parseLong(m.group(2));
    }
}
