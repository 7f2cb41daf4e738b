package io.clusterflock.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.clusterflock.spi.MetricsEndpoint;
import io.clusterflock.spi.MetricsExporter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The endpoint on a real loopback port: found as the master finds it, scraped over HTTP, closed. */
class PrometheusExporterTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A GET's status, content type and body. */
    private record Response(int status, String contentType, String body) { }

    private static Response get(InetSocketAddress address, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + address.getPort() + path)
                .toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try (var body = connection.getInputStream()) {
            return new Response(connection.getResponseCode(), connection.getContentType(),
                    new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            connection.disconnect();
        }
    }

    @Test
    void theMasterFindsItAsAServiceAndAScrapeShowsTheClusterAndItsEvents() throws Exception {
        MetricsExporter exporter = ServiceLoader.load(MetricsExporter.class).findFirst().orElseThrow();
        FakeCluster cluster = new FakeCluster();
        long self = ProcessHandle.current().pid(); // a process whose /proc/PID/status surely has a VmRSS
        cluster.workers = List.of(new WorkerInfo(0, self, 0, WorkerState.READY, Optional.empty(), Instant.now(), 0,
                Optional.empty(), OptionalLong.of(12)));
        cluster.slots = List.of(new SlotInfo(0, 0, Optional.empty(), 0, Optional.empty(), OptionalLong.of(12)));
        try (MetricsEndpoint endpoint = exporter.open(ANY_LOOPBACK_PORT, cluster)) {
            assertTrue(endpoint.address().getPort() > 0, "the kernel's pick: " + endpoint.address());
            endpoint.accept(new ClusterEvent.Exit(cluster.workers.getFirst(), new WorkerExit(0, self, 0, ExitStatus.killed(9),
                    new EndCause.Unexpected(), Duration.ofSeconds(3)), Optional.of(Duration.ZERO)));

            Response response = get(endpoint.address(), "/metrics");
            assertEquals(200, response.status());
            assertTrue(response.contentType().startsWith("text/plain"), response.contentType());
            Scrape scrape = Scrape.parse(response.body());
            assertEquals(1, scrape.of("clusterflock_workers{state=\"ready\"}"));
            assertEquals(12, scrape.of("clusterflock_http_requests_total{slot=\"0\"}"));
            assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"unexpected\",expected=\"false\",slot=\"0\"}"));
            assertTrue(scrape.of("clusterflock_worker_resident_memory_bytes{slot=\"0\"}") > 1 << 20, response.body());
            assertTrue(Math.abs(scrape.of("clusterflock_master_start_time_seconds") - System.currentTimeMillis() / 1000.0) < 60);
            assertEquals(List.of(), scrape.samples().keySet().stream().filter(series -> !series.startsWith("clusterflock_")).toList(),
                    "the cluster's metrics only, none of the client's default registry");
        }
    }

    @Test
    void aPortInUseIsABindExceptionAndAClosedEndpointFreesItsPort() throws Exception {
        MetricsExporter exporter = new PrometheusExporter();
        InetSocketAddress taken;
        try (MetricsEndpoint first = exporter.open(ANY_LOOPBACK_PORT, new FakeCluster())) {
            taken = first.address();
            assertThrows(BindException.class, () -> exporter.open(taken, new FakeCluster()).close());
        }
        try (MetricsEndpoint again = exporter.open(taken, new FakeCluster())) {
            assertEquals(200, get(again.address(), "/metrics").status());
        }
    }

    @Test
    void aHostNameIsLookedUpWhenItIsBound() throws Exception {
        try (MetricsEndpoint endpoint = new PrometheusExporter().open(InetSocketAddress.createUnresolved("localhost", 0), new FakeCluster())) {
            assertTrue(endpoint.address().getAddress().isLoopbackAddress(), endpoint.address().toString());
            assertEquals(200, get(endpoint.address(), "/metrics").status());
        }
    }
}
