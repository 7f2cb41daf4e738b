package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.RELOAD_FINISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from the demo's workers: h2 chosen by ALPN over TLS (HTTP/1.1 for a client that asks for
 * it), h2c in clear text by prior knowledge or by upgrade, and reloads under HTTP/2 load with
 * several streams on each connection that fail no stream: the old workers' connections get a
 * GOAWAY, serve the streams the clients had sent, and close once quiet.
 */
@Timeout(300)
class Http2IT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void curlSpeaksHttp2InClearTextAndOverTlsAndHttp11WhenItAsks() throws Exception {
        List<Path> identity = Certificates.make(dir, "h2.example");
        try (MasterProcess clear = MasterProcess.start("demo", "-w", "2", "-p", "0");
             MasterProcess tls = MasterProcess.start("demo", "-w", "2", "-p", "0", "--name", "h2-tls",
                     "--tls-cert", identity.get(0).toString(), "--tls-key", identity.get(1).toString())) {
            clear.awaitReady(clear.startedPids(), WAIT);
            tls.awaitReady(tls.startedPids(), WAIT);
            String plain = "http://127.0.0.1:" + clear.port() + "/";
            String secure = "https://127.0.0.1:" + tls.port() + "/";
            String ca = identity.get(0).toString();
            assertEquals("2", curl("--http2-prior-knowledge", plain), "h2c, prior knowledge");
            assertEquals("2", curl("--http2", plain), "h2c by Upgrade");
            assertEquals("1.1", curl(plain), "HTTP/1.1 in clear text");
            assertEquals("2", curl("--http2", "--cacert", ca, secure), "h2 by ALPN");
            assertEquals("1.1", curl("--http1.1", "--cacert", ca, secure), "HTTP/1.1 by ALPN");
        }
        try (MasterProcess off = MasterProcess.start("demo", "-w", "1", "-p", "0", "--http2", "false")) {
            off.awaitReady(off.startedPids(), WAIT);
            assertEquals("1.1", curl("--http2", "http://127.0.0.1:" + off.port() + "/"), "--http2 false: no upgrade");
        }
    }

    @Test
    void reloadsUnderHttp2LoadOverTlsFailNoStream() {
        List<Path> identity = Certificates.make(dir, "reload.example");
        SSLContext trust = Certificates.trusting(identity.get(0));
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0",
                "--tls-cert", identity.get(0).toString(), "--tls-key", identity.get(1).toString())) {
            reloadTwiceUnderLoad(master, URI.create("https://127.0.0.1:" + master.port() + "/"), trust);
        }
    }

    @Test
    void reloadsUnderH2cLoadFailNoStream() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            reloadTwiceUnderLoad(master, URI.create("http://127.0.0.1:" + master.port() + "/"), null);
        }
    }

    /** Four clients with eight streams each through two reloads: no failure, all HTTP/2, the new workers answering after. */
    private static void reloadTwiceUnderLoad(MasterProcess master, URI uri, SSLContext trust) {
        List<Long> first = master.startedPids();
        master.awaitReady(first, WAIT);
        Set<Long> before;
        ClientLoad load = ClientLoad.start(uri, trust, 4, 8);
        try (load) {
            Await.until(WAIT, () -> "load under way: " + load, () -> load.ok() > 200);
            before = new HashSet<>(load.pids());
            for (int reload = 0; reload < 2; reload++) {
                int mark = master.mark();
                long served = load.ok();
                master.signal("HUP");
                master.awaitEventAfter(mark, EventMatch.of(RELOAD_FINISHED), WAIT);
                Await.until(WAIT, () -> "load goes on after the reload: " + load, () -> load.ok() > served + 200);
            }
        }
        assertEquals(0, load.failed(), load + "\n" + master.output());
        assertEquals(Set.of(HttpClient.Version.HTTP_2), load.versions(), load.toString());
        Set<Long> after = new HashSet<>(load.pids());
        after.removeAll(before);
        assertFalse(after.isEmpty(), "workers of the new generations answered: " + load.pids() + " before " + before);
        assertTrue(first.stream().noneMatch(Procs::alive), "the first generation is gone\n" + master.output());
    }

    /** curl's {@code %{http_version}} for {@code args}, after a 200. */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                "--max-time", "20"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl " + command);
        assertTrue(out.startsWith("200 "), String.join(" ", command) + ": " + out);
        return out.substring(4);
    }
}
