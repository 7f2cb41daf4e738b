package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.ClusterException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The core alone (its own tests' class path) has no metrics endpoint: asked for one, it names the module to add. */
class MetricsSetupTest {

    @Test
    void withoutTheMetricsModuleTheMasterNamesTheArtifactInOneLine() {
        ClusterException refused = assertThrows(ClusterException.class,
                () -> MetricsSetup.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new SupervisorLoop()));
        assertEquals("serving metrics needs io.clusterflock:clusterflock-metrics on the class path or module path, "
                + "beside clusterflock-core", refused.getMessage());
    }

    @Test
    void theUrlNamesTheAddressAsPeopleWriteIt() {
        assertEquals("http://127.0.0.1:9100/metrics", MetricsSetup.url(new InetSocketAddress("127.0.0.1", 9100)));
        assertEquals("http://[::1]:9100/metrics", MetricsSetup.url(new InetSocketAddress("::1", 9100)));
        assertEquals("http://localhost:9100/metrics", MetricsSetup.url(new InetSocketAddress(9100)));
    }
}
