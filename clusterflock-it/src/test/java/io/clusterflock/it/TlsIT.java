package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.RELOAD_FAILED;
import static io.clusterflock.it.MasterEvent.Kind.RELOAD_FINISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from the demo's workers (library mode on Jetty): the certificate and key the operator
 * names are checked before anything starts, and each new worker reads them afresh, so a renewed
 * certificate goes live with a reload, under load, without a failed handshake or request; a
 * broken one makes the reload give up while the old generation serves on.
 */
@Timeout(240)
class TlsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void aRenewedCertificateGoesLiveWithAReloadUnderLoadWithoutAFailedHandshakeOrRequest() throws Exception {
        List<Path> first = Certificates.make(dir, "first.example");
        List<Path> second = Certificates.make(dir, "second.example");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Certificates.replace(first.get(0), cert);
        Certificates.replace(first.get(1), key);
        SSLContext trust = Certificates.trusting(first.get(0), second.get(0));

        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString())) {
            int port = master.port();
            List<Long> serving = master.startedPids();
            master.awaitReady(serving, WAIT);
            assertEquals("CN=first.example", servedSubject(port, trust), master.output());

            // Renewal: the files are replaced, then a reload, under keep-alive load (the drain's Connection: close over TLS).
            Certificates.replace(second.get(0), cert);
            Certificates.replace(second.get(1), key);
            int mark = master.mark();
            LoadWrk.Run keptAlive = LoadWrk.start("https", port, Duration.ofSeconds(12));
            ReloadSignals.every(Duration.ofSeconds(3), master, "HUP", 1).await(WAIT);
            master.awaitEventAfter(mark, EventMatch.of(RELOAD_FINISHED), WAIT);
            LoadWrk.Result keepAliveResult = keptAlive.await();
            keepAliveResult.assertNoFailedRequest("HTTPS keep-alive through a certificate renewal", master.output());
            serving = awaitReplaced(master, serving, mark);
            assertEquals("CN=second.example", servedSubject(port, trust), master.output());

            // Back to the first one, a new TLS handshake for every request meanwhile.
            Certificates.replace(first.get(0), cert);
            Certificates.replace(first.get(1), key);
            mark = master.mark();
            LoadWrk.Run handshakes = LoadWrk.start("https", port, Duration.ofSeconds(12), "-H", "Connection: close");
            ReloadSignals.every(Duration.ofSeconds(3), master, "HUP", 1).await(WAIT);
            master.awaitEventAfter(mark, EventMatch.of(RELOAD_FINISHED), WAIT);
            LoadWrk.Result handshakeResult = handshakes.await();
            handshakeResult.assertNoFailedRequest("a TLS handshake per request through a certificate renewal", master.output());
            assertTrue(handshakeResult.requests() > 0, handshakeResult.output());
            awaitReplaced(master, serving, mark);
            assertEquals("CN=first.example", servedSubject(port, trust), master.output());
        }
    }

    @Test
    void aKeyThatDoesNotMatchMakesTheReloadGiveUpAndTheOldCertificateServesOn() throws Exception {
        List<Path> identity = Certificates.make(dir, "kept.example");
        Path key = dir.resolve("key.pem");
        Certificates.replace(identity.get(1), key);
        SSLContext trust = Certificates.trusting(identity.get(0));

        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--tls-cert", identity.get(0).toString(),
                "--tls-key", key.toString())) {
            int port = master.port();
            List<Long> serving = master.startedPids();
            master.awaitReady(serving, WAIT);

            Certificates.replace(Certificates.strayKey(dir), key);
            int mark = master.mark();
            master.signal("HUP");
            master.awaitEventAfter(mark, EventMatch.of(RELOAD_FAILED), WAIT);

            assertEquals("CN=kept.example", servedSubject(port, trust), master.output());
            assertTrue(serving.stream().allMatch(Procs::alive), "the old generation serves on\n" + master.output());
            assertTrue(Pattern.compile("cannot serve: TLS key " + Pattern.quote(key.toString())
                    + " is not the private key of the certificate CN=kept.example").matcher(master.output()).find(), master.output());
        }
    }

    /**
     * A request the handler works on for long while its connection is silent must not look idle
     * to the drain: over TLS the connection that counts requests is behind the TLS one.
     */
    @Test
    void slowRequestsOverHttp11AndHttp2InFlightThroughAReloadAreAnswered() throws Exception {
        List<Path> identity = Certificates.make(dir, "slow.example");
        SSLContext trust = Certificates.trusting(identity.get(0));
        try (MasterProcess master = MasterProcess.start("demo", "-w", "1", "-p", "0", "--timeout", "40s",
                "--tls-cert", identity.get(0).toString(), "--tls-key", identity.get(1).toString());
             HttpClient http11 = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1).build();
             HttpClient http2 = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_2).build()) {
            List<Long> old = master.startedPids();
            master.awaitReady(old, WAIT);
            // Longer than a reload takes to start the drain here plus the drain's one idle second; within --timeout.
            HttpRequest slow = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + master.port() + "/sleep?ms=15000"))
                    .timeout(WAIT).build();
            var first = http11.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            var second = http2.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            int mark = master.mark();
            master.signal("HUP");
            for (var answer : List.of(first.get(), second.get())) {
                assertEquals(200, answer.statusCode(), master.output());
                assertTrue(answer.body().contains("(pid " + old.getFirst() + ")"), answer.body());
            }
            assertEquals(HttpClient.Version.HTTP_2, second.get().version());
            master.awaitEventAfter(mark, EventMatch.of(RELOAD_FINISHED), WAIT);
        }
    }

    @Test
    void aKeyThatDoesNotMatchIsRefusedInOneLineBeforeAnythingStarts() {
        List<Path> identity = Certificates.make(dir, "refused.example");
        Path stray = Certificates.strayKey(dir);
        try (MasterProcess master = MasterProcess.startText(List.of("demo", "-p", "0", "--tls-cert", identity.get(0).toString(),
                "--tls-key", stray.toString()))) {
            assertEquals(2, master.awaitExit(WAIT), master.output());
            assertEquals(List.of("clusterflock: --tls-key '" + stray + "' is not the private key of the certificate CN=refused.example"),
                    master.stderr(), master.output());
            assertFalse(master.output().contains("forked"), master.output());
        }
    }

    /**
     * Waits for the old workers to be gone (a draining worker's acceptor may still take one
     * connection as its drain starts); returns the workers forked since {@code mark}, which serve now.
     */
    private static List<Long> awaitReplaced(MasterProcess master, List<Long> old, int mark) {
        Await.until(WAIT, () -> "the old workers " + old + " exit\n" + master.output(), () -> old.stream().noneMatch(Procs::alive));
        return master.eventsAfter(mark, EventMatch.of(FORK)).stream().map(MasterEvent::pid).toList();
    }

    /** The subject of the certificate a new connection is shown. */
    private static String servedSubject(int port, SSLContext trust) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trust).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return Certificates.subject(response.sslSession().orElseThrow().getPeerCertificates());
        }
    }
}
