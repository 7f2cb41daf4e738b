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
 * but may start one), so it sizes its heap, and everything else the JVM sizes from memory (its collector's choices,
 * the code cache's reservations), as if it ran alone in a container of that size. A resize changes
 * N for the workers forked after it; workers already running keep the share they started with
 * until they are replaced (a reload, a restart, a recycling or a crash).
 *
 * <p>None when there is no budget ({@code --memory off}), or when the operator sizes the heap
 * themselves ({@link HeapFlags}): their setting wins, and the master only says, in one line, when
 * their heaps together would outgrow the budget.
 */
final class WorkerMemory {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");

    private final long budget;

    private WorkerMemory(long budget) {
        this.budget = budget;
    }

    /** The shares of the workers of {@code command} (resolved) under {@code options}, or empty; one line in the log says which. */
    static Optional<WorkerMemory> of(ClusterOptions options, Path command, Optional<MachineMemory> machine) {
        MemoryBudget asked = options.memory();
        if (asked instanceof MemoryBudget.Off) {
            return Optional.empty();
        }
        if (asked instanceof MemoryBudget.Share && machine.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "no memory budget for the workers: this machine's memory cannot be read");
            return Optional.empty();
        }
        long budget = asked.bytesOf(machine.map(MachineMemory::bytes).orElse(0L));
        String described = describe(asked, budget, machine);
        boolean java = AotCache.isJava(command);
        List<String> args = options.command().subList(1, options.command().size());
        Function<String, String> environment = name -> options.environment()
                .getOrDefault(name, options.inheritEnvironment() ? System.getenv(name) : null);
        HeapFlags own = HeapFlags.of(java ? WorkerJvm.of(command, args, environment).options() : List.of(), environment);
        if (own.operatorSet()) {
            LOG.log(own.maxHeap().isPresent() && own.maxHeap().getAsLong() * options.workers() > budget
                    ? System.Logger.Level.WARNING : System.Logger.Level.INFO, operatorLine(own, options.workers(), described, budget));
            return Optional.empty();
        }
        WorkerMemory memory = new WorkerMemory(budget);
        long share = memory.share(options.workers());
        LOG.log(share < WorkerCount.MIN_WORKER_BYTES ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "memory budget " + described + ": each of " + options.workers() + " JVM workers is sized for "
                        + Sizes.format(share) + " (-XX:MaxRAM" + (java ? "" : " in JDK_JAVA_OPTIONS") + ")"
                        + (share < WorkerCount.MIN_WORKER_BYTES ? ", under the " + Sizes.format(WorkerCount.MIN_WORKER_BYTES)
                        + " a worker needs: fewer workers or a larger --memory" : ""));
        return Optional.of(memory);
    }

    /** The JVM options of a worker forked while the cluster keeps {@code workers}. */
    List<String> optionsFor(int workers) {
        return List.of("-XX:MaxRAM=" + share(workers));
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
