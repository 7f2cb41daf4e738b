package io.clusterflock.it;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/spring-boot, a plain Spring MVC application with clusterflock-spring-boot on its class
 * path, as the README runs it: {@code clusterflock run -w 2 -- java -jar spring-boot.jar}. Both
 * workers serve on the one port; each is ready only once the application is (it says so itself);
 * a reload under wrk load fails no request; SIGTERM lets a request in flight finish. One cluster
 * for all of it: a Spring worker takes seconds to start.
 */
@Timeout(300)
class SpringBootIT {
    private static final Pattern HELLO = Pattern.compile("^hello from spring worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void twoWorkersReadyWhenTheAppIsServeOnePortReloadUnderLoadAndDrainOnSigterm() throws Exception {
        SpringApps.serveReloadAndStop("spring-boot", HELLO, "spring keep-alive", Duration.ofSeconds(30), true);
    }
}
