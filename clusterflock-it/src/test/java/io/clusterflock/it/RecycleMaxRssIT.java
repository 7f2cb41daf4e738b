package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RECYCLING;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxRss}: the master samples each worker's VmRSS four times a second, and replaces a worker
 * that stays above the bound for the grace period, before it is more than 10% past the bound; a
 * spike shorter than the grace replaces nothing. The test reads the worker's VmRSS from /proc itself,
 * every few milliseconds, and judges by what it saw.
 *
 * <p>The worker JVM gets {@code -XX:-UseTLAB -XX:PretenureSizeThreshold=512k}: every 1 MiB array
 * that {@link LibraryApp}'s {@code /leak} keeps is allocated straight in the old generation, so
 * resident memory grows with the leak, MiB by MiB. Without them some arrays land in a thread's TLAB
 * in eden, and the first young collection copies them all at once (seen: VmRSS +60 MiB within
 * 100 ms, from 282 to 342 MiB), a jump no sampling period can catch within 10%.
 */
@Timeout(120)
class RecycleMaxRssIT {
    private static final long MIB = 1 << 20;
    private static final long BOUND = 300 * MIB;
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** The master's sampling period (MemorySampler). */
    private static final long SAMPLE_MILLIS = 250;
    /** The slow leak: 3 MiB per 200 ms, 15 MiB/s; at most grace + two sample periods (1.5 s) past the bound is 22.5 MiB. */
    private static final String SLOW_LEAK = "/leak?mb=3&ms=200";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void aLeakingWorkerIsRecycledWithinTenPercentOfTheBoundAndASpikeShorterThanTheGraceIsNot() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Xmx1g", "-XX:-UseTLAB", "-XX:PretenureSizeThreshold=512k",
                "-Dclusterflock.workers=1", "-Dclusterflock.port=0", "-Dclusterflock.maxRss=300m",
                "-Dclusterflock.maxRssGrace=1s"))) {
            int port = master.port();
            long pid = LibraryCluster.awaitReady(master).getFirst();
            EventMatch recycling = EventMatch.of(RECYCLING);
            LibraryCluster.get(port, "/spike?mb=1&ms=0"); // the first off-heap allocation of a JVM is slow
            LibraryCluster.get(port, "/leak?mb=1");

            int mark = master.mark();
            try (RssSampler rss = RssSampler.start(pid)) {
                // A spike above the bound for less than the grace: seen by the master's sampling, not acted on.
                long spikeMb = (BOUND - rss.latest()) / MIB + 60;
                Instant spikeStart = Instant.now();
                LibraryCluster.get(port, "/spike?mb=" + spikeMb + "&ms=500");
                RssSampler.Span above = rss.above(BOUND, spikeStart);
                System.out.printf(Locale.ROOT, "[recycle-rss] spike of %d MiB: above %d MiB for %d ms, peak %d MiB%n",
                        spikeMb, BOUND / MIB, above.millis(), above.peak() / MIB);
                assertTrue(above.millis() > SAMPLE_MILLIS + 50 && above.millis() < GRACE.toMillis() - 100,
                        "the spike was above the bound for " + above.millis() + " ms: not long enough for the master to see"
                                + " it, or too close to the grace for this test" + master.output());
                Await.until(Duration.ofSeconds(2), () -> "back below the bound after the spike, not at "
                        + rss.latest() / MIB + " MiB", () -> rss.latest() < BOUND);
                assertFalse(Await.within(GRACE.plusSeconds(1), () -> !master.eventsAfter(mark, recycling).isEmpty()),
                        "recycled for a spike shorter than the grace" + master.output());

                // A slow leak: quickly to 40 MiB below the bound, then 15 MiB/s until the master acts.
                long fastMb = (BOUND - 40 * MIB - rss.latest()) / MIB;
                LibraryCluster.get(port, "/leak?mb=" + fastMb);
                Instant leakStart = Instant.now();
                MasterEvent recycled = Await.value(WAIT, () -> "the leaking worker recycled" + master.output(), () -> {
                    List<MasterEvent> found = master.eventsAfter(mark, recycling);
                    if (!found.isEmpty()) {
                        return found.getFirst();
                    }
                    LibraryCluster.get(port, SLOW_LEAK);
                    return null;
                });
                assertEquals(List.of(pid, "max-rss", BOUND, 1_000L), List.of(recycled.pid(), recycled.cause(),
                        recycled.number("maxRssBytes"), recycled.number("graceMillis")), recycled.toString());
                Instant recycledAt = recycled.ts();
                RssSampler.Span over = rss.above(BOUND, leakStart);
                assertNotNull(over.first(), "recycled, but never seen above the bound: " + recycled);
                long peakBefore = rss.peak(leakStart, recycledAt);
                System.out.println("[recycle-rss] VmRSS during the leak: " + rss.trace(leakStart, 100));
                long crossedToRecycled = Duration.between(over.first(), recycledAt).toMillis();
                long reported = recycled.number("rssBytes");
                System.out.printf(Locale.ROOT, "[recycle-rss] leak: crossed %d MiB at %s, recycled at %s (+%d ms), reported"
                                + " %.1f MiB; peak VmRSS seen before the recycle event %.1f MiB (%.1f%% of the bound)%n",
                        BOUND / MIB, RssSampler.local(over.first()), recycled.localTime(), crossedToRecycled,
                        reported / (double) MIB, peakBefore / (double) MIB, 100.0 * peakBefore / BOUND);

                assertTrue(peakBefore <= BOUND * 11 / 10, "resident memory reached " + peakBefore / MIB
                        + " MiB before the recycle, over the bound by more than 10%" + master.output());
                assertTrue(reported > BOUND && reported <= BOUND * 11 / 10, "the recycle's figure: " + recycled + master.output());
                assertTrue(crossedToRecycled >= GRACE.toMillis() - 20
                                && crossedToRecycled <= GRACE.toMillis() + 2 * SAMPLE_MILLIS + 300,
                        "recycled " + crossedToRecycled + " ms after crossing the bound, not after the grace of "
                                + GRACE.toMillis() + " ms and at most two samples" + master.output());
            }

            // Replaced like a reload of one: the new worker is ready before the old one is asked to stop.
            long replacement = master.awaitFork(0, mark, WAIT);
            assertNotEquals(pid, replacement);
            MasterEvent ready = master.awaitEvent(EventMatch.about(READY, replacement), WAIT);
            MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, pid), WAIT);
            MasterEvent stopping = master.awaitEvent(EventMatch.about(STOPPING, pid), Duration.ZERO);
            assertTrue(ready.line() < stopping.line(), "the leaking worker was stopped before its replacement was"
                    + " ready (" + ready + ")" + master.output());
            assertEquals(List.of("max-rss", true, 0L), List.of(exit.cause(), exit.expected(), exit.fields().get("code")),
                    exit.toString());
            Await.until(WAIT, "the leaking worker " + pid + " gone", () -> !Procs.alive(pid));
            assertEquals(replacement, LibraryCluster.get(port, "/").pid(), "the replacement serves" + master.output());
            ControlStatus status = ControlStatus.ask(ControlWire.socket(master.runtimeDirectory(), "default"));
            ControlStatus.Row row = status.rows().getFirst();
            assertEquals(replacement, row.pid(), status.toString());
            assertEquals(0, row.restarts(), "a recycle is not a restart: " + status);
            assertTrue(String.valueOf(row.lastExit().get("reason")).startsWith("recycled: resident memory "), status.toString());
            assertEquals(0L, row.lastExit().get("code"), status.toString());
            assertTrue(RssSampler.rss(replacement) < BOUND / 2, "the replacement starts small: "
                    + RssSampler.rss(replacement) / MIB + " MiB");
        }
    }

    /** Reads one process's VmRSS from /proc every few milliseconds, on a thread of its own, with the wall-clock time. */
    static final class RssSampler implements AutoCloseable {
        private static final long PERIOD_MILLIS = 5;

        record Sample(Instant at, long bytes) {}

        /** A stretch of samples above a bound: from the first to the last, and the largest. */
        record Span(Instant first, long millis, long peak) {}

        private final long pid;
        private final List<Sample> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        private RssSampler(long pid) {
            this.pid = pid;
            this.thread = Thread.ofPlatform().daemon().name("rss-sampler-" + pid).start(this::sampleLoop);
        }

        static RssSampler start(long pid) {
            RssSampler sampler = new RssSampler(pid);
            Await.until(Duration.ofSeconds(5), "a first VmRSS sample of " + pid, () -> sampler.count() > 0);
            return sampler;
        }

        private void sampleLoop() {
            while (running) {
                long bytes = rss(pid);
                if (bytes < 0) {
                    return; // gone
                }
                synchronized (samples) {
                    samples.add(new Sample(Instant.now(), bytes));
                }
                try {
                    Thread.sleep(PERIOD_MILLIS); // the sampling period itself, not a wait for anything
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private int count() {
            synchronized (samples) {
                return samples.size();
            }
        }

        private List<Sample> samples() {
            synchronized (samples) {
                return List.copyOf(samples);
            }
        }

        long latest() {
            return samples().getLast().bytes();
        }

        /** Samples since {@code from} above {@code bound}: the first one's time, first to last, and the peak. */
        Span above(long bound, Instant from) {
            List<Sample> over = samples().stream().filter(s -> !s.at().isBefore(from) && s.bytes() > bound).toList();
            if (over.isEmpty()) {
                return new Span(null, 0, 0);
            }
            return new Span(over.getFirst().at(), Duration.between(over.getFirst().at(), over.getLast().at()).toMillis(),
                    over.stream().mapToLong(Sample::bytes).max().orElse(0));
        }

        /** The largest sample taken from {@code from} to {@code until} (an event's time stamp). */
        long peak(Instant from, Instant until) {
            return samples().stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(until))
                    .mapToLong(Sample::bytes).max().orElse(0);
        }

        /** The samples since {@code from}, one per {@code everyMillis} at most: {@code HH:mm:ss.SSS=N MiB, ...}. */
        String trace(Instant from, long everyMillis) {
            StringBuilder trace = new StringBuilder();
            Instant next = from;
            for (Sample sample : samples()) {
                if (!sample.at().isBefore(next)) {
                    trace.append(trace.isEmpty() ? "" : ", ").append(local(sample.at())).append('=')
                            .append(sample.bytes() / MIB);
                    next = sample.at().plusMillis(everyMillis);
                }
            }
            return trace.toString();
        }

        static LocalTime local(Instant at) {
            return LocalTime.ofInstant(at, ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS);
        }

        /** VmRSS of {@code pid} in bytes, -1 when it is gone. */
        static long rss(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone
            }
            return -1;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
