package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.Warmup;
import io.clusterflock.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The warm-up: the application's beans, then its requests; what counts as not warm. */
class WarmUpTest {
    private final Worker worker = Workers.of(Map.of("CLUSTERFLOCK_WORKER_ID", "0"));

    @Test
    void beansRunInOrderThenEveryRequestIsSentItsCountOfTimesMarkedAsAWarmUp() throws Exception {
        List<String> seen = new ArrayList<>();
        InheritedServer.WarmupTarget target = request -> {
            String text = new String(request, StandardCharsets.UTF_8);
            seen.add(text.lines().findFirst().orElseThrow());
            assertTrue(text.contains("\r\nX-Clusterflock-Warmup: 1\r\n"), text);
            return 200;
        };
        WarmupRequests requests = new WarmupRequests(List.of(Warmup.parse("GET /a; count 3"), Warmup.parse("POST /b; count 1")));
        String done = new WarmUp(worker, List.of(() -> seen.add("bean 1"), () -> seen.add("bean 2")), requests,
                Optional.of(target)).run();
        assertEquals(List.of("bean 1", "bean 2", "GET /a HTTP/1.1", "GET /a HTTP/1.1", "GET /a HTTP/1.1",
                "POST /b HTTP/1.1"), seen);
        assertTrue(done.startsWith("2 warm-up beans, 4 requests in "), done);
    }

    @Test
    void onlyServerErrorsOrNoAnswerOrAFailingBeanMeanNotWarm() {
        WarmupRequests one = new WarmupRequests(List.of(Warmup.parse("GET /a; count 5")));
        WarmUp.Failed errors = assertThrows(WarmUp.Failed.class,
                () -> new WarmUp(worker, List.of(), one, Optional.of(request -> 503)).run());
        assertEquals("GET /a answered 503 to all 5 warm-up requests", errors.getMessage());

        WarmUp.Failed silent = assertThrows(WarmUp.Failed.class, () -> new WarmUp(worker, List.of(), one,
                Optional.of(request -> { throw new IOException("connection refused"); })).run());
        assertTrue(silent.getMessage().startsWith("GET /a got no answer"), silent.getMessage());

        WarmUp.Failed bean = assertThrows(WarmUp.Failed.class, () -> new WarmUp(worker,
                List.of(() -> { throw new IllegalStateException("no database"); }), one, Optional.of(request -> 200)).run());
        assertTrue(bean.getMessage().contains("no database"), bean.getMessage());

        int[] calls = {0};
        assertTrue(assertDoesNotFail(() -> new WarmUp(worker, List.of(), one,
                Optional.of(request -> ++calls[0] == 5 ? 200 : 500)).run()).contains("5 requests"));
    }

    @Test
    void theApplicationsWarmUpsComeFromOneValueOrAnIndexedListThenTheOperators() {
        Warmup operators = Warmup.parse("GET /op");
        assertEquals(List.of(Warmup.parse("POST /x; body a, b"), operators), WarmupRequests.of(
                new MockEnvironment().withProperty("clusterflock.warmup", "POST /x; body a, b"), List.of(operators)).list());
        assertEquals(List.of(Warmup.parse("GET /1"), Warmup.parse("GET /2; count 5")), WarmupRequests.of(
                new MockEnvironment().withProperty("clusterflock.warmup[0]", "GET /1")
                        .withProperty("clusterflock.warmup[1]", "GET /2; count 5"), List.of()).list());
        assertTrue(WarmupRequests.of(new MockEnvironment(), List.of()).isEmpty());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WarmupRequests.of(
                new MockEnvironment().withProperty("clusterflock.warmup[0]", "GET items"), List.of()));
        assertEquals("clusterflock.warmup[0]: 'GET items' is not a warm-up: 'items' is not a request path: start it"
                + " with / and leave out spaces", refused.getMessage());
    }

    private static String assertDoesNotFail(Attempt attempt) {
        try {
            return attempt.run();
        } catch (WarmUp.Failed e) {
            throw new AssertionError(e);
        }
    }

    private interface Attempt {
        String run() throws WarmUp.Failed;
    }
}
