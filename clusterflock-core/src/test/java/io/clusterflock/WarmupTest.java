package io.clusterflock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.internal.util.WarmupEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupTest {
    @Test
    void aPathAloneIsAGetSentTheDefaultNumberOfTimes() {
        assertEquals(new Warmup("GET", "/items?page=2", Map.of(), "", Warmup.DEFAULT_COUNT, Duration.ZERO),
                Warmup.parse(" /items?page=2 "));
    }

    @Test
    void fieldsAfterSemicolonsSetCountDurationHeadersAndBody() {
        Warmup warmup = Warmup.parse("post /orders; for 3s; header Content-Type: application/json; header X-A: b c; body {\"sku\": 1}");

        assertEquals(Warmup.request("POST", "/orders").lasting(Duration.ofSeconds(3)).header("Content-Type", "application/json")
                .header("X-A", "b c").body("{\"sku\": 1}"), warmup);
        assertEquals(warmup, Warmup.parse(warmup.text()), "the text form reads back");
    }

    @Test
    void theBodyTakesTheRestOfTheTextAndAHeaderValueMayHoldSemicolons() {
        Warmup warmup = Warmup.parse("POST /a; header Content-Type: text/plain; charset=utf-8; count 3; body x; y;z");

        assertEquals(Warmup.request("POST", "/a").header("Content-Type", "text/plain; charset=utf-8").times(3).body("x; y;z"),
                warmup);
        assertEquals(warmup, Warmup.parse(warmup.text()));
    }

    @Test
    void aCountAndADurationTogetherAndFramingHeadersAreRefused() {
        assertEquals("give a warm-up a count or a duration ('for'), not both",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; count 5; for 2s")).getMessage());
        assertEquals("'header Connection': leave it out, the warm-up sets Connection itself",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; header Connection: keep-alive")).getMessage());
        assertEquals("'for 0': a warm-up lasts 1ms or more",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; for 0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Warmup.get("/a").body("x".repeat(Warmup.MAX_BODY_BYTES + 1)));
    }

    @Test
    void anOperatorsWarmUpIsRefusedWithWhatIsWrongInIt() {
        OptionException refused = assertThrows(OptionException.class, () -> io.clusterflock.internal.options.Options.WARMUP.parse("GET items"));
        assertEquals("warmup: 'GET items' is not allowed; use [METHOD] PATH, then '; count N', '; for DURATION', '; header NAME: VALUE',"
                + " '; body TEXT' or '; body @FILE' ('items' is not a request path: start it with / and leave out spaces)", refused.getMessage());
    }

    @Test
    void aBodyIsReadFromAFileAfterAnAt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("order.json"), "{\"a\": \"x; y\"}\n");

        assertEquals("{\"a\": \"x; y\"}\n", Warmup.parse("POST /orders; count 5; body @" + file).body());
    }

    @Test
    void whatIsNotAWarmUpIsRefusedWithWhatIsAllowed() {
        assertEquals("'items' is not a request path: start it with / and leave out spaces",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("GET items")).getMessage());
        assertEquals("'count x': write count and a whole number, such as count 500",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; count x")).getMessage());
        assertEquals("'times 3' is not a warm-up field: use count N, for DURATION, header NAME: VALUE or body TEXT|@FILE",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; times 3")).getMessage());
        assertEquals("a warm-up is sent at least once, not 0 times",
                assertThrows(IllegalArgumentException.class, () -> Warmup.parse("/a; count 0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Warmup.get("/a").header("X", "a\r\nB: c"));
    }

    @Test
    void theOperatorsTypoIsNamedByTheBuilder() {
        OptionException refused = assertThrows(OptionException.class,
                () -> ClusterOptions.builder().command("x").warmup("GET /a; cuont 3"));
        assertEquals("warmup: 'GET /a; cuont 3' is not allowed; use a warm-up such as 'GET /items; count 500' ('cuont 3' is not"
                + " a warm-up field: use count N, for DURATION, header NAME: VALUE or body TEXT|@FILE)", refused.getMessage());
    }

    @Test
    void warmUpsCrossToTheWorkersInOneVariableWhateverTheyHold() {
        List<Warmup> warmups = List.of(Warmup.get("/"), Warmup.request("PUT", "/a%20b?x=1&y=2").times(7)
                .header("X-Tab", "a\tb").body("line 1\nline 2\t; ü"), Warmup.get("/slow").lasting(Duration.ofMillis(1500)));

        String encoded = WarmupEnvironment.encode(warmups);
        assertEquals(3, encoded.lines().count());
        assertEquals(warmups, WarmupEnvironment.decode(encoded));
        assertEquals(List.of(), WarmupEnvironment.decode(""));
    }

    @Test
    void onTheWireAWarmUpIsOneRequestOnAConnectionClosedAfterTheAnswer() {
        assertEquals("GET /items HTTP/1.1\r\nConnection: close\r\nHost: localhost\r\n\r\n",
                new String(Warmup.parse("GET /items").bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("POST /o HTTP/1.1\r\nConnection: close\r\nHost: shop\r\nContent-Length: 5\r\n\r\nsocks",
                new String(Warmup.parse("POST /o; header Host: shop; body socks").bytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
