package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        try (MasterProcess master = SpringApps.run("spring-boot")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, SpringApps.START);
            SpringApps.readyOnlyOnceTheApplicationIs(master, first);

            Map<Long, Answers.Worker> answers = Answers.untilEveryPid(master.port(), HELLO, first, Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), answers.values().stream().map(Answers.Worker::id).sorted().toList(), master.output());

            long group = Procs.pgrp(first.getFirst());
            ReloadUnderLoad.run("spring keep-alive", master, group, 0, 1, Duration.ofSeconds(30));

            SpringApps.sigtermLetsARequestInFlightFinish(master);
        }
    }
}
