package io.clusterflock.internal.master;

import io.clusterflock.internal.util.Sizes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The JVM options by which an operator sizes a worker's heap themselves, found on the worker's
 * command line and in the variables every JVM (or java launcher) reads. The master then leaves the
 * worker's memory alone: an operator's own setting always wins over the budget's share.
 *
 * @param flag    the first such option, as written ({@code -Xmx2g}); empty when there is none
 * @param maxHeap   the heap it sets, when it names one ({@code -Xmx}, {@code -XX:MaxHeapSize}); the
 *                  last one, as the JVM reads them
 * @param collector whether they choose a garbage collector ({@code -XX:+UseG1GC}, {@code -XX:+UseZGC}…)
 */
record HeapFlags(Optional<String> flag, OptionalLong maxHeap, boolean collector) {
    /**
     * Every option that sets the maximum heap or the memory the JVM sizes it from. MinRAMPercentage
     * is among them: on a small machine it, not MaxRAMPercentage, is the heap's share.
     */
    private static final List<String> SIZING = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAM=", "-XX:MaxRAMPercentage=",
            "-XX:MaxRAMFraction=", "-XX:MinRAMPercentage=", "-XX:MinRAMFraction=");
    /** Read by the JVM itself ({@code JAVA_TOOL_OPTIONS}, {@code _JAVA_OPTIONS}) or by every java launcher ({@code JDK_JAVA_OPTIONS}). */
    static final List<String> VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");

    /** The sizing options among {@code options} (a java command's) and the variables {@code environment} gives. */
    static HeapFlags of(List<String> options, Function<String, String> environment) {
        List<String> all = Stream.concat(
                VARIABLES.stream().map(environment).filter(Objects::nonNull).flatMap(value -> Stream.of(value.strip().split("\\s+"))),
                options.stream()).toList();
        Optional<String> flag = all.stream().filter(HeapFlags::sizing).findFirst();
        OptionalLong maxHeap = OptionalLong.empty();
        for (String option : all) {
            maxHeap = heap(option).isPresent() ? heap(option) : maxHeap;
        }
        boolean collector = all.stream().anyMatch(option -> option.startsWith("-XX:+Use") && option.endsWith("GC"));
        return new HeapFlags(flag, maxHeap, collector);
    }

    /** Whether the operator sizes the heap themselves. */
    boolean operatorSet() {
        return flag.isPresent();
    }

    private static boolean sizing(String option) {
        return SIZING.stream().anyMatch(option::startsWith);
    }

    /** {@code -Xmx512m}, {@code -XX:MaxHeapSize=1g}: the bytes; anything else, nothing. */
    private static OptionalLong heap(String option) {
        String size = option.startsWith("-Xmx") ? option.substring(4)
                : option.startsWith("-XX:MaxHeapSize=") ? option.substring("-XX:MaxHeapSize=".length()) : null;
        if (size == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Sizes.parse("", size));
        } catch (RuntimeException e) {
            return OptionalLong.empty(); // the JVM refuses it itself, and says why
        }
    }
}
