package io.clusterflock.internal.master;

import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.supervisor.Input;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples each worker's resident memory four times a second for {@code maxRss} (PM2's
 * max_memory_restart checks every 30 s; a leak can go far in 30 s). Reads {@code VmRSS} from
 * /proc, which needs no page size and no native call: a few microseconds a worker.
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
                    rss(worker.pid()).ifPresent(bytes -> sink.accept(new Input.WorkerMemory(worker.pid(), bytes)));
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Resident memory of {@code pid} in bytes, if it is still there. */
    static OptionalLong rss(long pid) {
        try {
            // "...\nVmRSS:\t   12345 kB\n...": found and parsed without a regex, as it runs 4×/s per worker
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            int at = status.indexOf("\nVmRSS:");
            if (at >= 0) {
                int start = at + "\nVmRSS:".length();
                int end = status.indexOf(" kB", start);
                return OptionalLong.of(Long.parseLong(status.substring(start, end).strip()) * 1024);
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel thread
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
