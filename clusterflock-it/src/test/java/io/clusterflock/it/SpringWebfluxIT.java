package io.clusterflock.it;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/spring-webflux, a Spring WebFlux application on Reactor Netty with
 * clusterflock-spring-boot on its class path, as its README runs it: {@code clusterflock run -w 2 --
 * java -jar spring-webflux.jar}, with the master's default readiness (it finds the module in the
 * jar). Both workers serve on the one port; each is ready only once the application is; a reload
 * under wrk load fails no request (the old Netty workers stop accepting without closing the shared
 * socket, and answer with {@code Connection: close}); SIGTERM lets a request in flight finish.
 */
@Timeout(300)
class SpringWebfluxIT {
    private static final Pattern HELLO = Pattern.compile("^hello from webflux worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void twoNettyWorkersReadyWhenTheAppIsServeOnePortReloadUnderLoadAndDrainOnSigterm() throws Exception {
        SpringApps.serveReloadAndStop("spring-webflux", HELLO, "webflux keep-alive", Duration.ofSeconds(30), true);
    }
}
