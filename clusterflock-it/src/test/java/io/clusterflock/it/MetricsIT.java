package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.it.MasterEvent.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --metrics}: a real master serves {@code GET /metrics} from the bundled clusterflock-metrics,
 * in a text that promtool accepts, and its counters move with what happens to the cluster: requests
 * served, a {@code kill -9}, a reload. The request counter of a slot never goes down, whatever
 * becomes of the slot's processes. Bad input is one line and exit code 2.
 */
@Timeout(180)
class MetricsIT {
    private static final Pattern METRICS_URL = Pattern.compile("^metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics$");
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String REQUESTS = "clusterflock_http_requests_total";

    @BeforeAll
    static void promtoolIsInstalled() {
        Promtool.executable();
    }

    /** A master's metrics port: the kernel's pick, as its log line says. */
    private static int metricsPort(MasterProcess master) {
        MasterEvent line = master.awaitEvent(EventMatch.log("info", METRICS_URL), MasterProcess.START_TIMEOUT);
        Matcher url = METRICS_URL.matcher(line.message());
        assertTrue(url.find(), line.message());
        return Integer.parseInt(url.group(1));
    }

    /** Scrapes, and checks that no slot's request count went down since the last scrape. */
    private static final class Scraper {
        private final int port;
        private final Map<String, Double> requestsSeen = new HashMap<>();

        Scraper(int port) {
            this.port = port;
        }

        MetricsScrape scrape() {
            MetricsScrape scrape = MetricsScrape.of(port);
            scrape.series(REQUESTS).forEach((series, value) -> {
                Double before = requestsSeen.put(series, value);
                assertTrue(before == null || value >= before, series + " went down from " + before + " to " + value);
            });
            return scrape;
        }

        /** Scrapes until {@code series} reaches {@code value}. */
        MetricsScrape awaitAtLeast(String series, double value) {
            return Await.value(TIMEOUT, () -> series + " >= " + value + " in\n" + scrape().text(), () -> {
                MetricsScrape scrape = scrape();
                return scrape.value(series).orElse(-1) >= value ? scrape : null;
            });
        }

        MetricsScrape awaitRequestsAtLeast(double total) {
            return Await.value(TIMEOUT, () -> "requests served >= " + total + " in\n" + scrape().text(), () -> {
                MetricsScrape scrape = scrape();
                return scrape.sum(REQUESTS) >= total ? scrape : null;
            });
        }
    }

    private static void assertPromtoolPasses(MetricsScrape scrape) {
        Promtool.Verdict verdict = Promtool.check(scrape.text());
        assertTrue(verdict.passed(), "promtool check metrics: exit " + verdict.exitCode() + "\n" + verdict.output()
                + "\nof\n" + scrape.text());
    }

    private static void get(int port, int times) throws IOException {
        for (int i = 0; i < times; i++) {
            Http.Response response = Http.get(port, "/");
            assertEquals(200, response.status(), response.head());
            assertTrue(HELLO.matcher(response.body().strip()).matches(), response.body());
        }
    }

