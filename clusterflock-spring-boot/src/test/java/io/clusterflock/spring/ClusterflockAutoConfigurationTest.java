package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.env.StandardEnvironment;

/** Outside clusterflock the module changes nothing; where it is found. */
class ClusterflockAutoConfigurationTest {

    @Test
    void outsideAWorkerItBacksOffEntirely() {
        assertFalse(io.clusterflock.worker.Worker.isWorker(), "the tests run outside clusterflock");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ClusterflockAutoConfiguration.class))
                .run(context -> {
                    assertTrue(context.getBeansOfType(ClusterflockWorker.class).isEmpty());
                    assertTrue(context.getBeansOfType(WebServerFactoryCustomizer.class).isEmpty());
                    assertTrue(context.getBeansOfType(WorkerReadiness.class).isEmpty());
                });
    }

    @Test
    void outsideAWorkerTheEnvironmentGetsNoDefaults() {
        StandardEnvironment environment = new StandardEnvironment();
        new WorkerDefaults().postProcessEnvironment(environment, null);
        assertNull(environment.getPropertySources().get(WorkerDefaults.SOURCE));
        assertNull(environment.getProperty("server.shutdown"));
    }

    @Test
    void aWorkerShutsDownGracefullyWithinItsDrainTime() {
        assertEquals("graceful", WorkerDefaults.defaults(10_000).get("server.shutdown"));
        assertEquals("9000ms", WorkerDefaults.defaults(10_000).get("spring.lifecycle.timeout-per-shutdown-phase"));
        assertEquals("4000ms", WorkerDefaults.defaults(5_000).get("spring.lifecycle.timeout-per-shutdown-phase"));
        assertEquals("0s", WorkerDefaults.defaults(10_000).get("spring.reactor.netty.shutdown-quiet-period"));
    }

    @Test
    void springFindsTheAutoConfigurationAndTheEarlyListeners() throws Exception {
        String imports = new String(getClass().getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports").readAllBytes());
        assertEquals(ClusterflockAutoConfiguration.class.getName(), imports.strip());
        var factories = new java.util.Properties();
        factories.load(getClass().getResourceAsStream("/META-INF/spring.factories"));
        assertEquals(WorkerDefaults.class.getName(), factories.getProperty("org.springframework.boot.EnvironmentPostProcessor"));
        assertEquals(WorkerStartReport.class.getName(), factories.getProperty("org.springframework.context.ApplicationListener"));
    }
}
