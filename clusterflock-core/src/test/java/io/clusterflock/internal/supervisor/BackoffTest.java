package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static List<Duration> firstDelays(Backoff backoff, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(backoff::delayAfter).toList();
    }

    @Test
    void theDelayDoublesPerQuickDeathUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                Duration.ofMillis(1000), Duration.ofMillis(1000)), firstDelays(backoff, 6));
        assertEquals(Duration.ofMillis(1000), backoff.delayAfter(Integer.MAX_VALUE));
    }

    @Test
    void noDeathMeansNoDelay() {
        assertEquals(Duration.ZERO, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30)).delayAfter(0));
        assertEquals(Duration.ZERO, new Backoff(Duration.ofMillis(100), Duration.ZERO).delayAfter(0));
    }

    @Test
    void aCapOfZeroKeepsTheDelayConstant() {
        Backoff constant = new Backoff(Duration.ofSeconds(2), Duration.ZERO);
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)),
                firstDelays(constant, 4));
        assertEquals(Duration.ofSeconds(2), constant.delayAfter(1_000_000));
    }

    @Test
    void aCapEqualToTheFirstDelayKeepsItConstantToo() {
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                firstDelays(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)), 3));
    }

    @Test
    void hugeDelaysDoNotOverflow() {
        Duration century = Duration.ofDays(36_500);
        Backoff backoff = new Backoff(century, century.multipliedBy(8));
        assertEquals(century.multipliedBy(8), backoff.delayAfter(100));
    }

    @Test
    void aWorkerThatStayedUpStartsTheCountAfresh() {
        assertFalse(Backoff.stayedUp(Backoff.STABLE_AFTER.minusMillis(1)));
        assertTrue(Backoff.stayedUp(Backoff.STABLE_AFTER));
    }
}
