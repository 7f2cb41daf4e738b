package io.clusterflock.internal.options;

import io.clusterflock.MemoryBudget;
import io.clusterflock.internal.os.MachineMemory;
import java.util.Optional;

/**
 * How many workers a cluster keeps when the operator does not say: one per available processor
 * (container-aware), but never more than the memory budget holds at {@link #MIN_WORKER_BYTES}
 * each, and never fewer than one. On a box of 32 CPUs and a 256 MiB container limit that is 1
 * worker, not 32 (cluster-master's warning about sizing by cores alone).
 */
public final class WorkerCount {
    /**
     * The least memory a JVM worker is counted at. Measured (docs/BENCHMARKS.md, Memory per
     * worker): a hello worker given {@code -XX:MaxRAM=128m} (a 64 MiB heap) serves under load at
     * 97–104 MiB resident; given 64 MiB (a 32 MiB heap) it still takes 75–103 MiB, over its share:
     * below 128 MiB the JVM's own memory (code, metaspace, threads, class data) fills a share
     * before any heap.
     */
    public static final long MIN_WORKER_BYTES = 128L << 20;

    private WorkerCount() {}

    /** The default for {@code processors} and {@code budget} on a machine with {@code machine} memory. */
    public static int byDefault(int processors, MemoryBudget budget, Optional<MachineMemory> machine) {
        if (budget instanceof MemoryBudget.Off || budget instanceof MemoryBudget.Share && machine.isEmpty()) {
            return Math.max(1, processors);
        }
        long bytes = budget.bytesOf(machine.map(MachineMemory::bytes).orElse(0L));
        return (int) Math.clamp(Math.min(processors, bytes / MIN_WORKER_BYTES), 1, Math.max(1, processors));
    }
}
