package io.clusterflock.metrics;

import io.clusterflock.ClusterEvent;
import io.clusterflock.WorkerExit;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The metrics that count what happens, from the master's events: exits by slot and cause, reloads
 * by how they ended, how long a new worker takes to be ready and a reload to end. Fed on the
 * supervisor's thread, one event at a time, so it keeps the reload under way without a lock, and
 * each event costs an increment or two of the client's lock-free counters.
 */
final class EventMetrics implements Consumer<ClusterEvent> {
    /** How a reload (or rolling restart) ended: the {@code result} label. */
    enum ReloadResult {
        /** Every slot serves the new generation. */
        FINISHED,
        /** A new worker failed before it was ready; the serving generation serves on. */
        FAILED,
        /** A newer reload started before it finished; that one carries on in its place. */
        SUPERSEDED,
        /** The cluster began to shut down before it finished. */
        CANCELLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** From a fast JVM start to the default --ready-timeout and beyond. */
    private static final double[] READY_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120};
    /** From one slot's fast replacement to a long rolling restart of many slots. */
    private static final double[] RELOAD_BUCKETS = {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800};

    private final InstantSource clock;
    private final Counter exits;
    private final Counter reloads;
    private final Histogram readySeconds;
    private final Histogram reloadSeconds;
    /** When the reload under way started; empty while none is. */
    private Optional<Instant> reloadStartedAt = Optional.empty();

    EventMetrics(PrometheusRegistry registry, InstantSource clock) {
        this.clock = clock;
        this.exits = Counter.builder().name("clusterflock_worker_exits_total")
                .help("Worker processes that ended, by slot, by why (the log's cause) and whether the master asked for it")
                .labelNames("slot", "cause", "expected").withoutExemplars().register(registry);
        this.reloads = Counter.builder().name("clusterflock_reloads_total")
                .help("Reloads and rolling restarts, by how they ended: finished, failed, superseded or cancelled")
                .labelNames("result").withoutExemplars().register(registry);
        this.readySeconds = Histogram.builder().name("clusterflock_worker_ready_seconds").unit(Unit.SECONDS)
                .help("How long new workers took from their fork to being ready")
                .classicOnly().classicUpperBounds(READY_BUCKETS).withoutExemplars().register(registry);
        this.reloadSeconds = Histogram.builder().name("clusterflock_reload_seconds").unit(Unit.SECONDS)
                .help("How long reloads and rolling restarts took from their start to their end, by how they ended")
                .labelNames("result").classicOnly().classicUpperBounds(RELOAD_BUCKETS).withoutExemplars().register(registry);
        for (ReloadResult result : ReloadResult.values()) {
            reloads.initLabelValues(result.label()); // a rate over a series that exists before its first reload
        }
    }

    @Override
    public void accept(ClusterEvent event) {
        switch (event) {
            case ClusterEvent.Ready ready -> readySeconds.observe(seconds(Duration.between(ready.worker().forkedAt(), clock.instant())));
            case ClusterEvent.Exit exit -> exited(exit.exit());
            case ClusterEvent.ReloadStarted started -> reloadStarted();
            case ClusterEvent.ReloadFinished finished -> reloadEnded(ReloadResult.FINISHED);
            case ClusterEvent.ReloadFailed failed -> reloadEnded(ReloadResult.FAILED);
            case ClusterEvent.Shutdown shutdown -> reloadEnded(ReloadResult.CANCELLED);
            default -> { } // the rest is read from the snapshots at each scrape
        }
    }

    /** A worker ended: counted by its slot and cause, the cause's code being the one the log and status use. */
    private void exited(WorkerExit exit) {
        exits.labelValues(Integer.toString(exit.id()), exit.cause().code(), Boolean.toString(exit.expected())).inc();
    }

    /** A reload began; one under way is superseded by it. */
    private void reloadStarted() {
        reloadEnded(ReloadResult.SUPERSEDED);
        reloadStartedAt = Optional.of(clock.instant());
    }

    /** The reload under way, if any, ended so. */
    private void reloadEnded(ReloadResult result) {
        reloadStartedAt.ifPresent(startedAt -> {
            reloads.labelValues(result.label()).inc();
            reloadSeconds.labelValues(result.label()).observe(seconds(Duration.between(startedAt, clock.instant())));
        });
        reloadStartedAt = Optional.empty();
    }

    private static double seconds(Duration duration) {
        return Math.max(0, duration.toNanos() / 1e9);
    }
}
