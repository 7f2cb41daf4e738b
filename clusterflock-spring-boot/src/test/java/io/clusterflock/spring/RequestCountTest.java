package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Counting requests, and the two reports of a worker recycled by requests. */
class RequestCountTest {

    @Test
    void halfTheLimitAndTheLimitAreReportedAtOnceAndNothingElse() {
        List<Long> reports = new ArrayList<>();
        RequestCount count = new RequestCount(OptionalLong.of(10), reports::add);
        for (int i = 0; i < 12; i++) {
            count.increment();
        }
        assertEquals(List.of(5L, 10L), reports);
        assertEquals(12, count.get());
    }

    @Test
    void withoutALimitThereIsNoReport() {
        List<Long> reports = new ArrayList<>();
        RequestCount count = new RequestCount(OptionalLong.empty(), reports::add);
        count.increment();
        assertEquals(List.of(), reports);
    }

    @Test
    void aStatusLineGivesItsCode() throws IOException {
        assertEquals(503, LoopbackTarget.status("HTTP/1.1 503"));
        assertEquals(200, LoopbackTarget.status("HTTP/1.1 200 OK\r\n"));
    }
}
