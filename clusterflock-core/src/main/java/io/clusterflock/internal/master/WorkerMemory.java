package io.clusterflock.internal.master;

import io.clusterflock.ClusterOptions;
import io.clusterflock.MemoryBudget;
import io.clusterflock.internal.options.WorkerCount;
import io.clusterflock.internal.os.MachineMemory;
import io.clusterflock.internal.util.Sizes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Each JVM worker's share of the cluster's memory budget, decided once as the master starts: a
 * worker forked while the cluster keeps N workers gets the JVM option {@code -XX:MaxRAM=budget/N}
 * (after the launcher; in {@code JDK_JAVA_OPTIONS} when the command is not the java launcher itself
 * but may start one), so it sizes its heap, and everything else the JVM sizes from memory, as if it
 * ran alone in a container of that size; where a JVM alone on its share of the machine would pick
 * the Serial collector, the worker gets it too ({@link #optionsFor}). A resize changes
 * N for the workers forked after it; workers already running keep the share they started with
 * until they are replaced (a reload, a restart, a recycling or a crash).
 *
 * <p>None when there is no budget ({@code --memory off}), or when the operator sizes the heap
 * themselves ({@link HeapFlags}): their setting wins, and the master only says, in one line, when
 * their heaps together would outgrow the budget.
 */
final class WorkerMemory {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");

    /**
     * The JDK's "server class machine" (os.cpp, {@code is_server_class_machine}): at least 2
     * processors and 2 GiB less a margin of memory. Below that a JVM picks the Serial collector
     * itself; a worker's share of the machine is judged the same way.
     */
    static final int SERVER_CLASS_PROCESSORS = 2;
    static final long SERVER_CLASS_MEMORY = (2048L - 256) << 20;

    private final long budget;
    /** The processors the workers share: the master's view, container-aware. */
    private final int processors;
    /** Whether the worker's JVM options or variables choose a collector, so the master does not. */
    private final boolean ownCollector;

    private WorkerMemory(long budget, int processors, boolean ownCollector) {
        this.budget = budget;
        this.processors = processors;
        this.ownCollector = ownCollector;
    }

    /**
     * What the master decided for the workers' memory, and the line that says so, logged once the
     * master has started ({@link #announce}): a start refused for another reason says that reason
     * alone, in one line.
     */
    record Decision(Optional<WorkerMemory> memory, System.Logger.Level level, String line) {
        static Decision quiet(System.Logger.Level level, String line) {
            return new Decision(Optional.empty(), level, line);
        }

        void announce() {
            if (!line.isEmpty()) {
                LOG.log(level, line);
            }
        }
    }

    /** The shares of the workers of {@code command} (resolved) under {@code options}, or empty. */
    static Optional<WorkerMemory> of(ClusterOptions options, Path command, Optional<MachineMemory> machine, int processors) {
        return decide(options, command, machine, processors).memory();
    }

    /** What the workers of {@code command} (resolved) get under {@code options} on this machine. */
    static Decision decide(ClusterOptions options, Path command, Optional<MachineMemory> machine) {
        return decide(options, command, machine, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #decide(ClusterOptions, Path, Optional)} on a machine of {@code processors}. */
    static Decision decide(ClusterOptions options, Path command, Optional<MachineMemory> machine, int processors) {
        MemoryBudget asked = options.memory();
        if (asked instanceof MemoryBudget.Off) {
            return Decision.quiet(System.Logger.Level.DEBUG, "");
        }
        if (asked instanceof MemoryBudget.Share && machine.isEmpty()) {
            return Decision.quiet(System.Logger.Level.INFO, "no memory budget for the workers: this machine's memory cannot be read");
        }
        long budget = asked.bytesOf(machine.map(MachineMemory::bytes).orElse(0L));
        String described = describe(asked, budget, machine);
        boolean java = AotCache.isJava(command);
        List<String> args = options.command().subList(1, options.command().size());
        Function<String, String> environment = WorkerJvm.environmentOf(options);
        HeapFlags own = HeapFlags.of(java ? WorkerJvm.of(command, args, environment).options() : List.of(), environment);
        if (own.operatorSet()) {
            boolean overflow = own.maxHeap().isPresent() && own.maxHeap().getAsLong() * options.workers() > budget;
            return Decision.quiet(overflow ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    operatorLine(own, options.workers(), described, budget));
        }
        WorkerMemory memory = new WorkerMemory(budget, processors, own.collector());
        boolean tooSmall = memory.share(options.workers()) < WorkerCount.MIN_WORKER_BYTES;
        // A command that is not the java launcher may be no JVM at all: its share is said at debug level.
        return new Decision(Optional.of(memory), tooSmall ? System.Logger.Level.WARNING
                : java ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, memory.sizedLine(described, options.workers(), java));
    }

    /** "memory budget 1 GiB (--memory): each of 4 JVM workers is sized for 256 MiB (-XX:MaxRAM=… -XX:+UseSerialGC)". */
    private String sizedLine(String described, int workers, boolean java) {
        long share = share(workers);
        return "memory budget " + described + ": " + (workers == 1 ? "the JVM worker" : "each of " + workers + " JVM workers")
                + " is sized for " + Sizes.format(share) + " (" + String.join(" ", optionsFor(workers))
                + (java ? "" : " in JDK_JAVA_OPTIONS") + ")"
                + (share < WorkerCount.MIN_WORKER_BYTES ? ", under the " + Sizes.format(WorkerCount.MIN_WORKER_BYTES)
                + " a worker needs: fewer workers or a larger --memory" : "");
    }

    /**
     * The JVM options of a worker forked while the cluster keeps {@code workers}: its share of the
     * memory, and the Serial collector when its share of the machine is one on which the JVM would
     * pick Serial itself (fewer than 2 processors or under 1792 MiB), unless the operator chose a
     * collector: a worker on one core gains nothing from G1's concurrent threads, and G1's
     * remembered sets and marking bitmaps cost a worker some 13 MiB of PSS (docs/BENCHMARKS.md,
     * Memory per worker).
     */
    List<String> optionsFor(int workers) {
        long share = share(workers);
        boolean small = processors / Math.max(1, workers) < SERVER_CLASS_PROCESSORS || share < SERVER_CLASS_MEMORY;
        return small && !ownCollector ? List.of("-XX:MaxRAM=" + share, "-XX:+UseSerialGC") : List.of("-XX:MaxRAM=" + share);
    }

    /** The budget over {@code workers}, in whole pages (the JVM aligns the heap further itself). */
    long share(int workers) {
        return budget / Math.max(1, workers) / 4096 * 4096;
    }

    /** "1 GiB (--memory 1g)", "21.6 GiB (90% of the cgroup limit, 24 GiB)". */
    private static String describe(MemoryBudget asked, long budget, Optional<MachineMemory> machine) {
        return Sizes.format(budget) + switch (asked) {
            case MemoryBudget.Share(int percent) -> " (" + percent + "% of " + machine.get().source() + ", "
                    + Sizes.format(machine.get().bytes()) + ")";
            case MemoryBudget.Size size -> " (--memory)";
            case MemoryBudget.Off off -> "";
        };
    }

    /** The operator's own heap: whether the workers' heaps together fit the budget, when they name one. */
    private static String operatorLine(HeapFlags own, int workers, String described, long budget) {
        if (own.maxHeap().isEmpty()) {
            return "memory budget " + described + " not applied: the workers size their heap themselves (" + own.flag().get() + ")";
        }
        long heaps = own.maxHeap().getAsLong() * workers;
        String sum = "a heap of " + Sizes.format(own.maxHeap().getAsLong()) + " (" + own.flag().get() + ") × " + workers
                + (workers == 1 ? " worker is " : " workers is ") + Sizes.format(heaps);
        return heaps > budget
                ? "the workers' heaps overflow the memory budget: " + sum + ", over " + described
                        + "; lower -Xmx or --workers, or raise --memory"
                : "memory budget " + described + " not applied: the workers size their heap themselves, " + sum;
    }
}
