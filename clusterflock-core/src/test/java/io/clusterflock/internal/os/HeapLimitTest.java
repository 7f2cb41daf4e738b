package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM's heap limit from its performance data, as each collector counts its generations. */
class HeapLimitTest {
    @TempDir
    Path tmp;

    /** Performance data with these long counters, laid out as HotSpot writes it (little-endian). */
    private static byte[] perfData(Map<String, Long> counters) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (Map.Entry<String, Long> counter : counters.entrySet()) {
            byte[] name = (counter.getKey() + "\0").getBytes(StandardCharsets.US_ASCII);
            int nameOffset = 20;
            int dataOffset = (nameOffset + name.length + 7) / 8 * 8;
            ByteBuffer entry = ByteBuffer.allocate(dataOffset + 8).order(ByteOrder.LITTLE_ENDIAN);
            entry.putInt(0, entry.capacity()).putInt(4, nameOffset).putInt(8, 0).put(12, (byte) 'J').putInt(16, dataOffset);
            entry.put(nameOffset, name).putLong(dataOffset, counter.getValue());
            entries.writeBytes(entry.array());
        }
        ByteBuffer all = ByteBuffer.allocate(32 + entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        all.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0).order(ByteOrder.LITTLE_ENDIAN);
        all.put(4, (byte) 1).put(5, (byte) 2).put(7, (byte) 1).putInt(24, 32).putInt(28, counters.size());
        all.put(32, entries.toByteArray());
        return all.array();
    }

    private static OptionalLong limit(long young, long old) {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("sun.rt.createVmBeginTime", 1L);
        counters.put("sun.gc.generation.0.maxCapacity", young);
        counters.put("sun.gc.generation.1.maxCapacity", old);
        return HeapLimit.fromPerfData(ByteBuffer.wrap(perfData(counters)));
    }

    @Test
    void serialAndParallelSplitTheHeapBetweenTheirGenerations() {
        assertEquals(OptionalLong.of(132_120_576L), limit(44_040_192L, 88_080_384L)); // -XX:MaxRAM=256m, SerialGC
    }

    @Test
    void g1AndZgcGiveEachGenerationTheWholeHeap() {
        assertEquals(OptionalLong.of(132_120_576L), limit(132_120_576L, 132_120_576L));
    }

    @Test
    void shenandoahPutsItAllInTheOldGeneration() {
        assertEquals(OptionalLong.of(131_072_000L), limit(0, 131_072_000L));
    }

    @Test
    void dataWithoutTheCountersOrTheMagicTellsNothing() {
        assertEquals(OptionalLong.empty(), HeapLimit.fromPerfData(ByteBuffer.wrap(perfData(Map.of("sun.rt.x", 3L)))));
        assertEquals(OptionalLong.empty(), HeapLimit.fromPerfData(ByteBuffer.wrap(new byte[64])));
    }

    @Test
    void itIsFoundByPidUnderAnyUsersDirectory() throws Exception {
        Files.createDirectories(tmp.resolve("hsperfdata_app"));
        Files.write(tmp.resolve("hsperfdata_app").resolve("4242"), perfData(Map.of(
                "sun.gc.generation.0.maxCapacity", 10L, "sun.gc.generation.1.maxCapacity", 20L)));

        assertEquals(OptionalLong.of(30), HeapLimit.of(tmp, 4242));
        assertEquals(OptionalLong.empty(), HeapLimit.of(tmp, 4243), "no such JVM");
    }

    @Test
    void thisJvmsOwnIsAtLeastWhatItsRuntimeSays() {
        OptionalLong own = HeapLimit.of(ProcessHandle.current().pid());
        assertTrue(own.isPresent(), "this test JVM publishes its performance data");
        assertTrue(own.getAsLong() >= Runtime.getRuntime().maxMemory(), own + " vs " + Runtime.getRuntime().maxMemory());
    }
}
