package io.clusterflock.internal.master;

import io.clusterflock.ClusterOptions;
import io.clusterflock.internal.os.FdInputStream;
import io.clusterflock.internal.os.NullDevice;
import io.clusterflock.internal.os.Pipe;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a worker's stdout and stderr go: the master's own (the default: the worker inherits fds 1
 * and 2), the master's own with each line prefixed by the worker's id ({@code --prefix-output}),
 * or nowhere ({@code --silent}: /dev/null, opened once).
 */
abstract sealed class WorkerOutput implements AutoCloseable {

    /** One worker's streams, from before its spawn until the worker has them. */
    interface Streams extends AutoCloseable {
        /** What to give the worker: child fd → master fd. */
        Map<Integer, Integer> fds();

        /** The worker is spawned and holds its copies: the master lets go of what it must not keep. */
        void spawned(long pid);

        /** Releases whatever {@link #spawned} did not take over (all of it when the spawn failed). */
        @Override
        void close();
    }

    static WorkerOutput of(ClusterOptions options) {
        if (options.silent()) {
            return new Silent(NullDevice.open());
        }
        return options.prefixOutput() ? new Prefixed() : new Inherited();
    }

    /** Streams for worker {@code id}; may throw a NativeException (out of fds). */
    abstract Streams open(int id);

    /** Releases what the output holds for all workers. */
    @Override
    public void close() {
        // nothing by default
    }

    /** The master's stdout and stderr, shared: nothing to map, nothing to release. */
    static final class Inherited extends WorkerOutput {
        @Override
        Streams open(int id) {
            return new Streams() {
                public Map<Integer, Integer> fds() {
                    return Map.of();
                }

                public void spawned(long pid) {
                }

                public void close() {
                }
            };
        }
    }

    /** /dev/null at fds 1 and 2; the master keeps its one fd of it until it stops. */
    static final class Silent extends WorkerOutput {
        private final NullDevice nul;

        Silent(NullDevice nul) {
            this.nul = nul;
        }

        @Override
        Streams open(int id) {
            Map<Integer, Integer> fds = Map.of(1, nul.fd(), 2, nul.fd());
            return new Streams() {
                public Map<Integer, Integer> fds() {
                    return fds;
                }

                public void spawned(long pid) {
                }

                public void close() {
                }
            };
        }

        @Override
        public void close() {
            nul.close();
        }
    }

    /**
     * A pipe for each of fds 1 and 2, read by one {@link LinePrefixer} thread each. The master
     * closes its write ends once the worker has its own, so each reader sees the end of input
     * when the worker exits, closes its read end and ends.
     */
    static final class Prefixed extends WorkerOutput {
        private static final int READ_BUFFER_BYTES = 8192;
        /** When the master stops, how long its last workers' last lines may take to come through. */
        private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(1);
        private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        private final Set<Thread> readers = ConcurrentHashMap.newKeySet();

        @Override
        Streams open(int id) {
            Pipe out = Pipe.open();
            Pipe err;
            try {
                err = Pipe.open();
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            byte[] prefix = ("[worker " + id + "] ").getBytes(StandardCharsets.UTF_8);
            return new Streams() {
                private boolean handedOver;

                public Map<Integer, Integer> fds() {
                    return Map.of(1, out.writeFd(), 2, err.writeFd());
                }

                public void spawned(long pid) {
                    out.closeWrite();
                    err.closeWrite();
                    handedOver = true;
                    read(pid, "out", out, prefix, stdout);
                    read(pid, "err", err, prefix, stderr);
                }

                public void close() {
                    if (!handedOver) {
                        out.close();
                        err.close();
                    }
                }
            };
        }

        /** The reader owns the read end from here on: it closes it at the end of input. */
        private void read(long pid, String stream, Pipe pipe, byte[] prefix, OutputStream target) {
            LinePrefixer copy = new LinePrefixer(prefix, new FdInputStream(pipe.readFd(), READ_BUFFER_BYTES), target);
            Thread reader = Thread.ofPlatform().daemon().name("clusterflock-output-" + pid + "-" + stream)
                    .stackSize(256 * 1024).unstarted(() -> {
                        try {
                            copy.run();
                        } finally {
                            readers.remove(Thread.currentThread());
                        }
                    });
            readers.add(reader); // before it starts, so that its removal cannot come first
            reader.start();
        }

        /** Every worker is gone: lets the readers pass on their last lines before the master exits. */
        @Override
        public void close() {
            long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
            for (Thread reader : List.copyOf(readers)) {
                try {
                    reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
