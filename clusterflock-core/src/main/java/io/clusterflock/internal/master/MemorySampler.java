package io.clusterflock.internal.master;

import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.supervisor.Input;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples each worker's resident memory four times a second for {@code maxRss} (PM2's
 * max_memory_restart checks every 30 s; a leak can go far in 30 s), from /proc
 * ({@link WorkerInfo#residentMemory()}): a few microseconds a worker.
 */
final class MemorySampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 250;

    private final Thread thread;

    private MemorySampler(Supplier<List<WorkerInfo>> workers, Consumer<Input> sink) {
        this.thread = Thread.ofPlatform().daemon().name("clusterflock-memory").start(() -> sample(workers, sink));
    }

    static MemorySampler start(Supplier<List<WorkerInfo>> workers, Consumer<Input> sink) {
        return new MemorySampler(workers, sink);
    }

    private static void sample(Supplier<List<WorkerInfo>> workers, Consumer<Input> sink) {
        try {
            while (true) {
                for (WorkerInfo worker : workers.get()) {
                    worker.residentMemory().ifPresent(bytes -> sink.accept(new Input.WorkerMemory(worker.pid(), bytes)));
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
