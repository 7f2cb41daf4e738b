package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.RESIZED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --memory}: each JVM worker is given its share of the budget as {@code -XX:MaxRAM}, read
 * back from the worker's own JVM with {@code jcmd PID VM.flags}; a resize gives the workers forked
 * after it the new share and leaves the running ones theirs; an operator's {@code -Xmx} wins and,
 * when the heaps overflow the budget, the master says so in one line as it starts; {@code status}
 * shows each worker's heap limit as its JVM has it.
 */
@Timeout(240)
class MemoryBudgetIT {
    private static final long MIB = 1L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern FLAG = Pattern.compile("-XX:(MaxRAM|MaxHeapSize)=(\\d+)|-XX:\\+(UseSerialGC|UseG1GC)");

    @Test
    void fourWorkersShareOneGibibyteAndAResizeSplitsItAnewForNewWorkersOnly() {
        List<String> worker = new ArrayList<>(Fixtures.javaWorker());
        worker.remove("-XX:+UseSerialGC"); // the collector is the master's choice here
        try (MasterProcess master = MasterProcess.run(worker, "--memory", "1g", "-w", "4", "-p", "0",
                "--aot-cache", "off")) {
            List<Long> first = master.startedPids();
            master.awaitReady(first, WAIT);
            assertEquals(1, master.events(EventMatch.log("info", Pattern.compile(
                    "memory budget 1 GiB \\(--memory\\): each of 4 JVM workers is sized for 256 MiB"))).size(), master.output());
            Map<Long, Long> heaps = statusHeaps(master);
            for (long pid : first) {
                Map<String, Long> flags = flags(pid);
                assertEquals(256 * MIB, flags.get("MaxRAM"), "worker " + pid + "'s MaxRAM" + master.output());
                assertEquals(1L, flags.get("UseSerialGC"), "a JVM alone on 256 MiB picks Serial; so does its worker: " + flags);
                // The JVM's ergonomics on 256 MiB: half of it (MinRAMPercentage), not a quarter of this machine.
                assertTrue(flags.get("MaxHeapSize") <= 128 * MIB && flags.get("MaxHeapSize") > 64 * MIB, flags.toString());
                assertEquals(flags.get("MaxHeapSize"), heaps.get(pid), "status shows the heap of " + pid + ": " + heaps);
            }

            int grown = master.mark();
            master.signal("TTIN");
            MasterEvent resized = master.awaitEventAfter(grown, EventMatch.of(RESIZED), WAIT);
            assertEquals(5L, resized.number("workers"), resized.toString());
            long added = master.awaitEventAfter(grown, EventMatch.of(FORK), WAIT).pid();
            master.awaitReady(List.of(added), WAIT);
            assertEquals(1024 * MIB / 5 / 4096 * 4096, flags(added).get("MaxRAM"), "the fifth worker's share");
            for (long pid : first) {
                assertEquals(256 * MIB, flags(pid).get("MaxRAM"), "a running worker keeps its share until it is replaced");
            }
        }
    }

    @Test
    void anOperatorsXmxWinsAndItsOverflowIsSaidInOneLineAtStart() {
        List<String> worker = new ArrayList<>(Fixtures.javaWorker());
        worker.add(1, "-Xmx512m");
        try (MasterProcess master = MasterProcess.run(worker, "--memory", "1g", "-w", "3", "-p", "0", "--aot-cache", "off")) {
            List<Long> pids = master.startedPids();
            master.awaitReady(pids, WAIT);
            List<MasterEvent> said = master.events(EventMatch.log("warning", Pattern.compile("memory budget")));
            assertEquals(1, said.size(), master.output());
            assertEquals("the workers' heaps overflow the memory budget: a heap of 512 MiB (-Xmx512m) × 3 workers is 1.5 GiB,"
                    + " over 1 GiB (--memory); lower -Xmx or --workers, or raise --memory", said.getFirst().message());
            assertTrue(said.getFirst().line() < master.started().line(), "said before the cluster started" + master.output());
            Map<String, Long> flags = flags(pids.getFirst());
            assertEquals(null, flags.get("MaxRAM"), "no share beside the operator's own heap: " + flags);
            assertEquals(1L, flags.get("UseSerialGC"), "the operator's collector: " + flags);
            assertEquals(512 * MIB, flags.get("MaxHeapSize"));
        }
    }

    @Test
    void libraryModeWorkersGetTheirShareToo() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.memory=512m", "-Dclusterflock.aotCache=off"))) {
            for (long pid : LibraryCluster.awaitReady(master)) {
                assertEquals(256 * MIB, flags(pid).get("MaxRAM"), "library worker " + pid + master.output());
            }
        }
    }

    /**
     * The worker's MaxRAM and MaxHeapSize as its JVM has them ({@code jcmd PID VM.flags}), and 1 for
     * UseSerialGC or UseG1GC when that is its collector; a flag it was not given is absent.
     */
    static Map<String, Long> flags(long pid) {
        String output = run(List.of(Fixtures.java().resolveSibling("jcmd").toString(), Long.toString(pid), "VM.flags"));
        Map<String, Long> flags = new HashMap<>();
        Matcher m = FLAG.matcher(output);
        while (m.find()) {
            if (m.group(3) != null) {
                flags.put(m.group(3), 1L); // a collector chosen on the command line: 1
            } else {
                flags.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        assertTrue(flags.containsKey("MaxHeapSize"), "jcmd " + pid + " VM.flags said: " + output);
        return flags;
    }

    /** Each worker's heap limit in {@code status --json}, by pid. */
    private static Map<Long, Long> statusHeaps(MasterProcess master) {
        String json = ControlCli.ok(master.runtimeDirectory(), "status", "--json").stdout();
        Map<Long, Long> heaps = new HashMap<>();
        for (Object row : ControlJson.array(ControlJson.object(ControlJson.parse(json.strip())).get("workers"))) {
            Map<String, Object> worker = ControlJson.object(row);
            heaps.put((Long) worker.get("pid"), (Long) worker.get("heapLimitBytes"));
        }
        return heaps;
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " still running after 60 s");
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
