package io.clusterflock.it;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/spring-jetty, Spring MVC on Jetty (spring-boot-starter-jetty) with
 * clusterflock-spring-boot, under {@code clusterflock run -w 2}: clusterflock-jetty's connector
 * serves the shared socket in each worker, both workers answer on the one port, and a reload
 * under wrk load fails no request. Kept cheap, one cluster and one reload: what differs from
 * Tomcat is the connector and its drain, which SpringBootIT covers for Tomcat.
 */
@Timeout(240)
class SpringJettyIT {
    private static final Pattern HELLO = Pattern.compile("^hello from jetty worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void twoJettyWorkersServeOnePortAndReloadUnderLoad() throws Exception {
        SpringApps.serveReloadAndStop("spring-jetty", HELLO, "spring jetty keep-alive", Duration.ofSeconds(20), false);
    }
}
