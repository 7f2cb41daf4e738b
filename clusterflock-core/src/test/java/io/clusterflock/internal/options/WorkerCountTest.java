package io.clusterflock.internal.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clusterflock.MemoryBudget;
import io.clusterflock.internal.os.MachineMemory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default worker count: the processors, as few as the memory budget holds at 128 MiB each, at least one. */
class WorkerCountTest {
    private static final long MIB = 1L << 20;

    private static Optional<MachineMemory> machine(long bytes) {
        return Optional.of(new MachineMemory(bytes, "the cgroup limit"));
    }

    @Test
    void aBigMachineHasAWorkerPerProcessor() {
        assertEquals(8, WorkerCount.byDefault(8, MemoryBudget.standard(), machine(24L << 30)));
    }

    @Test
    void aSmallContainerWithManyProcessorsHasAsManyAsItsMemoryHolds() {
        assertEquals(1, WorkerCount.byDefault(32, MemoryBudget.standard(), machine(256 * MIB)), "90% of 256 MiB holds one");
        assertEquals(7, WorkerCount.byDefault(32, MemoryBudget.standard(), machine(1024 * MIB)), "921 MiB / 128 MiB");
        assertEquals(4, WorkerCount.byDefault(32, MemoryBudget.bytes(512 * MIB), machine(24L << 30)));
    }

    @Test
    void neverFewerThanOne() {
        assertEquals(1, WorkerCount.byDefault(4, MemoryBudget.bytes(64 * MIB), machine(24L << 30)));
    }

    @Test
    void withoutABudgetOrAMachineToReadOnlyTheProcessorsCount() {
        assertEquals(32, WorkerCount.byDefault(32, MemoryBudget.off(), machine(256 * MIB)));
        assertEquals(32, WorkerCount.byDefault(32, MemoryBudget.standard(), Optional.empty()));
        assertEquals(2, WorkerCount.byDefault(32, MemoryBudget.bytes(256 * MIB), Optional.empty()), "a size needs no machine");
    }
}
