package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * SIGTERM with a request in a worker's hands, for the examples that answer {@code /sleep?ms=N}
 * (logging {@code example: sleeping N ms}, answering {@code slept N ms}): the request is answered,
 * and the master exits 0.
 */
final class InFlightShutdown {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InFlightShutdown() {}

    /** Returns the line mark taken before the request, for checks of what the shutdown logged. */
    static int check(MasterProcess master, int sleepMillis) throws Exception {
        int mark = master.mark();
        CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.get(master.port(), "/sleep?ms=" + sleepMillis, WAIT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        master.awaitLineAfter(mark, Pattern.compile("example: sleeping " + sleepMillis + " ms"), WAIT);
        master.signal("TERM");
        Http.Response answer = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer + master.output());
        assertTrue(answer.body().startsWith("slept " + sleepMillis + " ms"), answer + master.output());
        assertEquals(0, master.awaitExit(WAIT), master.output());
        return mark;
    }
}
