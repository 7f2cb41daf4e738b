package io.clusterflock.internal.master;

import io.clusterflock.ClusterException;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.options.Options;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.spi.ClusterView;
import io.clusterflock.spi.MetricsEndpoint;
import io.clusterflock.spi.MetricsExporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens the master's metrics endpoint ({@code --metrics}) through the module that provides it:
 * the core depends on the JDK alone, so the Prometheus client comes only with
 * {@code clusterflock-metrics}, found by {@link ServiceLoader}. Either failure is the operator's to
 * fix and is told in one line: the module is missing, or the address cannot be served.
 */
final class MetricsSetup {
    static final String ARTIFACT = "io.clusterflock:clusterflock-metrics";
    private static final System.Logger LOG = System.getLogger("io.clusterflock");

    private MetricsSetup() {}

    /** Serves the cluster that {@code loop} publishes on {@code address}, or says why it cannot. */
    static MetricsEndpoint open(InetSocketAddress address, SupervisorLoop loop) {
        MetricsExporter exporter = ServiceLoader.load(MetricsExporter.class).findFirst()
                .orElseThrow(() -> new ClusterException("serving metrics needs " + ARTIFACT
                        + " on the class path or module path, beside clusterflock-core"));
        String where = Options.METRICS.write(address);
        MetricsEndpoint endpoint;
        try {
            endpoint = exporter.open(address, view(loop));
        } catch (UnknownHostException e) {
            throw new ClusterException("cannot serve metrics on " + where + ": unknown host", e);
        } catch (IOException e) {
            throw new ClusterException("cannot serve metrics on " + where + ": " + Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        LOG.log(System.Logger.Level.INFO, "metrics on " + url(endpoint.address()));
        return endpoint;
    }

    /** "http://127.0.0.1:9100/metrics"; every interface is shown as localhost, as the listening line does. */
    static String url(InetSocketAddress bound) {
        String host = bound.getAddress().isAnyLocalAddress() ? "localhost"
                : ListenSocket.literal(bound.getAddress());
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/metrics";
    }

    private static ClusterView view(SupervisorLoop loop) {
        return new ClusterView() {
            @Override
            public List<WorkerInfo> workers() {
                return loop.snapshot();
            }

            @Override
            public List<SlotInfo> slots() {
                return loop.slots();
            }

            @Override
            public int generation() {
                return loop.rollout().serving();
            }
        };
    }
}
