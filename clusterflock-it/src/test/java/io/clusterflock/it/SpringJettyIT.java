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
        try (MasterProcess master = SpringApps.run("spring-jetty")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, SpringApps.START);

            Map<Long, Answers.Worker> answers = Answers.untilEveryPid(master.port(), HELLO, first, Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), answers.values().stream().map(Answers.Worker::id).sorted().toList(), master.output());

            long group = Procs.pgrp(first.getFirst());
            ReloadUnderLoad.run("spring jetty keep-alive", master, group, 0, 1, Duration.ofSeconds(20));
        }
    }
}