    @Test
    void countersMoveWithRequestsAKillAndAReloadAndPromtoolAcceptsTheText() throws IOException {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--metrics", "127.0.0.1:0")) {
            Scraper metrics = new Scraper(metricsPort(master));
            int port = master.port();
            List<Long> pids = master.startedPids();
            master.awaitReady(pids, TIMEOUT);

            MetricsScrape first = metrics.awaitAtLeast("clusterflock_workers{state=\"ready\"}", 2);
            assertPromtoolPasses(first);
            assertEquals(0, first.of("clusterflock_workers{state=\"starting\"}"), "every state is there, 0 included");
            assertEquals(2, first.of("clusterflock_slots"));
            assertEquals(0, first.of("clusterflock_generation"));
            assertEquals(0, first.of("clusterflock_reloads_total{result=\"finished\"}"));
            assertEquals(2, first.of("clusterflock_worker_ready_seconds_count"));
            assertTrue(first.of("clusterflock_worker_resident_memory_bytes{slot=\"0\"}") > 8 << 20, first.text());

            get(port, 40);
            MetricsScrape served = metrics.awaitRequestsAtLeast(40);
            double slot0 = served.of(REQUESTS + "{slot=\"0\"}");

            long killed = pids.getFirst(); // slot 0's
            int mark = master.mark();
            assertTrue(Kill.signal(killed, "KILL"), "kill -9 " + killed);
            master.awaitEvent(EventMatch.about(Kind.EXIT, killed), TIMEOUT);
            MetricsScrape afterKill = metrics.awaitAtLeast(
                    "clusterflock_worker_exits_total{cause=\"unexpected\",expected=\"false\",slot=\"0\"}", 1);
            assertTrue(afterKill.of(REQUESTS + "{slot=\"0\"}") >= slot0, "what the killed worker served still counts");
            long respawned = master.awaitFork(0, mark, TIMEOUT);
            master.awaitReady(List.of(respawned), TIMEOUT);

            get(port, 20);
            double beforeReload = metrics.awaitRequestsAtLeast(60).sum(REQUESTS);
            mark = master.mark();
            master.signal("USR2");
            master.awaitEventAfter(mark, EventMatch.of(Kind.RELOAD_FINISHED), TIMEOUT);
            metrics.awaitAtLeast("clusterflock_reloads_total{result=\"finished\"}", 1);
            // the snapshot that says which generation serves is published once the turn that finished the reload ends
            MetricsScrape afterReload = metrics.awaitAtLeast("clusterflock_generation", 1);
            assertPromtoolPasses(afterReload);
            assertEquals(1, afterReload.of("clusterflock_reloads_total{result=\"finished\"}"));
            assertEquals(1, afterReload.of("clusterflock_reload_seconds_count{result=\"finished\"}"));
            assertTrue(afterReload.sum(REQUESTS) >= beforeReload, "the reload took no request off the count: "
                    + beforeReload + " before, " + afterReload.sum(REQUESTS) + " after");
            assertTrue(afterReload.of("clusterflock_worker_ready_seconds_count") >= 5,
                    "2 first workers, the respawn, 2 of the new generation:\n" + afterReload.text());
            metrics.awaitAtLeast("clusterflock_worker_exits_total{cause=\"reload\",expected=\"true\",slot=\"1\"}", 1);

            get(port, 10);
            metrics.awaitRequestsAtLeast(70); // the new generation's requests add to the old ones'

            int metricsPort = metrics.port;
            master.signal("TERM");
            assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.output());
            assertTrue(Http.refused(metricsPort), "the metrics port is closed with the master");
        }
    }

    @Test
    void aMetricsPortInUseIsRefusedInOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            String line = BadInputIT.assertRefused(List.of("-w", "1", "-p", "0", "--metrics", address, "--", "sleep", "30"), address);
            assertEquals("clusterflock: cannot serve metrics on " + address + ": Address already in use", line);
        }
    }

    @Test
    void aMalformedMetricsAddressIsRefusedInOneLine() {
        String line = BadInputIT.assertRefused(List.of("-w", "1", "-p", "0", "--metrics", "9100:localhost", "--", "sleep", "30"),
                "--metrics");
        assertEquals("clusterflock: --metrics: '9100:localhost' is not allowed; use HOST:PORT, [IPv6]:PORT, or :PORT for every "
                + "interface, with a port from 0 to 65535", line);
    }

    @Test
    void aLibraryModeProgramWithoutTheModuleIsToldWhichArtifactToAdd() {
        try (MasterProcess master = MasterProcess.program(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dclusterflock.port=0", "-Dclusterflock.metrics=127.0.0.1:0",
                "-jar", LibraryCopies.exampleJar("hello").toString()))) {
            assertEquals(2, master.awaitExit(Duration.ofSeconds(30)), master.output());
            assertEquals(List.of("clusterflock: serving metrics needs io.clusterflock:clusterflock-metrics on the class path "
                    + "or module path, beside clusterflock-core"), master.stderr().stream().filter(l -> !l.isBlank()).toList(),
                    master.output());
            assertTrue(Await.within(Duration.ofSeconds(2), () -> master.remaining().isEmpty()), "nothing left running");
        }
    }
}
