package io.clusterflock.internal.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The heap limit of a JVM process, read from the performance data every HotSpot JVM publishes in
 * {@code /tmp/hsperfdata_<user>/<pid>} (what {@code jstat} reads): the maximum capacities of its
 * two generations. So {@code status} tells the heap of any JVM worker, with the worker library or
 * without, and nothing for a worker that is not a JVM or runs with {@code -XX:-UsePerfData}.
 *
 * <p>The collectors count differently: Serial and Parallel give each generation its part of the
 * heap (their sum is {@code MaxHeapSize}); G1 and ZGC give each the whole heap; Shenandoah puts it
 * all in the old one and 0 in the young. Hence: one of them when they are equal, else their sum.
 */
public final class HeapLimit {
    private static final int MAGIC = 0xcafec0c0;
    private static final String YOUNG = "sun.gc.generation.0.maxCapacity";
    private static final String OLD = "sun.gc.generation.1.maxCapacity";

    private HeapLimit() {}

    /** The heap limit of process {@code pid}, if it is a JVM whose performance data can be read. */
    public static OptionalLong of(long pid) {
        return of(Path.of("/tmp"), pid); // HotSpot's choice on Linux, whatever the JVM's java.io.tmpdir
    }

    /** {@link #of(long)} with the performance data under {@code tmp} ({@code tmp/hsperfdata_*}/PID). */
    static OptionalLong of(Path tmp, long pid) {
        try (DirectoryStream<Path> users = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
            for (Path user : users) {
                Path file = user.resolve(Long.toString(pid));
                if (Files.isRegularFile(file)) {
                    return fromPerfData(ByteBuffer.wrap(Files.readAllBytes(file)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not there, not ours to read, or half written: nothing to show
        }
        return OptionalLong.empty();
    }

    /** The heap limit in performance data laid out as HotSpot's perfMemory.hpp says. */
    static OptionalLong fromPerfData(ByteBuffer data) {
        if (data.getInt(0) != MAGIC) {
            return OptionalLong.empty();
        }
        data.order(data.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int entry = data.getInt(24);
        int entries = data.getInt(28);
        Map<String, Long> capacities = new HashMap<>();
        for (int i = 0; i < entries && capacities.size() < 2; i++) {
            int length = data.getInt(entry);
            if (length <= 0) {
                break;
            }
            String name = name(data, entry + data.getInt(entry + 4));
            if ((name.equals(YOUNG) || name.equals(OLD)) && data.get(entry + 12) == 'J') {
                capacities.put(name, data.getLong(entry + data.getInt(entry + 16)));
            }
            entry += length;
        }
        Long young = capacities.get(YOUNG);
        Long old = capacities.get(OLD);
        if (young == null || old == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(young.equals(old) ? old : young + old);
    }

    private static String name(ByteBuffer data, int at) {
        int end = at;
        while (data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        data.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
