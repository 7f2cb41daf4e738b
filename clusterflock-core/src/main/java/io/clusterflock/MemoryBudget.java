package io.clusterflock;

/**
 * How much memory the cluster's workers share ({@link ClusterOptions.Builder#memory}): a percentage
 * of the machine's memory (its cgroup limit, as in a container, else its physical memory), a size,
 * or none. Each JVM worker is sized as if it ran alone on a machine of its share of the budget.
 * On the command line: {@code --memory 90%}, {@code --memory 1g}, {@code --memory off}.
 */
public sealed interface MemoryBudget {
    /** This percentage (1 to 100) of the machine's memory: its cgroup limit, else its physical memory. */
    record Share(int percent) implements MemoryBudget {
        public Share {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("a percentage from 1 to 100: " + percent);
            }
        }
    }

    /** This many bytes, whatever the machine has. */
    record Size(long bytes) implements MemoryBudget {
        public Size {
            if (bytes < 1) {
                throw new IllegalArgumentException("a size above 0: " + bytes);
            }
        }
    }

    /** No budget: each JVM worker sizes itself as if it owned the machine, as a JVM alone does. */
    record Off() implements MemoryBudget { }

    /** The default: 90% of the machine's memory, the rest left to the master and the kernel. */
    static MemoryBudget standard() {
        return new Share(90);
    }

    static MemoryBudget percent(int percent) {
        return new Share(percent);
    }

    static MemoryBudget bytes(long bytes) {
        return new Size(bytes);
    }

    static MemoryBudget off() {
        return new Off();
    }

    /** The bytes this budget is on a machine with {@code machineBytes} of memory; 0 for {@link Off}. */
    default long bytesOf(long machineBytes) {
        return switch (this) {
            case Share(int percent) -> machineBytes / 100 * percent + machineBytes % 100 * percent / 100;
            case Size(long bytes) -> bytes;
            case Off off -> 0;
        };
    }
}
