package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterOptions;
import io.clusterflock.MemoryBudget;
import io.clusterflock.internal.os.MachineMemory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The memory budget split among JVM workers, and the operator's own heap settings that turn it off. */
class WorkerMemoryTest {
    private static final Path JAVA = Path.of("/usr/lib/jvm/jdk/bin/java");
    private static final long MIB = 1L << 20;
    private static final Optional<MachineMemory> MACHINE = Optional.of(new MachineMemory(2048 * MIB, "the cgroup limit"));

    private static ClusterOptions.Builder java(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(JAVA.toString()));
        command.addAll(List.of(args));
        return ClusterOptions.builder().command(command).port(0).inheritEnvironment(false);
    }

    private static final int PROCESSORS = 8;
    private static final String SERIAL = "-XX:+UseSerialGC";

    private static Optional<WorkerMemory> memory(ClusterOptions.Builder options) {
        return WorkerMemory.of(options.build(), JAVA, MACHINE, PROCESSORS);
    }

    @Test
    void eachWorkerGetsTheBudgetOverTheWorkersKeptWhenItIsForked() {
        WorkerMemory memory = memory(java("-jar", "app.jar").workers(4).memory(MemoryBudget.bytes(1024 * MIB))).orElseThrow();

        assertEquals(List.of("-XX:MaxRAM=" + 256 * MIB, SERIAL), memory.optionsFor(4));
        assertEquals(List.of("-XX:MaxRAM=" + 512 * MIB, SERIAL), memory.optionsFor(2), "after a resize to 2");
        assertEquals(List.of("-XX:MaxRAM=" + 1024 * MIB, SERIAL), memory.optionsFor(1));
    }

    @Test
    void aWorkerGetsTheSerialCollectorWhereAJvmAloneOnItsShareWouldPickIt() {
        WorkerMemory big = memory(java("Main").memory(MemoryBudget.bytes(16L << 30))).orElseThrow();

        assertEquals(List.of("-XX:MaxRAM=" + (4L << 30)), big.optionsFor(4), "2 processors and 4 GiB each: a server-class share");
        assertEquals(List.of("-XX:MaxRAM=" + (2L << 30), SERIAL), big.optionsFor(8), "one processor each");
        assertEquals(List.of("-XX:MaxRAM=" + 1792 * MIB), memory(java("Main").memory(MemoryBudget.bytes(1792 * MIB * 4)))
                .orElseThrow().optionsFor(4), "1792 MiB is server class");
        assertEquals(List.of("-XX:MaxRAM=" + 1791 * MIB, SERIAL), memory(java("Main").memory(MemoryBudget.bytes(1791 * MIB * 4)))
                .orElseThrow().optionsFor(4), "under 1792 MiB is not");
    }

    @Test
    void theOperatorsOwnCollectorIsLeftAlone() {
        for (String own : List.of("-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseParallelGC", "-XX:+UseSerialGC")) {
            assertEquals(List.of("-XX:MaxRAM=" + 256 * MIB), memory(java(own, "-jar", "app.jar").workers(4)
                    .memory(MemoryBudget.bytes(1024 * MIB))).orElseThrow().optionsFor(4), own);
        }
        assertEquals(List.of("-XX:MaxRAM=" + 256 * MIB), memory(java("Main").env("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC").workers(4)
                .memory(MemoryBudget.bytes(1024 * MIB))).orElseThrow().optionsFor(4), "in a variable");
    }

    @Test
    void theDecisionIsSaidInOneLineWarningOfAnOverflowOrOfAShareTooSmall() {
        WorkerMemory.Decision overflow = WorkerMemory.decide(java("-Xmx512m", "-jar", "app.jar").workers(3)
                .memory(MemoryBudget.bytes(1024 * MIB)).build(), JAVA, MACHINE, PROCESSORS);
        assertEquals(List.of(Optional.empty(), System.Logger.Level.WARNING, "the workers' heaps overflow the memory budget: a heap"
                + " of 512 MiB (-Xmx512m) × 3 workers is 1.5 GiB, over 1 GiB (--memory); lower -Xmx or --workers, or raise --memory"),
                List.of(overflow.memory(), overflow.level(), overflow.line()));
        assertEquals(System.Logger.Level.INFO, WorkerMemory.decide(java("-Xmx256m", "Main").workers(3)
                .memory(MemoryBudget.bytes(1024 * MIB)).build(), JAVA, MACHINE, PROCESSORS).level(), "768 MiB of heaps fit");

        WorkerMemory.Decision split = WorkerMemory.decide(java("Main").workers(2).memory(MemoryBudget.percent(50)).build(),
                JAVA, MACHINE, PROCESSORS);
        assertEquals("memory budget 1 GiB (50% of the cgroup limit, 2 GiB): each of 2 JVM workers is sized for 512 MiB"
                + " (-XX:MaxRAM=536870912 -XX:+UseSerialGC)", split.line());
        assertEquals(System.Logger.Level.WARNING, WorkerMemory.decide(java("Main").workers(8).memory(MemoryBudget.bytes(512 * MIB))
                .build(), JAVA, MACHINE, PROCESSORS).level(), "64 MiB each");
        assertEquals(System.Logger.Level.DEBUG, WorkerMemory.decide(ClusterOptions.builder().command("./server.py").port(0)
                .inheritEnvironment(false).build(), Path.of("/srv/server.py"), MACHINE, PROCESSORS).level(), "maybe no JVM at all");
    }

    @Test
    void aShareIsWholePages() {
        WorkerMemory memory = memory(java("Main").workers(3).memory(MemoryBudget.bytes(1000 * MIB))).orElseThrow();

        assertEquals(0, memory.share(3) % 4096);
        assertTrue(memory.share(3) <= 1000 * MIB / 3 && memory.share(3) > 1000 * MIB / 3 - 4096);
    }

    @Test
    void aPercentageIsOfTheMachinesMemory() {
        WorkerMemory memory = memory(java("Main").workers(2).memory(MemoryBudget.percent(50))).orElseThrow();

        assertEquals(512 * MIB, memory.share(2));
        assertEquals(2048 * MIB * 90 / 100 / 2 / 4096 * 4096,
                memory(java("Main").workers(2)).orElseThrow().share(2), "90% by default");
    }

    @Test
    void noBudgetWhenOffOrWhenThePercentageHasNoMachineToBeOf() {
        assertEquals(Optional.empty(), memory(java("Main").memory(MemoryBudget.off())));
        assertEquals(Optional.empty(), WorkerMemory.of(java("Main").build(), JAVA, Optional.empty(), PROCESSORS));
        assertTrue(WorkerMemory.of(java("Main").memory(MemoryBudget.bytes(MIB * 256)).build(), JAVA, Optional.empty(), PROCESSORS)
                .isPresent());
    }

    @Test
    void theOperatorsOwnHeapSettingWins() {
        for (String own : List.of("-Xmx512m", "-XX:MaxHeapSize=1g", "-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=50",
                "-XX:MaxRAMFraction=2", "-XX:MinRAMPercentage=60")) {
            assertEquals(Optional.empty(), memory(java(own, "-jar", "app.jar")), own);
        }
        assertTrue(memory(java("-Xms64m", "-Xss512k", "-jar", "app.jar")).isPresent(), "-Xms sizes no limit");
        assertTrue(memory(java("-jar", "app.jar", "-Xmx1g")).isPresent(), "the program's own argument, not the JVM's");
    }

    @Test
    void theOperatorsHeapInTheJvmsVariablesWinsToo() {
        for (String variable : HeapFlags.VARIABLES) {
            assertEquals(Optional.empty(), memory(java("Main").env(variable, "-Dx=1 -Xmx300m")), variable);
        }
    }

    @Test
    void theOperatorsHeapIsReadAsTheJvmReadsIt() {
        HeapFlags flags = HeapFlags.of(List.of("-Xmx1g", "-XX:MaxHeapSize=2g"), Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m")::get);

        assertEquals(Optional.of("-Xmx512m"), flags.flag());
        assertEquals(OptionalLong.of(2048 * MIB), flags.maxHeap(), "the command line comes after the variables; the last wins");
        assertEquals(OptionalLong.empty(), HeapFlags.of(List.of("-XX:MaxRAMPercentage=50"), name -> null).maxHeap());
        assertEquals(Optional.empty(), HeapFlags.of(List.of("-Xms1g", "-XX:+UseSerialGC"), name -> null).flag());
        assertTrue(HeapFlags.of(List.of("-Xms1g", "-XX:+UseSerialGC"), name -> null).collector());
        assertTrue(!HeapFlags.of(List.of("-XX:+UseCompressedOops", "-XX:-UseG1GC"), name -> null).collector());
    }

    @Test
    void aCommandThatIsNotTheLauncherIsSizedThroughItsVariableUnlessThatSizesTheHeap() {
        ClusterOptions.Builder script = ClusterOptions.builder().command("./start.sh").port(0).inheritEnvironment(false)
                .workers(2).memory(MemoryBudget.bytes(512 * MIB));
        assertEquals(List.of("-XX:MaxRAM=" + 256 * MIB, SERIAL), WorkerMemory.of(script.build(), Path.of("/srv/start.sh"), MACHINE,
                PROCESSORS).orElseThrow().optionsFor(2));
        assertEquals(Optional.empty(), WorkerMemory.of(script.env("JDK_JAVA_OPTIONS", "-Xmx1g").build(), Path.of("/srv/start.sh"),
                MACHINE, PROCESSORS));
    }
}
