package io.clusterflock.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pauses a failing call is given, and what the log says of a burst of failures; no real sleeping. */
class RetryBackoffTest {
    private final List<Duration> pauses = new ArrayList<>();
    private final RetryBackoff backoff = new RetryBackoff("accepting on the test socket", Duration.ofMillis(50),
            Duration.ofSeconds(1), pauses::add);

    @Test
    void eachFailureIsFollowedByAPauseThatDoublesUpToTheMax() throws InterruptedException {
        fail(8);
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1000L, 1000L, 1000L), millis());
    }

    @Test
    void aSuccessStartsThePausesAfresh() throws InterruptedException {
        fail(3);
        backoff.succeeded();
        fail(2);
        assertEquals(List.of(50L, 100L, 200L, 50L, 100L), millis());
    }

    @Test
    void aBurstIsLoggedWhenItStartsAndWhenItEndsNotPerFailure() throws InterruptedException {
        try (LogCapture log = new LogCapture()) {
            backoff.succeeded();
            fail(500);
            backoff.succeeded();
            backoff.succeeded();
            fail(1);
            backoff.succeeded();
            String failed = "WARNING accepting on the test socket failed: Too many open files; retrying with pauses of up to 1s"
                    + " (said again when it works)";
            assertEquals(List.of(failed, "INFO accepting on the test socket works again, after 500 failures",
                    failed, "INFO accepting on the test socket works again, after 1 failure"), log.lines());
        }
    }

    private void fail(int times) throws InterruptedException {
        for (int i = 0; i < times; i++) {
            backoff.failed(new IOException("Too many open files"));
        }
    }

    private List<Long> millis() {
        return pauses.stream().map(Duration::toMillis).toList();
    }
}
