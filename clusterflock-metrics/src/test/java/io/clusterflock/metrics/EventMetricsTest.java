package io.clusterflock.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The master's events, as the counters and histograms a scrape shows: fed as the supervisor feeds them, on a clock the test moves. */
class EventMetricsTest {
    private Instant now = Instant.parse("2026-12-01T22:00:00Z");
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EventMetrics metrics = new EventMetrics(registry, new InstantSource() {
        @Override
        public Instant instant() {
            return now;
        }
    });

    private static WorkerInfo worker(int slot, long pid, Instant forkedAt) {
        return new WorkerInfo(slot, pid, 0, WorkerState.READY, Optional.empty(), forkedAt, 0, Optional.empty(), OptionalLong.empty());
    }

    private void exit(int slot, long pid, EndCause cause) {
        WorkerExit exit = new WorkerExit(slot, pid, 0, ExitStatus.killed(9), cause, Duration.ofMinutes(1));
        metrics.accept(new ClusterEvent.Exit(worker(slot, pid, now), exit, Optional.empty()));
    }

    private void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Test
    void exitsAreCountedBySlotByTheLogsCauseAndWhetherAnyoneAskedForThem() {
        exit(0, 100, new EndCause.Unexpected());
        exit(0, 101, new EndCause.Unexpected());
        exit(1, 102, new EndCause.Replaced(1, false));
        exit(1, 103, new EndCause.Replaced(2, true));
        exit(2, 104, new EndCause.Hung(Duration.ofSeconds(5)));
        exit(3, 105, new EndCause.MaxRequests(1000, 1000));
        exit(3, 106, new EndCause.ScaledDown());

        Scrape scrape = Scrape.of(registry);
        assertEquals(2, scrape.of("clusterflock_worker_exits_total{cause=\"unexpected\",expected=\"false\",slot=\"0\"}"));
        assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"reload\",expected=\"true\",slot=\"1\"}"));
        assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"restart\",expected=\"true\",slot=\"1\"}"));
        assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"hung\",expected=\"true\",slot=\"2\"}"),
                "a hang the master acted on is expected; it is a failure all the same (the log warns)");
        assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"max-requests\",expected=\"true\",slot=\"3\"}"));
        assertEquals(1, scrape.of("clusterflock_worker_exits_total{cause=\"scale-down\",expected=\"true\",slot=\"3\"}"));
        assertEquals(7, scrape.samples().entrySet().stream().filter(e -> e.getKey().startsWith("clusterflock_worker_exits_total"))
                .mapToDouble(e -> e.getValue()).sum());
    }

    @Test
    void aReloadEndsFinishedFailedSupersededOrCancelledAndIsTimedFromItsStart() {
        Scrape before = Scrape.of(registry);
        for (String result : new String[] {"finished", "failed", "superseded", "cancelled"}) {
            assertEquals(0, before.of("clusterflock_reloads_total{result=\"" + result + "\"}"), "there before any reload");
        }

        metrics.accept(new ClusterEvent.ReloadStarted(1, false));
        advance(Duration.ofSeconds(3));
        metrics.accept(new ClusterEvent.ReloadFinished(1));

        metrics.accept(new ClusterEvent.ReloadStarted(2, false));
        advance(Duration.ofSeconds(1));
        metrics.accept(new ClusterEvent.ReloadStarted(3, true)); // supersedes 2
        advance(Duration.ofSeconds(20));
        metrics.accept(new ClusterEvent.ReloadFailed(3, 1, "worker 0 of generation 3 exited with code 3 before it was ready"));

        metrics.accept(new ClusterEvent.ReloadStarted(4, false));
        metrics.accept(new ClusterEvent.Shutdown(true, Duration.ZERO, Duration.ofSeconds(10), "SIGTERM"));
        metrics.accept(new ClusterEvent.Shutdown(false, Duration.ZERO, Duration.ofSeconds(10), "SIGINT")); // nothing under way any more
        metrics.accept(new ClusterEvent.ReloadFinished(4)); // cannot happen; counts nothing if it did

        Scrape scrape = Scrape.of(registry);
        assertEquals(1, scrape.of("clusterflock_reloads_total{result=\"finished\"}"));
        assertEquals(1, scrape.of("clusterflock_reloads_total{result=\"superseded\"}"));
        assertEquals(1, scrape.of("clusterflock_reloads_total{result=\"failed\"}"));
        assertEquals(1, scrape.of("clusterflock_reloads_total{result=\"cancelled\"}"));
        assertEquals(3.0, scrape.of("clusterflock_reload_seconds_sum{result=\"finished\"}"));
        assertEquals(1, scrape.of("clusterflock_reload_seconds_bucket{result=\"finished\",le=\"5.0\"}"));
        assertEquals(0, scrape.of("clusterflock_reload_seconds_bucket{result=\"finished\",le=\"2.0\"}"));
        assertEquals(1.0, scrape.of("clusterflock_reload_seconds_sum{result=\"superseded\"}"));
        assertEquals(20.0, scrape.of("clusterflock_reload_seconds_sum{result=\"failed\"}"));
        assertEquals(1, scrape.of("clusterflock_reload_seconds_count{result=\"cancelled\"}"));
    }

    @Test
    void aWorkersTimeToReadyIsFromItsForkToItsReadyEvent() {
        metrics.accept(new ClusterEvent.Ready(worker(0, 100, now.minusMillis(1500))));
        metrics.accept(new ClusterEvent.Ready(worker(1, 101, now.minusSeconds(45))));

        Scrape scrape = Scrape.of(registry);
        assertEquals(2, scrape.of("clusterflock_worker_ready_seconds_count"));
        assertEquals(46.5, scrape.of("clusterflock_worker_ready_seconds_sum"), 1e-9);
        assertEquals(0, scrape.of("clusterflock_worker_ready_seconds_bucket{le=\"1.0\"}"));
        assertEquals(1, scrape.of("clusterflock_worker_ready_seconds_bucket{le=\"2.0\"}"));
        assertEquals(2, scrape.of("clusterflock_worker_ready_seconds_bucket{le=\"60.0\"}"));
        assertTrue(scrape.text().contains("# TYPE clusterflock_worker_ready_seconds histogram"), scrape.text());
    }

    @Test
    void otherEventsCountNothing() {
        String before = Scrape.of(registry).text();
        metrics.accept(new ClusterEvent.Fork(worker(0, 100, now)));
        metrics.accept(new ClusterEvent.Resized(2, 3));
        metrics.accept(new ClusterEvent.Declined("reload", "the cluster is shutting down"));
        assertEquals(before, Scrape.of(registry).text());
    }
}
