package io.clusterflock.jetty.inherited;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SlowStartTest {
    @Test
    void theShareDoublesEachSixthOfTheRampAndIsWholeAfterIt() {
        SlowStart ramp = SlowStart.from(1_000, Duration.ofSeconds(6));
        List<Integer> allowed = LongStream.of(0, 999_999_999, 1_000_000_000, 2_500_000_000L, 5_999_999_999L, 6_000_000_000L)
                .mapToObj(t -> ramp.allowed(1_000 + t)).toList();

        assertEquals(List.of(2, 2, 4, 8, 64, Integer.MAX_VALUE), allowed);
    }

    @Test
    void noRampAllowsAnyNumberAtOnce() {
        assertEquals(Integer.MAX_VALUE, SlowStart.from(5, Duration.ZERO).allowed(5));
    }
}
